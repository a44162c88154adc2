using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Api;
using Hub.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hub.Api.Tests.Webhooks;

/// <summary>
/// Property test of POST /webhooks/orderez: every field of every payload the OrderEZ simulator sends, broken every
/// way <see cref="JsonFuzz"/> knows, correctly signed. None may get a 5xx, every 4xx is problem details, nothing is
/// half-written, and the hub still syncs orders afterwards.
/// </summary>
public class WebhookFuzzTests(HubFixture fixture, ITestOutputHelper output) : IntegrationContext(fixture)
{
    private const int MaxBytes = 1024 * 1024;
    private const int Parallelism = 8;

    private sealed record Answer(FuzzCase Case, string DeliveryId, int Status, string? ContentType, string Body);

    [Fact]
    public async Task no_signed_body_gets_a_5xx_or_is_half_written_and_the_hub_still_syncs_afterwards()
    {
        var clock = Stopwatch.StartNew();
        var cases = await GenerateAsync();
        output.WriteLine($"Webhook fuzz: {cases.Count} generated cases ({string.Join(", ", cases.GroupBy(c => c.Base).Select(g => $"{g.Key} {g.Count()}"))}), generated in {clock.Elapsed.TotalSeconds:F1} s");

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var answers = await PostAllAsync(cases);
        output.WriteLine($"Posted in {clock.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU in this process): "
            + string.Join("; ", answers.GroupBy(a => a.Case.Base).Select(g => $"{g.Key} " + string.Join(", ", g.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}")))));

        var problems = new List<string>();
        foreach (var a in answers)
            if (Judge(a) is { } why) problems.Add($"{a.Case}: {why}");
        var records = await Hub.DeliveryRecordsAsync(answers.Select(a => a.DeliveryId).ToList());
        foreach (var a in answers)
        {
            var record = records[a.DeliveryId];
            if (record.HalfWritten() is { } half) problems.Add($"{a.Case}: answered {a.Status} with {half}");
            // An acknowledged order or outlet is on record; a refusal may be recorded (as unreadable) or not.
            else if (a.Status is 200 or 202 && !a.Body.Contains("ignored", StringComparison.Ordinal) && record.NothingWritten)
                problems.Add($"{a.Case}: answered {a.Status} ({a.Body}) but nothing was recorded");
        }
        problems.ShouldBeEmpty($"{problems.Count} of {cases.Count} cases failed; first ones:\n{string.Join("\n", problems.Take(80))}");

        output.WriteLine($"Checked in {clock.Elapsed.TotalSeconds:F1} s; {await QueuedAsync()} messages queued");
        await TheHubStillSyncsAnOrderAsync();
        output.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU in this process)");
    }

    /// <summary>Null when the answer is acceptable: no 5xx, and a 4xx is problem details that say what is wrong.</summary>
    private static string? Judge(Answer a) =>
        a.Status >= 500 ? $"answered {a.Status}: {Problems.Shorten(a.Body)}"
        : a.Status < 400 ? null
        : Problems.Problem(a.Status, a.ContentType, a.Body);

    /// <summary>The payloads exactly as the OrderEZ simulator sends them, each broken every way.</summary>
    private async Task<List<FuzzCase>> GenerateAsync()
    {
        // Unknown in NetSuite, so the accepted cases each cost one SKU lookup in the background and then wait.
        await Hub.SeedCatalogAsync(["FUZZ-1", "FUZZ-2"], inNetSuite: []);
        await Hub.PauseWebhooksAsync();

        // No contact yet (so no email): such an outlet waits for one without calling NetSuite, so the cases broken
        // everywhere cost nothing in the background; its update brings the contacts, broken there.
        var outlet = await Hub.DataIdAsync(await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/outlets", new
        {
            name = "Fuzz Bar", legalName = "Fuzz Bar Pte Ltd", accountNumber = "ACC-1", taxId = "T-1", contacts = Array.Empty<object>(),
            deliveryAddress = new { line1 = "1 Main St", line2 = "#02-01", city = "Singapore", postalCode = "000001", country = "SG" },
            billingAddress = new { line1 = "2 Side St", city = "Singapore", postalCode = "000002", country = "SG" },
        }));
        var created = await OutletBodyAsync(outlet, "outlet.created");
        (await Hub.OrderEzHttp.PatchAsJsonAsync($"/_sim/outlets/{outlet}", new
        {
            legalName = "Fuzz Bar Holdings",
            contacts = new object[]
            {
                new { firstName = "Ana", lastName = "Lim", email = "orders@fuzz.example", phone = "+6590000000", type = "ordering", isPrimary = true },
                new { firstName = "Raj", email = "ap@fuzz.example", type = "finance" },
            },
        })).EnsureSuccessStatusCode();
        var updated = await OutletBodyAsync(outlet, "outlet.updated");

        async Task<long> PlaceAsync() => await Hub.DataIdAsync(await Hub.OrderEzHttp.PostAsJsonAsync("/_sim/orders", new
        {
            outletId = outlet, requestedDeliveryDate = "2026-12-24", note = "Before 10am",
            lines = new[] { new { sku = "FUZZ-1", quantity = 2m }, new { sku = "FUZZ-2", quantity = 1.5m } },
        }));
        var pending = await PlaceAsync();
        var accepted = await PlaceAsync();
        await Hub.AcceptAsync(accepted);
        var partial = await PlaceAsync();
        await Hub.AcceptAsync(partial, "FUZZ-2");

        // Each family is broken everywhere once; its other payloads only where they differ (status, history, the
        // excluded line, contacts).
        // The pending order is the one broken everywhere: it takes the same path in, and queues no sync.
        var bases = new (string Name, JsonNode Template, string[]? Focus)[]
        {
            ("order.created", await OrderBodyAsync(pending, "order.created"), null),
            ("order.accepted", await OrderBodyAsync(accepted, "order.accepted"), ["type", "data.status", "data.statusHistory"]),
            ("order.partially_accepted", await OrderBodyAsync(partial, "order.partially_accepted"), ["type", "data.status", "data.lineItems[1]"]),
            ("outlet.created", created, null),
            ("outlet.updated", updated, ["type", "data.legalName", "data.contacts"]),
        };
        var cases = new List<FuzzCase>();
        for (var b = 0; b < bases.Length; b++)
        {
            // Every case names an order or outlet of its own, so one case's event can never pass for another's.
            var first = 1_000_000L * (b + 1);
            cases.AddRange(JsonFuzz.Cases(bases[b].Name, bases[b].Template, MaxBytes, (doc, i) => doc["data"]!["id"] = first + i, bases[b].Focus));
        }
        return cases;
    }

    private async Task<JsonNode> OrderBodyAsync(long orderId, string type) =>
        JsonNode.Parse(await Hub.OrderWebhookBodyAsync(orderId, type))!;

    private async Task<JsonNode> OutletBodyAsync(long outletId, string type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/distributor/outlets/{outletId}");
        request.Headers.Authorization = new("Bearer", HubFixture.OrderEzToken);
        var response = await Hub.OrderEzHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.DeepClone();
        return new JsonObject { ["type"] = type, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["data"] = data };
    }

    /// <summary>Each case signed under a webhook-id of its own and posted, several at once.</summary>
    private async Task<List<Answer>> PostAllAsync(IReadOnlyList<FuzzCase> cases)
    {
        var answers = new Answer[cases.Count];
        using var client = Hub.Host.Server.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = deadline.Token }, async (i, ct) =>
            {
                var c = cases[i];
                var (id, timestamp, signature) = Hub.Sign(c.Body, id: $"fuzz_{i:D5}");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/orderez") { Content = new ByteArrayContent(c.Body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("webhook-id", id);
                request.Headers.Add("webhook-timestamp", timestamp);
                request.Headers.Add("webhook-signature", signature);
                using var response = await client.SendAsync(request, ct);
                answers[i] = new Answer(c, id, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    await response.Content.ReadAsStringAsync(ct));
            });
        return [.. answers];
    }

    private async Task<long> QueuedAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from {Hub.Schema}.wolverine_incoming_envelopes where status <> 'Handled'", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private async Task TheHubStillSyncsAnOrderAsync()
    {
        await Hub.ResumeWebhooksAsync();
        await Hub.SeedCatalogAsync(["OK-1"]);
        var order = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync("After Fuzz", "after@fuzz.example"), [("OK-1", 3)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order, seconds: 60);

        var salesOrders = (await Hub.LedgerAsync()).Of("salesOrder");
        salesOrders.ShouldHaveSingleItem("the fuzz made no sales order, the valid order exactly one").ExternalId.ShouldBe($"oez-so-{order}");
        salesOrders[0].Creates.ShouldBe(1);

        // What the accepted cases set going (SKU look-ups, customer matches) runs out, and none of it was poison.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long queued;
        while ((queued = await QueuedAsync()) > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        queued.ShouldBe(0, "the work the fuzz cases started comes to an end");
        (await Hub.DeadLetterCountAsync()).ShouldBe(0, "no fuzz case poisoned a message");
    }
}
