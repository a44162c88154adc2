using Hub.Api.Customers;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Customers;
using Wolverine;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Customers;

/// <summary>Found by the chaos run: an order asking for its customer while the outlet's stream is being started.</summary>
public class CustomerStreamStartTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task syncs_racing_to_start_an_outlets_stream_end_in_one_step_and_no_dead_letter()
    {
        await Hub.PauseWebhooksAsync();
        var outlet = await Hub.CreateOutletAsync();

        // Several syncs for an outlet the hub has never seen, at once: each finds no stream and starts it.
        await Hub.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus =>
            {
                for (var i = 0; i < 8; i++) await bus.PublishAsync(new SyncCustomer(outlet));
            }));
        await Hub.ResumeWebhooksAsync();
        await Hub.EventuallyCustomerLinkedAsync(outlet);

        (await Hub.DeadLetterCountAsync()).ShouldBe(0);
        var history = await Hub.Host.GetAsJson<System.Text.Json.Nodes.JsonObject>($"/api/customers/{outlet}/history", HubFixture.AuditorKey);
        history["events"]!.AsArray()
            .Count(e => e!["type"]!.GetValue<string>() == nameof(CustomerSyncIssued) && e["data"]!["kind"]!.GetValue<int>() == (int)CustomerStepKind.FetchOutlet)
            .ShouldBeLessThanOrEqualTo(1, "one fetch step issued, not one per racing sync");
        await Hub.InvariantsHoldAsync([]);
    }
}
