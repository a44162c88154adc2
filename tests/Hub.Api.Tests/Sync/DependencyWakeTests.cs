using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Infrastructure;
using Hub.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Api.Tests.Sync;

/// <summary>The kernel's one wake-up: a record waiting for another goes on when that one moves, not when its retry comes.</summary>
public class DependencyWakeTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task an_order_waiting_for_its_customer_goes_on_as_soon_as_the_customer_is_linked()
    {
        var options = Hub.Host.Services.GetRequiredService<IOptions<HubOptions>>().Value;
        var (retryBase, retryMax) = (options.RetryBaseMilliseconds, options.RetryMaxSeconds);
        // A retry would come back after at least a minute: only the wake-up can make the order go on within the wait below.
        options.RetryBaseMilliseconds = 120_000;
        options.RetryMaxSeconds = 600;
        try
        {
            await Hub.SeedCatalogAsync(["COF-1"]);
            // The customer's first NetSuite call answers slowly, so the order asks for its customer before it is linked.
            (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/faults", new { mode = "latency", latencyMs = 2500, requests = 1, path = "customer" })).EnsureSuccessStatusCode();
            var outlet = await Hub.CreateOutletAsync("Wake Bar", "orders@wakebar.example");
            var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 3)]);
            await Hub.AcceptAsync(orderId);

            var view = await Hub.SyncedAsync(orderId, seconds: 30);

            view.NetSuiteSalesOrderId.ShouldNotBeNull();
            // It really waited: it asked for its customer before the customer was linked.
            var order = await Hub.Host.GetAsJson<JsonObject>($"/api/orders/{orderId}/history", HubFixture.AuditorKey);
            var asked = order["events"]!.AsArray().First(e => e!["type"]!.GetValue<string>() == "SyncCommandIssued"
                && e["summary"]!.GetValue<string>().StartsWith("EnsureCustomer", StringComparison.Ordinal))!["recordedAt"]!.GetValue<DateTimeOffset>();
            var customer = await Hub.Host.GetAsJson<JsonObject>($"/api/customers/{outlet}/history", HubFixture.AuditorKey);
            var linked = customer["events"]!.AsArray().First(e => e!["type"]!.GetValue<string>() == "CustomerLinked")!["recordedAt"]!.GetValue<DateTimeOffset>();
            asked.ShouldBeLessThan(linked, "the order asked before its customer was linked, so it had to wait");
            (await Hub.LedgerAsync()).Of("salesOrder").ShouldHaveSingleItem().Creates.ShouldBe(1);
        }
        finally
        {
            (options.RetryBaseMilliseconds, options.RetryMaxSeconds) = (retryBase, retryMax);
            // The lost-wake-up guard (the wait's retry) is still scheduled a minute or two away. It would find the
            // step done and do nothing, but the next test must not wait for it.
            await using var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                $"delete from {Hub.Schema}.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%ExecuteNetSuiteStep'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
