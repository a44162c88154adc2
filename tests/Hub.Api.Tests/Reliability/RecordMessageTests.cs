using System.Reflection;
using System.Text.Json;
using Hub.Api.Infrastructure;
using Hub.Api.Orders.Syncing;
using Hub.Api.Sync;
using Wolverine.Util;

namespace Hub.Api.Tests.Reliability;

/// <summary>Dead letters are filed under their record by the message's type, so every message about a record must say which.</summary>
public class RecordMessageTests
{
    private static readonly string[] RecordIds = ["OrderId", "OutletId", "ReplayId", "Stream"];

    [Fact]
    public void every_handled_message_that_names_a_record_says_which_stream_it_is_about()
    {
        var messages = typeof(SyncOrder).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name is "Handle" or "HandleAsync" && m.GetParameters().Length > 0)
            .Select(m => m.GetParameters()[0].ParameterType)
            .Where(t => t.Assembly == typeof(SyncOrder).Assembly)
            .Distinct().ToList();
        messages.Count.ShouldBeGreaterThan(10, "the handlers were not found");
        var untagged = messages
            .Where(t => t.GetProperties().Any(p => RecordIds.Contains(p.Name)) && !typeof(IRecordMessage).IsAssignableFrom(t))
            .Select(t => t.Name).ToList();
        untagged.ShouldBeEmpty();
    }

    [Fact]
    public void a_stored_message_is_traced_to_its_record_by_type_and_others_to_none()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ExecuteOrderEzStep(OrderFlow.FlowName, "oez-order-42", "cmd-1", 3));
        RecordMessages.StreamOf(WolverineMessageNaming.ToMessageTypeName(typeof(ExecuteOrderEzStep)), body).ShouldBe("oez-order-42");
        RecordMessages.StreamOf(WolverineMessageNaming.ToMessageTypeName(typeof(Hub.Api.Customers.SyncCustomer)),
            JsonSerializer.SerializeToUtf8Bytes(new Hub.Api.Customers.SyncCustomer(7))).ShouldBe("oez-outlet-7");
        // A message about no one record, an unknown type and a body that is not the type's JSON name nothing.
        RecordMessages.StreamOf(WolverineMessageNaming.ToMessageTypeName(typeof(Hub.Api.Orders.Polling.PollOrderEz)), "{}"u8).ShouldBeNull();
        RecordMessages.StreamOf("Some.Other.Message", body).ShouldBeNull();
        RecordMessages.StreamOf(WolverineMessageNaming.ToMessageTypeName(typeof(ExecuteOrderEzStep)), "not json"u8).ShouldBeNull();
    }
}
