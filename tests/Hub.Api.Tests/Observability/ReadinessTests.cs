using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hub.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Hub.Api.Tests.Observability;

/// <summary>
/// A TCP relay between one hub and PostgreSQL, so a test can take the database away from that hub (every open
/// connection cut, new ones refused) and give it back, while the other tests keep theirs.
/// </summary>
public sealed class DatabaseRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly string _host;
    private readonly int _port;
    private volatile bool _down;

    public DatabaseRelay(string connectionString)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        _host = target.Host ?? "127.0.0.1";
        _port = target.Port;
        _listener.Start();
        var relayed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
            // Short, so a check against the missing database fails fast instead of waiting out the default 15 s.
            Timeout = 3,
        };
        ConnectionString = relayed.ConnectionString;
        _ = AcceptAsync();
    }

    public string ConnectionString { get; }

    /// <summary>The database is gone: open connections are cut and new ones closed as soon as they connect.</summary>
    public void Stop()
    {
        _down = true;
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    public void Start() => _down = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_down)
            {
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_host, _port, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }
            var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception)
        {
            // A cut connection ends here; the hub sees it as the database going away.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
            client.Dispose();
            server.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Stop();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A hub whose database connection runs through a <see cref="DatabaseRelay"/>.</summary>
public sealed class RelayedDatabaseFixture : HubFixture, IAsyncLifetime
{
    public DatabaseRelay Relay { get; } = new(ConnectionString);

    protected override void Configure(IWebHostBuilder hub) => hub.UseSetting("ConnectionStrings:Hub", Relay.ConnectionString);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Relay.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RelayedDatabaseCollection : ICollectionFixture<RelayedDatabaseFixture>
{
    public const string Name = "hub-relayed-database";
}

[Collection(RelayedDatabaseCollection.Name)]
public sealed class ReadinessTests(RelayedDatabaseFixture fixture)
{
    [Fact]
    public async Task readiness_goes_unready_when_the_database_stops_and_ready_again_after_while_liveness_stays_up()
    {
        var client = fixture.Host.Server.CreateClient();
        var (status, body) = await ReadAsync(client, "/health/ready");
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        body!["status"]!.GetValue<string>().ShouldBe("ok");
        body["checks"]!["database"]!["status"]!.GetValue<string>().ShouldBe("ok");
        body["checks"]!["startup"]!["status"]!.GetValue<string>().ShouldBe("ok");

        fixture.Relay.Stop();
        try
        {
            var (downStatus, down) = await Eventually.ValueAsync(() => ReadAsync(client, "/health/ready"), r => r.Status == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(20));
            downStatus.ShouldBe(HttpStatusCode.ServiceUnavailable, down?.ToJsonString());
            down!["status"]!.GetValue<string>().ShouldBe("unavailable");
            down["checks"]!["database"]!["status"]!.GetValue<string>().ShouldBe("unavailable");
            down["checks"]!["database"]!["detail"]!.GetValue<string>().ShouldContain("not reachable");
            (await ReadAsync(client, "/health/live")).Status.ShouldBe(HttpStatusCode.OK, "the process is up; only readiness depends on the database");
        }
        finally
        {
            fixture.Relay.Start();
        }

        var (upStatus, up) = await Eventually.ValueAsync(() => ReadAsync(client, "/health/ready"), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        upStatus.ShouldBe(HttpStatusCode.OK, up?.ToJsonString());
        up!["checks"]!["database"]!["status"]!.GetValue<string>().ShouldBe("ok");
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
