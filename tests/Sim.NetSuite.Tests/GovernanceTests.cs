using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

public sealed class GovernanceTests(SimFixture sim) : SimTestBase(sim)
{
    private async Task SetFaultAsync(object fault) =>
        (await Sim.Raw.PostAsJsonAsync("/_sim/faults", fault)).EnsureSuccessStatusCode();

    [Fact]
    public async Task Requests_beyond_the_concurrency_limit_get_429_and_peak_stays_within_it()
    {
        (await Sim.Raw.PostAsJsonAsync("/_sim/config", new { concurrencyLimit = 2, latencyMs = 400 })).EnsureSuccessStatusCode();
        var client = Sim.Client();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await client.GetAsync("currency", "1");
                return "ok";
            }
            catch (NetSuiteException e)
            {
                e.Status.ShouldBe(429);
                e.ErrorCode.ShouldBe("CONCURRENCY_LIMIT_EXCEEDED");
                e.Detail.ShouldBe("Concurrent request limit exceeded. Request blocked.");
                e.IsTransient.ShouldBeTrue();
                return "429";
            }
        }));

        outcomes.Count(o => o == "429").ShouldBeGreaterThan(0);
        outcomes.Count(o => o == "ok").ShouldBeGreaterThan(0);
        var ledger = await Sim.LedgerAsync();
        ledger["peakInFlight"]!.GetValue<int>().ShouldBeInRange(1, 2);
        ledger["requestsAdmitted"]!.GetValue<long>().ShouldBe(outcomes.Count(o => o == "ok"));
        ledger["refusedOverLimit"]!.GetValue<long>().ShouldBe(outcomes.Count(o => o == "429"));
        (await Sim.Raw.PostAsync("/_sim/counters/reset", null)).EnsureSuccessStatusCode();
        ledger = await Sim.LedgerAsync();
        (ledger["peakInFlight"]!.GetValue<int>(), ledger["requestsAdmitted"]!.GetValue<long>(), ledger["refusedOverLimit"]!.GetValue<long>()).ShouldBe((0, 0L, 0L));
        var config = (await Sim.Raw.GetFromJsonAsync<JsonObject>("/_sim/config"))!;
        config["concurrencyLimit"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("429", 429, "CONCURRENCY_LIMIT_EXCEEDED")]
    [InlineData("503", 503, null)]
    [InlineData("refuse", 0, null)]
    public async Task Faults_hit_the_given_number_of_requests_then_recover(string mode, int status, string? code)
    {
        var client = Sim.Client();
        await SetFaultAsync(new { mode, requests = 2 });

        for (var i = 0; i < 2; i++)
        {
            var e = await Should.ThrowAsync<NetSuiteException>(() => client.GetAsync("currency", "1"));
            e.Status.ShouldBe(status);
            e.IsTransient.ShouldBeTrue();
            if (code is not null) e.ErrorCode.ShouldBe(code);
        }

        // Recovery must last: a request-bounded fault must not come back once it has run out.
        for (var i = 0; i < 3; i++)
            (await client.GetAsync("currency", "1")).ShouldNotBeNull();
        var faults = System.Text.Json.Nodes.JsonNode.Parse(await Sim.Raw.GetStringAsync("/_sim/faults"))!;
        faults["served"]!.GetValue<int>().ShouldBe(2);
        faults["active"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Fault_503_uses_the_error_envelope()
    {
        await SetFaultAsync(new { mode = "503", requests = 1 });
        var response = await Sim.Raw.GetAsync("/services/rest/record/v1/currency/1");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/vnd.oracle.resource+json; type=error");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("Service Unavailable");
    }

    [Fact]
    public async Task Cleared_fault_stops_immediately()
    {
        var client = Sim.Client();
        await SetFaultAsync(new { mode = "503", seconds = 60 });
        await Should.ThrowAsync<NetSuiteException>(() => client.GetAsync("currency", "1"));

        (await Sim.Raw.DeleteAsync("/_sim/faults")).EnsureSuccessStatusCode();

        (await client.GetAsync("currency", "1")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Hang_times_the_client_out_as_a_transient_failure()
    {
        await SetFaultAsync(new { mode = "hang", requests = 1 });
        using var http = Sim.NewHttp(TimeSpan.FromMilliseconds(300));
        var client = Sim.Client(http: http);

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.GetAsync("currency", "1"));

        e.Status.ShouldBe(0);
        e.IsTransient.ShouldBeTrue();
        (await client.GetAsync("currency", "1")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Hang_ends_with_503_when_the_fault_expires()
    {
        await SetFaultAsync(new { mode = "hang", seconds = 1 });
        var watch = Stopwatch.StartNew();

        var response = await Sim.Raw.GetAsync("/services/rest/record/v1/currency/1");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Latency_fault_slows_requests_down()
    {
        await SetFaultAsync(new { mode = "latency", latencyMs = 300, requests = 1 });
        var client = Sim.Client();
        var watch = Stopwatch.StartNew();

        await client.GetAsync("currency", "1");

        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280));
    }

    [Fact]
    public async Task A_lost_response_still_writes_and_only_the_matching_path_is_hit()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();
        await SetFaultAsync(new { mode = "lose-response", requests = 1, path = "salesOrder" });

        (await client.GetAsync("currency", "1")).ShouldNotBeNull("other paths are not hit");
        var lost = await Should.ThrowAsync<NetSuiteException>(() => client.UpsertAsync("salesOrder", "HUB-SO-LOST", SalesOrder(customer, (item1, 1, 1))));
        lost.IsTransient.ShouldBeTrue();

        // The write happened although its answer was lost; retrying the upsert finds it.
        var id = await client.UpsertAsync("salesOrder", "HUB-SO-LOST", SalesOrder(customer, (item1, 1, 1)));
        var order = (await Sim.LedgerAsync())["records"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "salesOrder")!;
        (order["internalId"]!.GetValue<string>(), order["creates"]!.GetValue<int>(), order["updates"]!.GetValue<int>()).ShouldBe((id, 1, 1));
    }

    [Fact]
    public async Task Ledger_counts_creates_and_updates_per_record()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        var client = Sim.Client();

        var so = await client.UpsertAsync("salesOrder", "HUB-SO-1", SalesOrder(customer, (item1, 1, 1)));
        await client.UpsertAsync("salesOrder", "HUB-SO-1", Obj("""{"memo":"again"}"""));
        await client.PatchAsync("salesOrder", so, Obj("""{"memo":"patched"}"""));
        await client.PatchAsync("customer", "eid:HUB-CUST-1", Obj("""{"phone":"+65 1234"}"""));

        var records = (await Sim.LedgerAsync())["records"]!.AsArray();
        var order = records.Single(r => r!["type"]!.GetValue<string>() == "salesOrder")!;
        order["externalId"]!.GetValue<string>().ShouldBe("HUB-SO-1");
        order["internalId"]!.GetValue<string>().ShouldBe(so);
        order["creates"]!.GetValue<int>().ShouldBe(1);
        order["updates"]!.GetValue<int>().ShouldBe(2);
        var cust = records.Single(r => r!["type"]!.GetValue<string>() == "customer")!;
        cust["internalId"]!.GetValue<string>().ShouldBe(customer);
        cust["creates"]!.GetValue<int>().ShouldBe(1);
        cust["updates"]!.GetValue<int>().ShouldBe(1);
        records.Count(r => r!["type"]!.GetValue<string>() == "inventoryItem").ShouldBe(2);
    }

    [Fact]
    public async Task Seed_creates_records_readable_through_the_api()
    {
        var seeded = await Sim.SeedAsync(new
        {
            items = new[] { new { itemId = "SVC-1", displayName = "Install", basePrice = 99.5, itemType = "Service" } },
            customers = new[] { new { companyName = "Seeded", email = "s@x.example", externalId = (string?)null } },
        });
        var itemId = seeded["items"]![0]!["id"]!.GetValue<string>();
        seeded["items"]![0]!["itemId"]!.GetValue<string>().ShouldBe("SVC-1");
        seeded["customers"]![0]!["email"]!.GetValue<string>().ShouldBe("s@x.example");
        var client = Sim.Client();

        var item = (await client.GetAsync("inventoryItem", itemId))!;

        item["basePrice"]!.GetValue<decimal>().ShouldBe(99.5m);
        item["itemType"]!.GetValue<string>().ShouldBe("Service");
        (await Sim.LedgerAsync())["records"]!.AsArray().Sum(r => r!["creates"]!.GetValue<int>()).ShouldBe(2);
        var dump = (await Sim.Raw.GetFromJsonAsync<JsonArray>("/_sim/records/customer"))!;
        dump.Single()!["companyName"]!.GetValue<string>().ShouldBe("Seeded");
    }

    [Fact]
    public async Task Reset_clears_records_but_keeps_reference_data()
    {
        await Sim.SeedBasicsAsync();

        await Sim.ResetAsync();

        (await Sim.Raw.GetFromJsonAsync<JsonArray>("/_sim/records/customer"))!.Count.ShouldBe(0);
        (await Sim.Raw.GetFromJsonAsync<JsonArray>("/_sim/records/currency"))!.Count.ShouldBe(4);
        (await Sim.LedgerAsync())["records"]!.AsArray().Count.ShouldBe(0);
    }
}
