using System.Net.Http.Json;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Orders;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Api.Tests.Reliability;

/// <summary>Each invariant the fault tests end with fails when what it guards is broken (a check that cannot fail proves nothing).</summary>
public class InvariantsCanFailTests(HubFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(long OrderId, OrderSync State)> SyncedOrderAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var orderId = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(orderId);
        await Hub.SyncedAsync(orderId);
        await Hub.InvariantsHoldAsync([orderId]);
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (orderId, (await session.LoadAsync<OrderSync>(OrderSync.StreamKey(orderId)))!);
    }

    // Shouldly lets its own assertion failures through Should.Throw, so catch them by hand.
    private async Task<ShouldAssertException> FailsAsync(long orderId, int deadLetters = 0)
    {
        try
        {
            await Hub.InvariantsHoldAsync([orderId], deadLetters);
        }
        catch (ShouldAssertException failed)
        {
            return failed;
        }
        throw new Xunit.Sdk.XunitException("The invariants held although what they guard was broken.");
    }

    [Fact]
    public async Task i1_fails_when_a_second_sales_order_carries_the_order_number()
    {
        var (orderId, state) = await SyncedOrderAsync();
        var written = (await Hub.NetSuite.GetAsync("salesOrder", state.NetSuiteSalesOrderId!, expandSubResources: true))!;
        var item = written["item"]!["items"]![0]!["item"]!["id"]!.GetValue<string>();
        await Hub.NetSuite.CreateAsync("salesOrder", System.Text.Json.Nodes.JsonNode.Parse($$$"""
            {"entity":{"id":"{{{written["entity"]!["id"]}}}"},"externalId":"someone-else-1","otherRefNum":"{{{written["otherRefNum"]}}}",
             "item":{"items":[{"item":{"id":"{{{item}}}"},"quantity":1,"rate":1}]}}
            """)!.AsObject());

        (await FailsAsync(orderId)).Message.ShouldContain("carries its order number");
    }

    [Fact]
    public async Task i1_fails_when_one_business_is_two_netsuite_customers()
    {
        var (orderId, _) = await SyncedOrderAsync();
        await Hub.NetSuite.CreateAsync("customer", new() { ["companyName"] = "Bar Nine again", ["email"] = " Orders@BarNine.example", ["subsidiary"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "1" } });

        (await FailsAsync(orderId)).Message.ShouldContain("no two NetSuite customers for one email");
    }

    [Fact]
    public async Task i2_fails_when_a_delivery_answered_2xx_left_no_receipt()
    {
        var (orderId, _) = await SyncedOrderAsync();
        Hub.HandDelivered.Add("msg_never_recorded");

        (await FailsAsync(orderId)).Message.ShouldContain("every accepted webhook is in the event store");
    }

    [Fact]
    public async Task i3_fails_when_a_projected_document_is_tampered_with_or_missing()
    {
        var (orderId, state) = await SyncedOrderAsync();
        var store = Hub.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(state with { NetSuiteSalesOrderId = "999999" });
            await session.SaveChangesAsync();
        }
        (await FailsAsync(orderId)).Message.ShouldContain($"OrderSync {OrderSync.StreamKey(orderId)}");

        await using (var session = store.LightweightSession())
        {
            session.Delete<OrderSync>(OrderSync.StreamKey(orderId));
            await session.SaveChangesAsync();
        }
        (await FailsAsync(orderId)).Message.ShouldContain("documents missing from the store");
    }

    [Fact]
    public async Task i4_fails_on_dead_letters_other_than_the_expected_ones()
    {
        var (orderId, _) = await SyncedOrderAsync();
        (await FailsAsync(orderId, deadLetters: 1)).Message.ShouldContain("dead letters exactly as expected");
    }
}
