using Sim.OrderEz.Tests.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class OutletAndProductTests(SimFixture fixture) : SimTest(fixture)
{
    [Fact]
    public async Task The_email_becomes_the_primary_contact_when_no_contacts_are_given()
    {
        var created = await Sim.CreateOutletAsync("Bar Nine", "orders@barnine.example");

        var outlet = (await Client.GetOutletAsync(created.GetProperty("id").GetInt64()))!;

        var contact = outlet.Contacts.ShouldHaveSingleItem();
        (contact.Email, contact.IsPrimary, contact.Type).ShouldBe(("orders@barnine.example", true, "ordering"));
        outlet.Name.ShouldBe("Bar Nine");
        outlet.ExternalRefs.ShouldBeEmpty();
    }

    [Fact]
    public async Task Orders_reference_the_outlet_and_its_primary_contact()
    {
        var (status, body) = await Sim.PostAsync("/_sim/outlets", new
        {
            name = "Cafe",
            legalName = "Cafe Pte Ltd",
            accountNumber = "C-001",
            deliveryAddress = new { line1 = "9 Club St", city = "Singapore", postalCode = "069407", country = "SG" },
            contacts = new object[]
            {
                new { firstName = "Raj", email = "ap@cafe.example", type = "finance" },
                new { firstName = "Ana", email = "orders@cafe.example", isPrimary = true },
            },
        });
        status.ShouldBe(201, body.ToString());
        var outletId = body.GetProperty("data").GetProperty("id").GetInt64();
        await Sim.CreateProductAsync("SKU-1", 2m);

        var placed = await Sim.PlaceOrderAsync(outletId, [new { sku = "SKU-1", quantity = 1 }]);

        var outlet = (await Client.GetOutletAsync(outletId))!;
        var order = (await Client.GetOrderAsync(placed.GetProperty("id").GetInt64()))!;
        var primary = outlet.Contacts.Single(c => c.IsPrimary);
        primary.Email.ShouldBe("orders@cafe.example");
        order.Outlet.ShouldBe(new Hub.OrderEz.OezOutletRef(outletId, "Cafe", primary.Id));
        outlet.DeliveryAddress.ShouldBe(new Hub.OrderEz.OezAddress("9 Club St", null, "Singapore", "069407", "SG"));
        outlet.LegalName.ShouldBe("Cafe Pte Ltd");
        outlet.AccountNumber.ShouldBe("C-001");
    }

    [Fact]
    public async Task Patching_an_outlet_merges_and_keeps_contact_ids_by_email()
    {
        var created = await Sim.CreateOutletAsync("Bar Nine", "orders@barnine.example");
        var id = created.GetProperty("id").GetInt64();
        var before = (await Client.GetOutletAsync(id))!;

        var request = new HttpRequestMessage(HttpMethod.Patch, $"/_sim/outlets/{id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                taxId = "201912345K",
                contacts = new object[]
                {
                    new { email = "ap@barnine.example", type = "finance" },
                    new { email = "orders@barnine.example", isPrimary = true },
                },
            }),
        };
        (await Sim.SendAsync(request)).Status.ShouldBe(200);

        var after = (await Client.GetOutletAsync(id))!;
        after.Name.ShouldBe("Bar Nine");
        after.TaxId.ShouldBe("201912345K");
        after.Contacts.Single(c => c.IsPrimary).Id.ShouldBe(before.Contacts.Single().Id);
        after.Contacts.Count.ShouldBe(2);
        after.UpdatedAt.ShouldBeGreaterThan(before.UpdatedAt);
    }

    [Fact]
    public async Task Outlet_validation_names_the_fields()
    {
        var (status, body) = await Sim.PostAsync("/_sim/outlets", new { name = "", email = "not-an-email" });

        status.ShouldBe(422);
        var fields = body.GetProperty("error").GetProperty("fields");
        fields.GetProperty("name")[0].GetString().ShouldBe("should not be empty");
        fields.GetProperty("email")[0].GetString().ShouldBe("must be an email");
    }

    [Fact]
    public async Task Product_skus_are_unique()
    {
        var product = await Sim.CreateProductAsync("COF-BRZ-1KG", 32m, "Brazil Roast", "kg");

        var (status, body) = await Sim.PostAsync("/_sim/products", new { sku = "cof-brz-1kg", name = "Dup", unit = "kg", listPrice = 1 });

        status.ShouldBe(422);
        body.GetProperty("error").GetProperty("fields").GetProperty("sku")[0].GetString().ShouldBe("must be unique");
        var read = (await Client.GetProductAsync(product.GetProperty("id").GetInt64()))!;
        (read.Sku, read.ListPrice, read.Currency, read.IsActive).ShouldBe(("COF-BRZ-1KG", 32.00m, "SGD", true));
    }

    [Fact]
    public async Task Reset_clears_data_and_restarts_ids()
    {
        await Sim.PlaceCoffeeOrderAsync();
        await Sim.ResetAsync();

        (await Client.ListOrdersAsync(null)).Meta.Total.ShouldBe(0);
        var outlet = await Sim.CreateOutletAsync();
        outlet.GetProperty("id").GetInt64().ShouldBe(1);
    }
}
