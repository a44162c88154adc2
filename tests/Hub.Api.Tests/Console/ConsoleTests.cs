using System.Net;
using Hub.Api.Tests.Infrastructure;

namespace Hub.Api.Tests.Console;

/// <summary>The console's sign-in, roles and forms, over HTTP as a browser speaks it (the browser tests drive the pages).</summary>
public class ConsoleTests(HubFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_page_asked_for_without_signing_in_goes_to_sign_in_and_a_wrong_key_is_refused()
    {
        using var browser = new ConsoleClient(Hub);
        var response = await browser.GetAsync("/console/work");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("http://hub.test/console/sign-in?ReturnUrl=");

        await browser.GetAsync("/console/sign-in");
        var refused = await browser.PostAsync("/console/sign-in", new Dictionary<string, string> { ["apiKey"] = "not-a-key" });
        refused.Headers.Location!.ToString().ShouldStartWith("/console/sign-in?error=");
        browser.Cookies.ShouldNotContain(c => c.Name == "hub.console");
    }

    [Fact]
    public async Task signing_in_gives_an_http_only_strict_session_cookie_holding_no_key_and_signing_out_ends_it()
    {
        using var browser = new ConsoleClient(Hub);
        await browser.GetAsync("/console/sign-in");
        var response = await browser.PostAsync("/console/sign-in", new Dictionary<string, string> { ["apiKey"] = HubFixture.OperatorKey });
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hub.console=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain(HubFixture.OperatorKey);

        var overview = await browser.PageAsync("/console");
        overview.ShouldContain(HubFixture.OperatorName);
        overview.ShouldContain("Sign out");

        var signOut = await browser.PostAsync("/console/sign-out");
        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signOut.Content.ReadAsStringAsync());
        (await browser.GetAsync("/console")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "signed out");
    }

    [Fact]
    public async Task an_auditors_post_to_an_action_is_refused_even_with_a_valid_token_and_a_post_without_a_token_is_refused()
    {
        var order = await SyncedOrderAsync();

        using var auditor = new ConsoleClient(Hub);
        await auditor.SignInAsync(HubFixture.AuditorKey);
        var queue = await auditor.PageAsync("/console/work");
        System.Text.RegularExpressions.Regex.Matches(queue, "<form [^>]*method=\"post\" action=\"([^\"]+)\"").Select(m => m.Groups[1].Value)
            .ShouldBe(["/console/sign-out"], "an auditor sees no form that changes anything");
        var forged = await auditor.PostAsync("/console/work/assign", new Dictionary<string, string>
        {
            ["record"] = $"oez-order-{order}", ["assignee"] = "mallory", ["reason"] = "forged",
        });
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var operatorBrowser = new ConsoleClient(Hub);
        await operatorBrowser.SignInAsync(HubFixture.OperatorKey);
        var noToken = await operatorBrowser.PostAsync("/console/work/assign", new Dictionary<string, string>
        {
            ["record"] = $"oez-order-{order}", ["assignee"] = "jane",
        }, token: false);
        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await Hub.HistoryTextAsync(order)).ShouldNotContain(nameof(global::Hub.Domain.Common.WorkItemAssigned), customMessage: "nothing refused was recorded");
    }

    [Fact]
    public async Task the_overview_counts_records_by_flow_and_state_from_their_status_columns()
    {
        await SyncedOrderAsync();

        using var browser = new ConsoleClient(Hub);
        await browser.SignInAsync(HubFixture.AuditorKey);
        var live = await browser.PageAsync("/console/overview/live");
        // orders: 1 in sync, nothing else; customers: 1 in sync.
        Row(live, "orders").ShouldBe(["1", "0", "0", "0"]);
        Row(live, "customers").ShouldBe(["1", "0", "0", "0"]);
    }

    private async Task<long> SyncedOrderAsync()
    {
        var outlet = await Hub.CreateOutletAsync();
        await Hub.SeedCatalogAsync(["SKU-1"]);
        var order = await Hub.PlaceOrderAsync(outlet, [("SKU-1", 2)]);
        await Hub.AcceptAsync(order);
        await Hub.SyncedAsync(order);
        return order;
    }

    /// <summary>A flow's four counts as the overview's table shows them.</summary>
    private static string[] Row(string html, string flow)
    {
        var at = html.IndexOf($"<th scope=\"row\">{flow}</th>", StringComparison.Ordinal);
        at.ShouldBeGreaterThan(-1, $"a row for {flow}");
        var end = html.IndexOf("</tr>", at, StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Matches(html[at..end], "<td>(?:<a [^>]*>)?([0-9]+)")
            .Select(m => m.Groups[1].Value).Take(4).ToArray();
    }
}
