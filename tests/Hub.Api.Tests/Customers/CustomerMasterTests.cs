using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Hub.Api.Customers;
using Hub.Api.Infrastructure;
using Hub.Api.Mappings;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Common;
using Hub.Domain.Customers;
using Hub.Projections;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Customers;

/// <summary>One customer in OrderEZ is exactly one customer in NetSuite, and every match decision is on record.</summary>
public class CustomerMasterTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<CustomerView?> CustomerAsync(long outletId)
    {
        var result = await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{outletId}");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode == 404 ? null : await result.ReadAsJsonAsync<CustomerView>();
    }

    private async Task<CustomerView> EventuallyAsync(long outletId, Func<CustomerView, bool> done)
    {
        var last = await Eventually.ValueAsync(() => CustomerAsync(outletId), v => v is not null && done(v), TimeSpan.FromSeconds(30));
        return last is not null && done(last)
            ? last
            : throw new TimeoutException($"Outlet {outletId} did not reach the expected state; last: {System.Text.Json.JsonSerializer.Serialize(last)}");
    }

    private Task<CustomerView> LinkedAsync(long outletId) => EventuallyAsync(outletId, c => c.WrittenBackToOrderEz && c.PendingStep is null);

    private async Task SeedNetSuiteCustomersAsync(params (string Name, string Email)[] customers) =>
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/seed", new { customers = customers.Select(c => new { companyName = c.Name, email = c.Email }) }))
            .EnsureSuccessStatusCode();

    [Fact]
    public async Task a_new_outlet_becomes_one_netsuite_customer_and_its_id_is_written_back_without_echo_writes()
    {
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example", "SG");

        var customer = await LinkedAsync(outlet);

        customer.MatchedBy.ShouldBe("created");
        var ledger = (await Hub.LedgerAsync()).Of("customer").ShouldHaveSingleItem();
        (ledger.ExternalId, ledger.Creates, ledger.Updates).ShouldBe(($"oez-outlet-{outlet}", 1, 0));
        (await Hub.OrderEz.GetOutletAsync(outlet))!.ExternalRefs["netsuiteCustomerId"].ShouldBe(customer.NetSuiteCustomerId);
        var record = (await Hub.NetSuite.GetAsync("customer", customer.NetSuiteCustomerId!))!;
        record["subsidiary"]!["id"]!.GetValue<string>().ShouldBe("2", "Singapore outlets go to the Singapore subsidiary");

        // The write-back comes back as outlet.updated: recognised as our own echo, nothing more is written.
        await Hub.Host.InvokeMessageAndWaitAsync(new Hub.Api.Orders.Polling.PollOrderEz());
        (await Hub.LedgerAsync()).Of("customer").Single().Updates.ShouldBe(0);
    }

    [Fact]
    public async Task two_outlets_whose_emails_differ_only_in_case_and_plus_tag_are_one_netsuite_customer()
    {
        var first = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example");
        var firstCustomer = await LinkedAsync(first);
        var second = await Hub.CreateOutletAsync("Bar Nine (kitchen)", "Orders+Kitchen@BarNine.EXAMPLE");

        var secondCustomer = await LinkedAsync(second);

        secondCustomer.NetSuiteCustomerId.ShouldBe(firstCustomer.NetSuiteCustomerId);
        secondCustomer.MatchedBy.ShouldBe("email");
        var customers = (await Hub.LedgerAsync()).Of("customer");
        customers.ShouldHaveSingleItem().Creates.ShouldBe(1);
        customers[0].ExternalId.ShouldBe($"oez-outlet-{first}", "the first outlet keeps the record's externalId");
    }

    [Fact]
    public async Task outlets_created_at_once_with_one_email_in_different_forms_become_one_netsuite_customer()
    {
        // NetSuite answering in 100 ms keeps every outlet's lookups in flight together, as a burst of sign-ups would.
        // (The OrderEZ simulator refuses an email with spaces, so surrounding spaces are covered by CustomerMatchKeysTests.)
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 100 })).EnsureSuccessStatusCode();
        try
        {
            string[] emails = ["orders@barnine.example", "Orders@BarNine.example", "ORDERS@BARNINE.EXAMPLE", "orders@BarNine.Example",
                "oRdErS@barnine.example", "Orders+Kitchen@barnine.example"];
            var outlets = await Task.WhenAll(emails.Select((email, i) => Hub.CreateOutletAsync($"Bar Nine {i}", email)));

            var linked = new List<CustomerView>();
            foreach (var outlet in outlets) linked.Add(await LinkedAsync(outlet));

            var only = (await Hub.LedgerAsync()).Of("customer").ShouldHaveSingleItem();
            only.Creates.ShouldBe(1);
            linked.ShouldAllBe(c => c.NetSuiteCustomerId == only.InternalId);
            foreach (var outlet in outlets)
                (await Hub.OrderEz.GetOutletAsync(outlet))!.ExternalRefs["netsuiteCustomerId"].ShouldBe(only.InternalId, $"outlet {outlet} in OrderEZ");
            await Hub.InvariantsHoldAsync([]);
        }
        finally
        {
            (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 0 })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task two_hub_nodes_deciding_matches_on_one_email_at_once_start_exactly_one()
    {
        // Two document stores on the hub's schema stand for two hub processes: their own sessions and connection
        // pools, nothing shared but PostgreSQL. Node A is the hub's own store.
        var nodeA = Hub.Host.Services.GetRequiredService<IDocumentStore>();
        using var nodeB = DocumentStore.For(o =>
        {
            o.Connection(HubFixture.ConnectionString);
            o.DatabaseSchemaName = Hub.Schema;
            o.ApplyHubEventShape();
            o.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            o.AddHubProjections();
            o.Schema.For<CustomerMatchClaim>();
        });
        var mappings = Hub.Host.Services.GetRequiredService<MappingRegistry>();
        var options = Hub.Host.Services.GetRequiredService<IOptions<HubOptions>>();
        var clock = Hub.Host.Services.GetRequiredService<HubClock>();
        // Observed outlets, appended directly so that nothing is queued for them and only this test decides.
        foreach (var (outletId, email) in new[] { (901L, "orders@barnine.example"), (902L, " ORDERS+bar@BarNine.example") })
        {
            await using var session = nodeA.LightweightSession();
            var snapshot = new OutletSnapshot(outletId, $"Outlet {outletId}", null, email, null, clock.Now, "SG");
            session.Events.StartStream(CustomerSync.StreamKey(outletId), [.. CustomerObservations.FromOutlet(null, snapshot,
                new ChangeSource(ChangeSource.Lookup, null, null, null, snapshot.UpdatedAt), (await mappings.CurrentAsync(session, default)).Definition, clock.Now)]);
            await session.SaveChangesAsync();
        }

        // Both nodes decide before either commits, as two nodes taking the two outlets' webhooks at one moment would.
        await using var onA = nodeA.LightweightSession();
        await using var onB = nodeB.LightweightSession();
        await SyncCustomerHandler.Handle(new SyncCustomer(901), onA, mappings, options, clock, default);
        await SyncCustomerHandler.Handle(new SyncCustomer(902), onB, mappings, options, clock, default);
        var commits = await Task.WhenAll(Record.ExceptionAsync(() => onA.SaveChangesAsync()), Record.ExceptionAsync(() => onB.SaveChangesAsync()));

        commits.Count(e => e is null).ShouldBe(1, "exactly one node's match starts");
        commits.Single(e => e is not null).ShouldBeOfType<JasperFx.DocumentAlreadyExistsException>();
        var (winner, loser, loserNode) = commits[0] is null ? (901L, 902L, (IDocumentStore)nodeB) : (902L, 901L, nodeA);

        // The loser's message, handled again (the handler's retry policy), now waits for the winner instead of matching.
        await using (var again = loserNode.LightweightSession())
        {
            await SyncCustomerHandler.Handle(new SyncCustomer(loser), again, mappings, options, clock, default);
            await again.SaveChangesAsync();
        }
        await using var read = nodeA.QuerySession();
        (await read.LoadAsync<CustomerSync>(CustomerSync.StreamKey(winner)))!.Pending!.Kind.ShouldBe(CustomerStepKind.Match);
        (await read.LoadAsync<CustomerSync>(CustomerSync.StreamKey(loser)))!.Pending.ShouldBeNull();
        (await read.Query<CustomerMatchClaim>().ToListAsync()).ShouldContain(c => c.Id == "email:orders@barnine.example" && c.OutletId == winner);
        (await read.Query<CustomerMatchClaim>().ToListAsync()).ShouldAllBe(c => c.OutletId == winner);
    }

    [Fact]
    public async Task an_existing_netsuite_customer_with_the_email_and_no_external_id_is_adopted()
    {
        await SeedNetSuiteCustomersAsync(("Bar Nine Pte Ltd", "orders@barnine.example"));
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example");

        var customer = await LinkedAsync(outlet);

        customer.MatchedBy.ShouldBe("email");
        var only = (await Hub.LedgerAsync()).Of("customer").ShouldHaveSingleItem();
        only.Creates.ShouldBe(1, "created by the seed, never again");
        only.ExternalId.ShouldBe($"oez-outlet-{outlet}");
        only.InternalId.ShouldBe(customer.NetSuiteCustomerId);
    }

    [Fact]
    public async Task two_matching_netsuite_customers_need_a_person_and_the_decision_is_an_event()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        await SeedNetSuiteCustomersAsync(("Bar Nine A", "orders@barnine.example"), ("Bar Nine B", "ORDERS@barnine.example"));
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example");
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 1)]);
        await Hub.AcceptAsync(order);

        var ambiguous = await EventuallyAsync(outlet, c => c.ActionNeeded is not null);
        ambiguous.ActionNeeded!.Code.ShouldBe("AMBIGUOUS_CUSTOMER_MATCH");
        ambiguous.Candidates!.Count.ShouldBe(2);
        (await Hub.EventuallyAsync(order, v => v.ActionNeeded is not null)).ActionNeeded!.Code.ShouldBe("AMBIGUOUS_CUSTOMER_MATCH");

        var chosen = ambiguous.Candidates[1].NetSuiteCustomerId;
        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { netSuiteCustomerId = "nope" }).ToUrl($"/api/customers/{outlet}/resolve");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(400);
        });
        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { netSuiteCustomerId = chosen }).ToUrl($"/api/customers/{outlet}/resolve");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.WithRequestHeader("X-Author", "mallory");
            s.StatusCodeShouldBe(202);
        });

        var linked = await LinkedAsync(outlet);
        linked.NetSuiteCustomerId.ShouldBe(chosen);
        linked.MatchedBy.ShouldBe("operator");
        var view = await Hub.SyncedAsync(order);
        view.LastWritten!.EntityId.ShouldBe(chosen);
        (await Hub.LedgerAsync()).Of("customer").Count.ShouldBe(2, "no third customer was created");

        var history = JsonNode.Parse((await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{outlet}/history");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
        })).ReadAsText())!["events"]!.AsArray();
        history.Select(e => e!["type"]!.GetValue<string>()).ShouldContain(nameof(CustomerMatchAmbiguous));
        var resolved = history.Single(e => e!["type"]!.GetValue<string>() == nameof(CustomerMatchResolved))!;
        resolved["data"]!["resolvedBy"]!.GetValue<string>().ShouldBe(HubFixture.OperatorName, "the key's name, not the X-Author header");
        // The same entry shape as an order's history: every event said in words, with where it came from.
        history.Where(e => string.IsNullOrEmpty(e!["summary"]?.GetValue<string>()) || string.IsNullOrEmpty(e["source"]?.GetValue<string>()))
            .Select(e => e!["type"]!.GetValue<string>()).ShouldBeEmpty();
        resolved["summary"]!.GetValue<string>().ShouldContain(HubFixture.OperatorName);
    }

    [Fact]
    public async Task two_hundred_outlets_sync_in_one_go_within_the_hubs_netsuite_budget()
    {
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 20 })).EnsureSuccessStatusCode();
        var outlets = new List<long>();
        for (var i = 0; i < 200; i++)
            outlets.Add(await Hub.CreateOutletAsync($"Outlet {i}", $"buyer{i}@outlets.example"));

        foreach (var outlet in outlets) await LinkedAsync(outlet);

        var ledger = await Hub.LedgerAsync();
        ledger.Of("customer").Count.ShouldBe(200);
        ledger.Of("customer").ShouldAllBe(c => c.Creates == 1);
        // NetSuite allows 5; the hub's budget is 3 (its queue would run 4 at once): the gate, not luck, keeps it there.
        ledger.PeakInFlight.ShouldBeLessThanOrEqualTo(3);
        ledger.PeakInFlight.ShouldBeGreaterThan(1, "the hub does use several slots at once");
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/config", new { latencyMs = 0 })).EnsureSuccessStatusCode();
    }

    private async Task<JsonArray> HistoryAsync(long outletId) =>
        JsonNode.Parse((await Hub.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{outletId}/history");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
        })).ReadAsText())!["events"]!.AsArray();

    private static IEnumerable<JsonNode> OfType(JsonArray history, string type) => history.Where(e => e!["type"]!.GetValue<string>() == type)!;

    [Fact]
    public async Task an_address_change_in_netsuite_reaches_the_orderez_outlet_once_and_nothing_goes_back_to_netsuite()
    {
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example", "SG");
        var customer = await LinkedAsync(outlet);
        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers()); // the hub's own create, seen once

        // Finance edits the billing address in NetSuite.
        await Hub.NetSuite.PatchAsync("customer", customer.NetSuiteCustomerId!, JsonNode.Parse("""
            {"addressBook":{"items":[{"defaultBilling":true,"defaultShipping":false,
              "addressBookAddress":{"addr1":"5 Robinson Rd","city":"Singapore","zip":"068898","country":"SG"}}]}}
            """)!.AsObject(), replace: "addressBook");
        var updatesByFinance = (await Hub.LedgerAsync()).Of("customer").Single().Updates;

        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers());
        await EventuallyAsync(outlet, c => c.PendingStep is null && c.Outlet?.BillingAddress?.Line1 == "5 Robinson Rd");
        var inOrderEz = (await Hub.OrderEz.GetOutletAsync(outlet))!;
        inOrderEz.BillingAddress!.Line1.ShouldBe("5 Robinson Rd");
        inOrderEz.BillingAddress.PostalCode.ShouldBe("068898");

        // The outlet.updated echo and a second NetSuite poll change nothing and write nothing.
        await Hub.Host.InvokeMessageAndWaitAsync(new Hub.Api.Orders.Polling.PollOrderEz());
        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers());
        (await Hub.LedgerAsync()).Of("customer").Single().Updates.ShouldBe(updatesByFinance, "no write went back to NetSuite");
        var history = await HistoryAsync(outlet);
        OfType(history, nameof(OutletUpdatedInOrderEz)).Count().ShouldBe(1);
        OfType(history, nameof(ChangeEchoed)).ShouldContain(e => e["data"]!["source"]!.GetValue<string>() == "orderez");
        OfType(history, nameof(NetSuiteInSync)).Count().ShouldBe(1);
    }

    [Fact]
    public async Task concurrent_edits_of_one_field_on_both_sides_end_with_the_later_one_and_the_loser_on_record()
    {
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example", "SG");
        var customer = await LinkedAsync(outlet);
        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers());
        await Hub.PauseWebhooksAsync();

        // Both sides rename the customer before either change reaches the hub: NetSuite first, OrderEZ later.
        await Hub.NetSuite.PatchAsync("customer", customer.NetSuiteCustomerId!, new JsonObject { ["companyName"] = "Bar Nine Holdings" });
        (await Hub.OrderEzHttp.PatchAsJsonAsync($"/_sim/outlets/{outlet}", new { legalName = "Bar Nine Pte Ltd" })).EnsureSuccessStatusCode();

        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers());
        await EventuallyAsync(outlet, c => c.PendingStep is null && c.Outlet?.LegalName == "Bar Nine Pte Ltd");
        await Hub.Host.InvokeMessageAndWaitAsync(new PollNetSuiteCustomers());

        (await Hub.NetSuite.GetAsync("customer", customer.NetSuiteCustomerId!))!["companyName"]!.GetValue<string>().ShouldBe("Bar Nine Pte Ltd");
        (await Hub.OrderEz.GetOutletAsync(outlet))!.LegalName.ShouldBe("Bar Nine Pte Ltd");
        var conflict = OfType(await HistoryAsync(outlet), nameof(CustomerFieldConflict)).ShouldHaveSingleItem()["data"]!;
        conflict["field"]!.GetValue<string>().ShouldBe("companyName");
        (conflict["winner"]!["source"]!.GetValue<string>(), conflict["winner"]!["value"]!.GetValue<string>()).ShouldBe(("orderez", "Bar Nine Pte Ltd"));
        (conflict["loser"]!["source"]!.GetValue<string>(), conflict["loser"]!["value"]!.GetValue<string>()).ShouldBe(("netsuite", "Bar Nine Holdings"));
    }

    [Fact]
    public async Task a_same_named_customer_is_only_a_candidate_in_the_same_postal_code_and_never_merged_by_itself()
    {
        async Task<string> NetSuiteCustomer(string email, string zip) => await Hub.NetSuite.CreateAsync("customer", JsonNode.Parse($$$"""
            {"companyName":"Cafe Lumen","email":"{{{email}}}","subsidiary":{"id":"1"},
             "addressBook":{"items":[{"defaultShipping":true,"addressBookAddress":{"addr1":"1 Main St","zip":"{{{zip}}}","country":"SG"}}]}}
            """)!.AsObject());
        await NetSuiteCustomer("old@cafelumen.example", "999999");
        var sameArea = await NetSuiteCustomer("other@cafelumen.example", "000001");

        var outlet = await Hub.CreateOutletAsync("Cafe Lumen", "buyer@cafelumen.example", "SG"); // delivery postal code 000001

        var waiting = await EventuallyAsync(outlet, c => c.ActionNeeded is not null);
        waiting.Candidates!.Select(c => c.NetSuiteCustomerId).ShouldBe([sameArea]);
        (await Hub.LedgerAsync()).Of("customer").Count.ShouldBe(2, "a weak match alone never creates or merges");

        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { createNew = true }).ToUrl($"/api/customers/{outlet}/resolve");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(202);
        });
        var created = await LinkedAsync(outlet);
        created.NetSuiteCustomerId.ShouldNotBe(sameArea);
        (await Hub.LedgerAsync()).Of("customer").Count.ShouldBe(3);
    }
}
