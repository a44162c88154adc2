using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Api.Replays;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Replays;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Console.Browser;

/// <summary>The console in a real Chromium, one person's task per test, with each page checked by axe and photographed.</summary>
public class ConsoleBrowserTests(BrowserFixture fixture) : BrowserContext(fixture)
{
    private async Task<long> SyncedOrderAsync()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);
        return order;
    }

    [Fact]
    public async Task an_auditor_reads_an_orders_story_back_in_time_and_finds_nothing_that_changes_anything()
    {
        var order = await SyncedOrderAsync();
        var salesOrder = (await Hub.OrderAsync(order))!.NetSuiteSalesOrderId!;
        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.AuditorKey);
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "overview");

        await page.GotoAsync($"/console/records/oez-order-{order}");
        var netSuite = page.Locator("pre[data-side=netsuite]");
        (await netSuite.TextContentAsync())!.ShouldContain(salesOrder);
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "story");

        // The point-in-time control, set to the order's first event: NetSuite had nothing yet.
        var first = await page.Locator("ol.timeline li time").Last.GetAttributeAsync("datetime");
        var at = DateTimeOffset.Parse(first!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;
        await page.GetByLabel("State as of").FillAsync(DateTimeLocalValues.DateTimeLocal(at));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("at=", StringComparison.Ordinal));
        (await page.GetByText("State as of").First.IsVisibleAsync()).ShouldBeTrue();
        (await netSuite.TextContentAsync())!.ShouldNotContain(salesOrder, customMessage: "before the sync, NetSuite had no sales order");
        (await page.Locator("ol.timeline li").CountAsync()).ShouldBe(1);

        // Nothing an auditor may not do is offered: the only form that posts is signing out.
        foreach (var path in new[] { "/console", "/console/work", $"/console/records/oez-order-{order}", "/console/mappings" })
        {
            await page.GotoAsync(path);
            (await page.Locator("form[method=post]").CountAsync()).ShouldBe(1, path);
            (await page.Locator("form[action='/console/sign-out']").CountAsync()).ShouldBe(1, path);
        }
        Hub.NoConsoleErrors(page);
    }

    [Fact]
    public async Task an_auditors_forged_post_from_the_signed_in_browser_is_refused_and_records_nothing()
    {
        var order = await SyncedOrderAsync();
        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.AuditorKey);
        // The page's own token and session cookie, posted by script to an operator's action.
        var status = await page.EvaluateAsync<int>(@"async (record) => {
            const token = document.querySelector('input[name=__console_token]').value;
            const body = new URLSearchParams({ __console_token: token, record, assignee: 'mallory', reason: 'forged' });
            const r = await fetch('/console/work/assign', { method: 'POST', body });
            return r.status; }", $"oez-order-{order}");
        status.ShouldBe(403);
        (await Hub.HistoryTextAsync(order)).ShouldNotContain("WorkItemAssigned");
    }

    [Fact]
    public async Task an_operator_replays_a_dead_letter_from_the_queue_it_leaves_the_queue_and_the_replay_is_in_the_records_story()
    {
        // A dry run of a mapping version not yet published fails every attempt and is dead-lettered.
        var id = Guid.NewGuid().ToString("N");
        await using (var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream<ReplayRun>(ReplayRun.StreamKey(id), new ReplayRequested(id, ReplayKinds.DryRun, 2, new ReplayFilter(), "test", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await Hub.Host.TrackActivity().DoNotAssertOnExceptionsDetected().Timeout(TimeSpan.FromSeconds(30)).SendMessageAndWaitAsync(new RunReplay(id));
        await Eventually.UntilAsync(async () => await Hub.DeadLetterCountAsync() == 1, TimeSpan.FromSeconds(30), "the dead letter");

        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.OperatorKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Work queue" }).ClickAsync();
        var item = page.Locator("article.item", new() { HasText = $"replay-{id}" });
        (await item.CountAsync()).ShouldBe(1);
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "work-queue");

        // The fix (the version is published), then the replay from the queue.
        var mapping = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json")))!.AsObject();
        mapping["salesOrder"]!["rules"]!.AsArray().Insert(0, JsonNode.Parse("""{"name":"Malaysian outlets paying SGD","when":{"currency":"SGD","customer.country":"MY"},"set":{"subsidiary":"2","taxCode":"ZR-SG"}}"""));
        using (var publish = new HttpRequestMessage(HttpMethod.Post, "/api/mappings") { Content = new StringContent(mapping.ToJsonString(), System.Text.Encoding.UTF8, "application/json") })
        {
            publish.Headers.Authorization = new("Bearer", HubFixture.AdminKey);
            (await Hub.Host.Server.CreateClient().SendAsync(publish)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
        }
        await item.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("done=", StringComparison.Ordinal));
        await Eventually.UntilAsync(async () => await Hub.DeadLetterCountAsync() == 0, TimeSpan.FromSeconds(30), "the replay to be taken");
        await page.ReloadAsync();
        (await page.Locator("article.item", new() { HasText = $"replay-{id}" }).CountAsync()).ShouldBe(0, "it left the queue");

        await page.GotoAsync($"/console/records/replay-{id}");
        (await page.Locator("ol.timeline").TextContentAsync())!.ShouldContain($"replayed by {HubFixture.OperatorName}");
        Hub.NoConsoleErrors(page);
    }

    [Fact]
    public async Task an_operator_resolves_an_ambiguous_customer_match_from_the_queue()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        (await Hub.NetSuiteHttp.PostAsJsonAsync("/_sim/seed", new
        {
            customers = new[] { new { companyName = "Bar Nine A", email = "orders@barnine.example" }, new { companyName = "Bar Nine B", email = "ORDERS@barnine.example" } },
        })).EnsureSuccessStatusCode();
        var outlet = await Hub.CreateOutletAsync("Bar Nine", "orders@barnine.example");
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 1)]);
        await Hub.AcceptAsync(order);
        await Hub.EventuallyAsync(order, v => v.ActionNeeded?.Code == "AMBIGUOUS_CUSTOMER_MATCH");

        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.OperatorKey);
        await page.GotoAsync("/console/work?code=AMBIGUOUS_CUSTOMER_MATCH&kind=customer");
        var item = page.Locator("article.item", new() { HasText = $"Outlet {outlet}" });
        var choice = item.GetByRole(AriaRole.Radio, new() { Name = "Bar Nine B" });
        await choice.CheckAsync();
        var chosen = await choice.GetAttributeAsync("value");
        await item.GetByRole(AriaRole.Button, new() { Name = "Resolve match" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("done=", StringComparison.Ordinal));

        var synced = await Hub.SyncedAsync(order);
        synced.LastWritten!.EntityId.ShouldBe(chosen);
        await page.GotoAsync("/console/work");
        (await page.Locator("article.item", new() { HasText = $"Outlet {outlet}" }).CountAsync()).ShouldBe(0, "the item left the queue once the record synced");
        await page.GotoAsync($"/console/records/oez-outlet-{outlet}");
        (await page.Locator("ol.timeline").TextContentAsync())!.ShouldContain($"chosen by {HubFixture.OperatorName}");
        Hub.NoConsoleErrors(page);
    }

    [Fact]
    public async Task an_admin_publishes_a_changed_mapping_dry_runs_it_watches_it_finish_and_downloads_the_result()
    {
        await Hub.SeedCatalogAsync(["COF-1", "MLK-1"]);
        var my = await Hub.CreateOutletAsync("Kedai Kopi", "beli@kedaikopi.example", "MY");
        var order = await Hub.PlaceOrderAsync(my, [("COF-1", 4), ("MLK-1", 10)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);

        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.AdminKey);
        await page.GotoAsync("/console/mappings");
        var content = page.GetByLabel("Mapping file (edit and publish as a new version)");
        var mapping = JsonNode.Parse(await content.InputValueAsync())!;
        mapping["salesOrder"]!["rules"]!.AsArray().Insert(0, JsonNode.Parse(
            """{"name":"Malaysian outlets paying SGD","when":{"currency":"SGD","customer.country":"MY"},"set":{"subsidiary":"2","taxCode":"ZR-SG"}}"""));
        await content.FillAsync(mapping.ToJsonString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("done=", StringComparison.Ordinal));
        await page.GotoAsync("/console/mappings?a=1&b=2");
        (await page.Locator("table.diff").TextContentAsync())!.ShouldContain("ZR-SG");
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "mappings");

        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run v2" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/console/replays/", StringComparison.Ordinal));
        (await page.Locator("progress").CountAsync()).ShouldBe(1);
        // The page follows the run by itself: no reload.
        await page.Locator("[data-status=completed]").WaitForAsync();
        (await page.Locator("table", new() { HasText = "Records that would change" }).TextContentAsync())!.ShouldContain("ZR-SG");
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "dry-run");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the result as CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        csv.ShouldStartWith("orderezOrderId,");
        csv.ShouldContain($"{order},");
        csv.ShouldContain("ZR-SG");
        Hub.NoConsoleErrors(page);
    }

    [Fact]
    public async Task the_sign_in_page_and_a_narrow_window_are_usable()
    {
        var page = await Hub.NewPageAsync(width: 420, height: 800);
        await page.GotoAsync("/console/sign-in");
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "sign-in");
        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        (await page.GetByRole(AriaRole.Alert).TextContentAsync())!.ShouldContain("not a hub API key");
        await BrowserFixture.SignInAsync(page, HubFixture.OperatorKey);
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "overview-narrow");
        Hub.NoConsoleErrors(page);
    }
}

