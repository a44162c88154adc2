using Hub.Domain.Common;
using Hub.Domain.Sync;

namespace Hub.Api.Sync;

/// <summary>The clients' exceptions, classified once for every flow: what may be retried, and the code it parks with.</summary>
public static class StepFailures
{
    public static bool IsExternal(Exception ex) => ex is Hub.NetSuite.NetSuiteException or Hub.OrderEz.OrderEzException;

    public static StepFailure From(Exception ex) => ex switch
    {
        Hub.NetSuite.NetSuiteException n => new StepFailure(n.IsTransient, n.Status, n.ErrorCode ?? (n.IsTransient ? ProblemCodes.Transient.Code : ProblemCodes.NetSuiteRejected.Code),
            n.ErrorPath is null ? n.Detail : $"{n.Detail} (at {n.ErrorPath})"),
        Hub.OrderEz.OrderEzException o => new StepFailure(o.IsTransient, o.Status, o.ErrorType ?? ProblemCodes.OrderEzError.Code, o.Message),
        _ => throw new ArgumentException("Not an external-system failure.", nameof(ex)),
    };
}
