namespace Sim.OrderEz;

public sealed class OrderEzSimOptions
{
    public string ApiToken { get; set; } = "";
    public string Currency { get; set; } = "SGD";
    public double TaxRate { get; set; } = 9.0;

    // Tests swap the primary handler so deliveries land in an in-memory receiver instead of the network.
    public Func<HttpMessageHandler>? WebhookHandlerFactory { get; set; }

    // Attempts are bounded: one initial try plus one per delay.
    public TimeSpan[] WebhookRetryDelays { get; set; } =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1),
    ];

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // OrderEZ documents no limits; 0 = unlimited and no added latency (see Capacity/CapacityEndpoints.cs).
    public int ConcurrencyLimit { get; set; }
    public int LatencyMs { get; set; }

    // OrderEZ documents one stock location (orderez.md §3.4); several are our assumption (ADR 0034).
    // Orders placed without a warehouse take the first.
    public List<OrderEzSimWarehouse> Warehouses { get; set; } =
    [
        new() { Id = "WH-MAIN", Name = "Main warehouse" },
        new() { Id = "WH-EAST", Name = "East" },
    ];
}

public sealed class OrderEzSimWarehouse
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
}