public class AuditSearchBrowserTests(BrowserFixture fixture) : BrowserContext(fixture)
{
    [Fact]
    public async Task an_auditor_searches_a_date_range_pages_through_it_and_exports_it()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var outlet = await Hub.CreateOutletAsync();
        var order = await Hub.PlaceOrderAsync(outlet, [("COF-1", 2)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);

        var page = await Hub.NewPageAsync();
        await BrowserFixture.SignInAsync(page, HubFixture.AuditorKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit search" }).ClickAsync();
        var today = DateTime.UtcNow.Date;
        await page.GetByLabel("From (UTC)").FillAsync(today.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("To (UTC, not included)").FillAsync(today.AddDays(1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Record kind").SelectOptionAsync("order");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = page.Locator("table.grid tbody tr");
        await rows.First.WaitForAsync();
        (await rows.CountAsync()).ShouldBe(JsonNode.Parse(await Hub.HistoryTextAsync(order))!["events"]!.AsArray().Count, "every event of the one order, nothing else");
        (await page.Locator("table.grid").TextContentAsync())!.ShouldContain("OrderChangeObserved");
        await Hub.AccessibleAsync(page);
        await Hub.ScreenshotAsync(page, "audit-search");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export the whole range (CSV)" }).ClickAsync());
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("sequence,at,stream,kind,type,source,actor,deliveryId,data");
        lines.Length.ShouldBe(await rows.CountAsync() + 1);
        download.SuggestedFilename.ShouldEndWith(".csv");
        Hub.NoConsoleErrors(page);
    }
}

internal static class DateTimeLocalValues
{
    /// <summary>A datetime-local value as the browser normalizes it (Playwright refuses any other spelling): seconds
    /// only when not zero, milliseconds without trailing zeros.</summary>
    public static string DateTimeLocal(DateTime at)
    {
        var value = at.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        if (at.Second != 0 || at.Millisecond != 0) value += at.ToString(":ss", System.Globalization.CultureInfo.InvariantCulture);
        if (at.Millisecond != 0) value += "." + at.ToString("fff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return value;
    }
}
