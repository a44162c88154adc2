namespace Hub.Domain.Customers;

/// <summary>The fold shared by the projection and the history view.</summary>
public static class CustomerSyncFold
{
    /// <summary>A stream may start with any customer event (a sync can begin before the outlet is seen).</summary>
    public static CustomerSync Step(CustomerSync? state, string streamKey, object data) =>
        (state ?? CustomerSync.Start(long.Parse(streamKey["oez-outlet-".Length..], System.Globalization.CultureInfo.InvariantCulture))).When(data);
}
