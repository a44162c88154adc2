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
    public async Task Requests_beyond_the_concurrency_limit_get_429_and_count_as_in_flight_until_answered()
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
        // A refused request is refused because the limit's worth are in flight beside it, and it is in flight
        // itself until its 429 goes out: the peak sees one more than the limit, however the requests interleave.
        ledger["peakInFlight"]!.GetValue<int>().ShouldBeInRange(3, 6);
        ledger["requestsAdmitted"]!.GetValue<long>().ShouldBe(outcomes.Count(o => o == "ok"));
        ledger["refusedOverLimit"]!.GetValue<long>().ShouldBe(outcomes.Count(o => o == "429"));
        (await Sim.Raw.PostAsync("/_sim/counters/reset", null)).EnsureSuccessStatusCode();
        ledger = await Sim.LedgerAsync();
        (ledger["peakInFlight"]!.GetValue<int>(), ledger["requestsAdmitted"]!.GetValue<long>(), ledger["refusedOverLimit"]!.GetValue<long>()).ShouldBe((0, 0L, 0L));
        var config = (await Sim.Raw.GetFromJsonAsync<JsonObject>("/_sim/config"))!;
        config["concurrencyLimit"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("429", 429)]
    [InlineData("503", 503)]
    [InlineData("hang", 503)]
    public async Task Requests_answered_by_a_fault_count_as_in_flight_from_arrival_to_answer(string mode, int status)
    {
        // Held for a second before the fault answers (a hang until the fault ends), so all six are in flight at once:
        // a client sending six at once during a storm must show a peak of six, not of what got through.
        await SetFaultAsync(mode == "hang" ? new { mode, seconds = 1 } : new { mode, requests = 6, latencyMs = 1000 });
        using var http = Sim.NewHttp();
        var requests = Enumerable.Range(0, 6).Select(i => http.SendAsync(i < 4
            ? new HttpRequestMessage(HttpMethod.Get, "/services/rest/record/v1/currency/1")
            : new HttpRequestMessage(HttpMethod.Put, $"/services/rest/record/v1/salesOrder/eid:HUB-SO-STORM-{i}") { Content = JsonContent.Create(new { memo = "storm" }) })).ToList();
        var seen = await WatchGaugeAsync(Task.WhenAll(requests));

        (await Task.WhenAll(requests)).Select(r => (int)r.StatusCode).ShouldAllBe(s => s == status);
        var ledger = await Sim.LedgerAsync();
        ledger["peakInFlight"]!.GetValue<int>().ShouldBe(6, "every request counts from arrival to answer, faults included");
        seen.ShouldBe((6, 2), "the gauge showed all six in flight, two of them writes");
        var capacity = await CapacityAsync();
        (capacity["inFlight"]!.GetValue<int>(), capacity["inFlightWrites"]!.GetValue<int>(), capacity["peakInFlight"]!.GetValue<int>(), capacity["peakInFlightWrites"]!.GetValue<int>())
            .ShouldBe((0, 0, 6, 2));
    }

    [Fact]
    public async Task A_write_whose_client_goes_away_is_still_made()
    {
        var (item1, _, customer) = await Sim.SeedBasicsAsync();
        (await Sim.Raw.PostAsJsonAsync("/_sim/config", new { latencyMs = 500 })).EnsureSuccessStatusCode();
        // Lingering 0 s, the socket is reset (RST) when the client gives up, so the server sees its caller vanish at
        // once (a plain close, FIN, goes unnoticed until the answer is written).
        using var impatient = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
                {
                    NoDelay = true, LingerState = new System.Net.Sockets.LingerOption(true, 0),
                };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = Sim.BaseUri, Timeout = TimeSpan.FromMilliseconds(100) };

        // As a killed or timed-out hub does: the request reached NetSuite, its caller is gone before the answer.
        var left = await Should.ThrowAsync<NetSuiteException>(() => Sim.Client(http: impatient).UpsertAsync("salesOrder", "HUB-SO-LEFT", SalesOrder(customer, (item1, 1, 1))));
        left.IsTransient.ShouldBeTrue();
        (await CapacityAsync())["inFlightWrites"]!.GetValue<int>().ShouldBe(1, "NetSuite is still working on it");
        var capacity = await CapacityAsync();
        for (var i = 0; i < 100 && capacity["inFlight"]!.GetValue<int>() > 0; i++)
        {
            await Task.Delay(20);
            capacity = await CapacityAsync();
        }

        // Real NetSuite finishes a write whose caller went away; that is the case a retry's upsert must find.
        capacity["inFlight"]!.GetValue<int>().ShouldBe(0);
        var order = (await Sim.LedgerAsync())["records"]!.AsArray().Where(r => r!["type"]!.GetValue<string>() == "salesOrder").ShouldHaveSingleItem()!;
        (order["externalId"]!.GetValue<string>(), order["creates"]!.GetValue<int>()).ShouldBe(("HUB-SO-LEFT", 1));
    }

    private async Task<JsonObject> CapacityAsync() => (await Sim.Raw.GetFromJsonAsync<JsonObject>("/_sim/capacity"))!;

    /// <summary>The most the in-flight gauge showed (all, writes) while <paramref name="until"/> ran; (-1, -1) if there is
    /// no gauge. Each write it lists must name the caller's port and the record.</summary>
    private async Task<(int All, int Writes)> WatchGaugeAsync(Task until)
    {
        var seen = (All: -1, Writes: -1);
        for (var i = 0; i < 2000 && !until.IsCompleted; i++)
        {
            var response = await Sim.Raw.GetAsync("/_sim/capacity");
            if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } c)
            {
                var writes = c["writes"]!.AsArray();
                writes.Count.ShouldBe(c["inFlightWrites"]!.GetValue<int>());
                writes.ShouldAllBe(w => w!["clientPort"]!.GetValue<int>() > 0 && w["path"]!.GetValue<string>().Contains("salesOrder/eid:HUB-SO-STORM-"));
                seen = (Math.Max(seen.All, c["inFlight"]!.GetValue<int>()), Math.Max(seen.Writes, writes.Count));
            }
            await Task.Delay(10);
        }
        return seen;
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
