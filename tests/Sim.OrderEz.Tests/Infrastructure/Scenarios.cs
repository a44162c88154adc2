using System.Net.Http.Json;
using System.Text.Json;

namespace Sim.OrderEz.Tests.Infrastructure;

public static class Scenarios
{
    public static async Task<JsonElement> CreateOutletAsync(this SimHost sim, string name = "Bar Nine", string email = "orders@barnine.example")
    {
        var (status, body) = await sim.PostAsync("/_sim/outlets", new { name, email });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data");
    }

    public static async Task<JsonElement> CreateProductAsync(this SimHost sim, string sku, decimal listPrice, string name = "Product", string unit = "each")
    {
        var (status, body) = await sim.PostAsync("/_sim/products", new { sku, name, unit, listPrice });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data");
    }

    public static async Task<JsonElement> PlaceOrderAsync(this SimHost sim, long outletId, object[] lines, string? placedBy = null)
    {
        var (status, body) = placedBy is null
            ? await sim.PostAsync("/_sim/orders", new { outletId, lines })
            : await sim.PostAsync("/_sim/orders", new { outletId, lines, placedBy });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("data");
    }

    // The usual starting point: one outlet, coffee at 32.00/kg and oat milk at 4.50/carton.
    public static async Task<(long OutletId, JsonElement Order)> PlaceCoffeeOrderAsync(this SimHost sim, string? placedBy = null)
    {
        var outlet = await sim.CreateOutletAsync();
        await sim.CreateProductAsync("COF-BRZ-1KG", 32.00m, "Brazil Roast", "kg");
        await sim.CreateProductAsync("MLK-OAT-1L", 4.50m, "Oat Milk 1L", "carton");
        var outletId = outlet.GetProperty("id").GetInt64();
        var order = await sim.PlaceOrderAsync(outletId,
            [new { sku = "COF-BRZ-1KG", quantity = 10 }, new { sku = "MLK-OAT-1L", quantity = 12 }], placedBy);
        return (outletId, order);
    }

    public static async Task<(string Id, string Secret)> SubscribeAsync(this SimHost sim, string url = "http://receiver.test/hooks", string[]? events = null)
    {
        var (status, body) = await sim.SendAsync(sim.Authorized(HttpMethod.Post, "/distributor/webhooks",
            events is null ? new { url } : new { url, events }));
        status.ShouldBe(201, body.ToString());
        var data = body.GetProperty("data");
        return (data.GetProperty("id").ToString(), data.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement[]> DeliveriesAsync(this SimHost sim)
    {
        var response = await sim.Http.GetFromJsonAsync<JsonElement>("/_sim/webhooks/deliveries");
        return response.GetProperty("data").EnumerateArray().ToArray();
    }

    // Delivery bookkeeping is updated just after the receiver answers, so tests poll it briefly.
    public static async Task<JsonElement> WaitForDeliveryAsync(this SimHost sim, Func<JsonElement, bool> predicate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var match = (await sim.DeliveriesAsync()).FirstOrDefault(predicate);
            if (match.ValueKind != JsonValueKind.Undefined) return match;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("No matching delivery: " + string.Join(", ", (await sim.DeliveriesAsync()).Select(d => d.ToString())));
            await Task.Delay(10);
        }
    }
}
