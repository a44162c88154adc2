using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hub.NetSuite;

namespace Sim.NetSuite.Tests;

/// <summary>Client behaviour real NetSuite (or a proxy in front of it) can show but the simulator does not.</summary>
public sealed class ClientTests
{
    private static readonly NetSuiteOptions Options = new()
    {
        BaseUrl = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/",
        AccountId = "1234567_SB1", ConsumerKey = "ck", ConsumerSecret = "cs", TokenId = "tk", TokenSecret = "ts",
    };

    private static (NetSuiteClient Client, StubHandler Stub) Create(params Func<HttpRequestMessage, HttpResponseMessage>[] responses)
    {
        var stub = new StubHandler(responses);
        return (new NetSuiteClient(new HttpClient(stub), Options), stub);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string contentType = "application/vnd.oracle.resource+json; type=singular") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType) } } };

    [Fact]
    public async Task Create_accepts_200_with_a_body_instead_of_204_and_location()
    {
        var (client, stub) = Create(_ => Json(HttpStatusCode.OK, """{"id":"555","companyName":"X"}"""));

        (await client.CreateAsync("customer", new JsonObject { ["companyName"] = "X" })).ShouldBe("555");
        stub.Requests[0].Uri.ShouldBe("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer");
        stub.Requests[0].Authorization.ShouldStartWith("OAuth realm=\"1234567_SB1\"");
        stub.Requests[0].ContentType.ShouldBe("application/json");
    }

    [Fact]
    public async Task Upsert_without_location_reads_the_id_back_by_external_id()
    {
        var (client, stub) = Create(
            _ => new HttpResponseMessage(HttpStatusCode.NoContent),
            _ => Json(HttpStatusCode.OK, """{"id":"77","externalId":"HUB SO/1"}"""));

        (await client.UpsertAsync("salesOrder", "HUB SO/1", new JsonObject(), replace: "item")).ShouldBe("77");
        stub.Requests[0].Method.ShouldBe("PUT");
        stub.Requests[0].Uri.ShouldEndWith("/record/v1/salesOrder/eid:HUB%20SO%2F1?replace=item");
        stub.Requests[1].Method.ShouldBe("GET");
        stub.Requests[1].Uri.ShouldEndWith("/record/v1/salesOrder/eid:HUB%20SO%2F1");
    }

    [Fact]
    public async Task Relative_location_is_accepted()
    {
        var (client, _) = Create(_ =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.NoContent);
            r.Headers.Location = new Uri("/services/rest/record/v1/customer/808", UriKind.Relative);
            return r;
        });

        (await client.CreateAsync("customer", new JsonObject())).ShouldBe("808");
    }

    [Fact]
    public async Task Non_json_error_bodies_become_exceptions_with_the_status()
    {
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.GetAsync("customer", "1"));

        e.Status.ShouldBe(502);
        e.IsTransient.ShouldBeTrue();
        e.ErrorCode.ShouldBeNull();
        e.ResponseBody.ShouldBe("<html>bad gateway</html>");
    }

    [Fact]
    public async Task Top_level_error_code_is_used_when_details_have_none()
    {
        var (client, _) = Create(_ => Json(HttpStatusCode.BadRequest,
            """{"type":"x","title":"Bad Request","status":400,"o:errorCode":"USER_ERROR","o:errorDetails":[{"detail":"Please enter value(s) for: Customer"}]}""",
            "application/vnd.oracle.resource+json; type=error"));

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.PatchAsync("salesOrder", "1", new JsonObject()));

        e.ErrorCode.ShouldBe("USER_ERROR");
        e.Detail.ShouldBe("Please enter value(s) for: Customer");
        e.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Connection_failures_are_transient_with_status_zero()
    {
        var (client, _) = Create(_ => throw new HttpRequestException("connection refused"));

        var e = await Should.ThrowAsync<NetSuiteException>(() => client.DeleteAsync("customer", "1"));

        e.Status.ShouldBe(0);
        e.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_netsuite_failure()
    {
        var (client, _) = Create(_ => throw new InvalidOperationException("should not be reached"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => client.GetAsync("customer", "1", ct: cts.Token));
    }

    [Fact]
    public async Task Query_stops_when_a_page_reports_no_more_rows()
    {
        var (client, stub) = Create(
            _ => Json(HttpStatusCode.OK, """{"count":2,"hasMore":true,"offset":0,"totalResults":3,"items":[{"links":[],"id":"1"},{"links":[],"id":2}]}"""),
            _ => Json(HttpStatusCode.OK, """{"count":1,"hasMore":false,"offset":2,"totalResults":3,"items":[{"links":[],"id":"3","memo":null}]}"""));

        var rows = await client.QueryAsync("SELECT id, memo FROM transaction ORDER BY id", maxRows: 2_000);

        rows.Select(r => r["id"]).ShouldBe(["1", "2", "3"]);
        rows[2]["memo"].ShouldBeNull();
        rows[0].ContainsKey("links").ShouldBeFalse();
        stub.Requests.Select(r => r.Uri[r.Uri.IndexOf('?')..]).ShouldBe(["?limit=1000&offset=0", "?limit=1000&offset=2"]);
        stub.Requests[0].Prefer.ShouldBe("transient");
    }

    [Fact]
    public void Options_are_validated_without_echoing_secrets()
    {
        var e = Should.Throw<ArgumentException>(() => new NetSuiteClient(new HttpClient(),
            new NetSuiteOptions { BaseUrl = "https://x.example", AccountId = "A", ConsumerKey = "k", ConsumerSecret = "super-secret" }));
        e.Message.ShouldContain("TokenId");
        e.Message.ShouldNotContain("super-secret");
    }

    private sealed record Seen(string Method, string Uri, string Authorization, string? ContentType, string? Prefer);

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        public List<Seen> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Requests.Add(new Seen(request.Method.Method, request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString() ?? "",
                request.Content?.Headers.ContentType?.ToString(), request.Headers.TryGetValues("Prefer", out var p) ? p.Single() : null));
            var response = responses[Math.Min(Requests.Count - 1, responses.Length - 1)](request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
