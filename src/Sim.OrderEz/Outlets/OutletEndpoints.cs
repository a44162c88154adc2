using System.Text.Json;
using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Outlets;

internal static class OutletEndpoints
{
    private static readonly string[] ContactTypes = ["owner", "ordering", "finance", "subscriber"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapList("/distributor/outlets", s => s.Outlets.Values, o => o.UpdatedAt, o => o.Id);
        app.MapGetById("/distributor/outlets/{id:long}", "Outlet", s => s.Outlets);

        app.MapPost("/_sim/outlets", Create);
        app.MapPatch("/_sim/outlets/{id:long}", Update);
        app.MapPatch("/distributor/outlets/{id:long}", PatchFromSupplier);
    }

    private static async Task<IResult> Create(HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly(
            "name", "email", "legalName", "contacts", "deliveryAddress", "billingAddress", "accountNumber", "taxId");
        var name = reader.String("name", required: true);
        var hasContacts = reader.Has("contacts") && !reader.IsExplicitNull("contacts");
        var email = reader.String("email", required: !hasContacts);
        if (email is not null && !LooksLikeEmail(email)) reader.Errors.Add("email", "must be an email");
        var legalName = reader.String("legalName", required: false);
        var deliveryAddress = ReadAddress(reader, "deliveryAddress");
        var billingAddress = ReadAddress(reader, "billingAddress");
        var accountNumber = reader.String("accountNumber", required: false);
        var taxId = reader.String("taxId", required: false);
        var contactsJson = reader.Array("contacts", required: false);

        lock (state.Gate)
        {
            var contacts = contactsJson is { } array
                ? ReadContacts(array, reader.Errors, state, existing: [])
                : email is null ? [] : [new Contact(state.NextContactId(), null, null, email, null, "ordering", true)];
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            var now = state.Clock.Next();
            var outlet = new Outlet
            {
                Id = state.NextOutletId(),
                Name = name!,
                LegalName = legalName,
                DeliveryAddress = deliveryAddress,
                BillingAddress = billingAddress,
                AccountNumber = accountNumber,
                TaxId = taxId,
                Contacts = contacts,
                CreatedAt = now,
                UpdatedAt = now,
            };
            state.Outlets[outlet.Id] = outlet;
            state.Emit("outlet.created", now, outlet);
            return ApiResults.Data(outlet, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> Update(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;

        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly(
            "name", "legalName", "contacts", "deliveryAddress", "billingAddress", "accountNumber", "taxId");
        var name = reader.Has("name") ? reader.String("name", required: true) : null;
        var legalName = reader.String("legalName", required: false);
        var deliveryAddress = ReadAddress(reader, "deliveryAddress");
        var billingAddress = ReadAddress(reader, "billingAddress");
        var accountNumber = reader.String("accountNumber", required: false);
        var taxId = reader.String("taxId", required: false);
        var contactsJson = reader.Has("contacts") ? reader.Array("contacts", required: true) : null;

        lock (state.Gate)
        {
            if (!state.Outlets.TryGetValue(id, out var outlet)) return ApiResults.NotFound($"Outlet {id} not found.");
            var contacts = contactsJson is { } array ? ReadContacts(array, reader.Errors, state, outlet.Contacts) : null;
            if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

            // Merge semantics: absent keys keep their value, explicit nulls clear nullable fields.
            if (name is not null) outlet.Name = name;
            if (reader.Has("legalName")) outlet.LegalName = legalName;
            if (reader.Has("deliveryAddress")) outlet.DeliveryAddress = deliveryAddress;
            if (reader.Has("billingAddress")) outlet.BillingAddress = billingAddress;
            if (reader.Has("accountNumber")) outlet.AccountNumber = accountNumber;
            if (reader.Has("taxId")) outlet.TaxId = taxId;
            if (contacts is not null) outlet.Contacts = contacts;
            outlet.UpdatedAt = state.Clock.Next();
            state.Emit("outlet.updated", outlet.UpdatedAt, outlet);
            return ApiResults.Data(outlet);
        }
    }

    private static Address? ReadAddress(BodyReader reader, string name)
    {
        if (reader.Object(name, required: false) is not { } json) return null;
        var address = new BodyReader(json, reader.Errors, reader.Path(name))
            .AllowOnly("line1", "line2", "city", "postalCode", "country");
        return new Address(
            address.String("line1", required: false),
            address.String("line2", required: false),
            address.String("city", required: false),
            address.String("postalCode", required: false),
            address.String("country", required: false));
    }

    // Supplier-side update of an outlet: external ids (e.g. the NetSuite customer id), the legal name and the
    // billing address (data an ERP may own). OrderEZ documents no update operations; this is our assumption,
    // like the orders' write-back (ADR 0005). A patch that changes nothing is not a change: no webhook.
    private static async Task<IResult> PatchFromSupplier(long id, HttpRequest request, SimState state, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, optional: false, ct);
        if (body.Error is not null) return body.Error;
        var reader = new BodyReader(body.Root!.Value, new FieldErrors()).AllowOnly("externalRefs", "legalName", "billingAddress");
        var refs = ExternalRefsPatch.Read(reader);
        var legalName = reader.String("legalName", required: false);
        var billingAddress = ReadAddress(reader, "billingAddress");
        if (reader.Errors.Any) return ApiResults.Unprocessable(reader.Errors);

        lock (state.Gate)
        {
            if (!state.Outlets.TryGetValue(id, out var outlet)) return ApiResults.NotFound($"Outlet {id} not found.");
            var changed = ExternalRefsPatch.Apply(outlet.ExternalRefs, refs);
            if (reader.Has("legalName") && outlet.LegalName != legalName) { outlet.LegalName = legalName; changed = true; }
            if (reader.Has("billingAddress") && outlet.BillingAddress != billingAddress) { outlet.BillingAddress = billingAddress; changed = true; }
            if (changed)
            {
                outlet.UpdatedAt = state.Clock.Next();
                state.Emit("outlet.updated", outlet.UpdatedAt, outlet);
            }
            return ApiResults.Data(outlet);
        }
    }

    // Contacts keep their id when their email already exists on the outlet, so replacing the list on a PATCH
    // does not look like brand-new people to an integration keyed on contact ids.
    private static List<Contact> ReadContacts(JsonElement array, FieldErrors errors, SimState state, List<Contact> existing)
    {
        var parsed = new List<(string? First, string? Last, string Email, string? Phone, string Type, bool? Primary)>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"contacts[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be an object");
                continue;
            }
            var reader = new BodyReader(item, errors, path)
                .AllowOnly("firstName", "lastName", "email", "phone", "type", "isPrimary");
            var email = reader.String("email", required: true);
            if (email is not null && !LooksLikeEmail(email)) errors.Add(reader.Path("email"), "must be an email");
            if (email is not null && parsed.Any(p => string.Equals(p.Email, email, StringComparison.OrdinalIgnoreCase)))
                errors.Add(reader.Path("email"), "must be unique within the outlet");
            var type = reader.String("type", required: false) ?? "ordering";
            if (!ContactTypes.Contains(type)) errors.Add(reader.Path("type"), $"must be one of: {string.Join(", ", ContactTypes)}");
            var primary = reader.Bool("isPrimary");
            parsed.Add((reader.String("firstName", required: false), reader.String("lastName", required: false),
                email ?? "", reader.String("phone", required: false), type, primary));
        }

        // An explicit empty list is allowed: outlets onboarded by the supplier (or target accounts) may have no
        // contacts yet. OrderEZ does not document this either way; it lets the hub meet an outlet without email.
        if (parsed.Count(p => p.Primary == true) > 1) errors.Add("contacts", "only one contact can be the primary");
        if (errors.Any) return [];

        // One contact is always the default primary (it is printed on invoices); the first one unless marked.
        var primaryIndex = Math.Max(0, parsed.FindIndex(p => p.Primary == true));
        return parsed.Select((p, i) => new Contact(
            existing.FirstOrDefault(c => string.Equals(c.Email, p.Email, StringComparison.OrdinalIgnoreCase))?.Id
                ?? state.NextContactId(),
            p.First, p.Last, p.Email, p.Phone, p.Type, i == primaryIndex)).ToList();
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@');
        return at > 0 && at < value.Length - 1 && !value.Contains(' ');
    }
}
