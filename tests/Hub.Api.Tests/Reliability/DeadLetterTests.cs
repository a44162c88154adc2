using System.Text.Json.Nodes;
using Alba;
using Hub.Api.DeadLetters;
using Hub.Api.Replays;
using Hub.Api.Tests.Infrastructure;
using Hub.Domain.Replays;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Persistence.Durability;
using Wolverine.Tracking;

namespace Hub.Api.Tests.Reliability;

/// <summary>A poison message: dead-lettered with its error, others flow, and after the fix a replay runs it once.</summary>
public class DeadLetterTests(HubFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>A dry run of a mapping version that is not published yet (say, requested through another node
    /// before the publish committed): the run cannot find its mapping and fails every attempt.</summary>
    private async Task<string> PoisonReplayAsync(int version)
    {
        var id = await RequestPoisonReplayAsync(version);
        await Hub.Host.TrackActivity().DoNotAssertOnExceptionsDetected().Timeout(TimeSpan.FromSeconds(30))
            .SendMessageAndWaitAsync(new RunReplay(id));
        return id;
    }

    private async Task<string> RequestPoisonReplayAsync(int version)
    {
        var id = Guid.NewGuid().ToString("N");
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.StartStream<ReplayRun>(ReplayRun.StreamKey(id), new ReplayRequested(id, ReplayKinds.DryRun, version, new ReplayFilter(), "test", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        return id;
    }

    /// <summary>
    /// Holds the poison in the middle of its attempt: the run's first read (its replay record) waits on a lock this
    /// connection holds on that table, until it is disposed. Returns once the attempt is waiting.
    /// </summary>
    private async Task<Npgsql.NpgsqlConnection> HoldPoisonMidAttemptAsync(string poison)
    {
        var conn = new Npgsql.NpgsqlConnection(HubFixture.ConnectionString);
        try
        {
            await conn.OpenAsync();
            await using (var begin = new Npgsql.NpgsqlCommand($"begin; lock table {Hub.Schema}.mt_doc_replayrun in access exclusive mode", conn))
                await begin.ExecuteNonQueryAsync();
            using (var scope = Hub.Host.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendAsync(new RunReplay(poison));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            await using var waiting = new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))", conn);
            while (Convert.ToInt64(await waiting.ExecuteScalarAsync()) == 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The poison message was not taken up.");
                await Task.Delay(50);
            }
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private Task EventuallyDeadLetteredAsync(int count) =>
        Eventually.UntilAsync(async () => await Hub.DeadLetterCountAsync() >= count, TimeSpan.FromSeconds(30), $"{count} dead letter(s)");

    private Task<JsonObject> DeadLettersAsync() => Hub.Host.GetAsJson<JsonObject>("/api/dead-letters", HubFixture.OperatorKey);

    /// <summary>The status word the API shows once it is <paramref name="until"/>, or the last one read after 30 s.</summary>
    private async Task<string> ReplayStatusAsync(string id, string until) =>
        await Eventually.ValueAsync(
            async () => (await Hub.Host.GetAsJson<System.Text.Json.Nodes.JsonObject>($"/api/replays/{id}", HubFixture.AuditorKey))["status"]!.GetValue<string>(),
            status => status == until, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task a_poison_message_is_dead_lettered_others_flow_and_after_the_fix_a_replay_processes_it_once()
    {
        await Hub.SeedCatalogAsync(["COF-1"]);
        var poison = await RequestPoisonReplayAsync(version: 2);

        // Others flow while the poison is still being worked on, not only once it is out of the way.
        long order;
        await using (await HoldPoisonMidAttemptAsync(poison))
        {
            order = await Hub.PlaceOrderAsync(await Hub.CreateOutletAsync(), [("COF-1", 1)]);
            await Hub.AcceptAsync(order);
            await Hub.SyncedAsync(order);
            (await Hub.DeadLetterCountAsync()).ShouldBe(0, "the poison was still in its attempt while the order synced");
        }

        await EventuallyDeadLetteredAsync(1);
        var dead = await DeadLettersAsync();
        dead["total"]!.GetValue<int>().ShouldBe(1);
        var letter = dead["deadLetters"]![0]!;
        letter["record"]!.GetValue<string>().ShouldBe($"replay-{poison}");
        letter["exceptionType"]!.GetValue<string>().ShouldContain("KeyNotFoundException");
        dead["byErrorClass"]![0]!["count"]!.GetValue<int>().ShouldBe(1);

        // The fix: version 2 gets published. Then the operator replays the dead letter.
        var mapping = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mappings", "default.json")))!;
        mapping["salesOrder"]!["fields"]!["memo"]!["template"] = "OrderEZ {orderNumber}";
        await Hub.Host.Scenario(s =>
        {
            s.Post.Text(mapping.ToJsonString()).ToUrl("/api/mappings").ContentType("application/json");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AdminKey}");
            s.StatusCodeShouldBe(201);
        });
        await Hub.Host.Scenario(s =>
        {
            s.Post.Url($"/api/dead-letters/{letter["id"]}/replay");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            // Who acted comes from the key; a header claiming someone else is not believed.
            s.WithRequestHeader("X-Author", "mallory");
            s.StatusCodeShouldBe(202);
        });

        (await ReplayStatusAsync(poison, "completed")).ShouldBe("completed");
        (await DeadLettersAsync())["total"]!.GetValue<int>().ShouldBe(0);
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(ReplayRun.StreamKey(poison));
        events.Count(e => e.Data is ReplayCompleted).ShouldBe(1, "processed exactly once");
        events.Single(e => e.Data is Hub.Api.DeadLetters.DeadLetterReplayed).Data.ShouldBeOfType<Hub.Api.DeadLetters.DeadLetterReplayed>().By.ShouldBe(HubFixture.OperatorName);
        await Hub.InvariantsHoldAsync([order]);
    }

    [Fact]
    public async Task the_list_counts_every_dead_letter_beyond_the_first_page()
    {
        // More dead letters than one page of the list, put straight into the message store (a poison message each
        // would take minutes): each is about a replay record of its own.
        const int count = DeadLetterEndpoints.PageSize + 7;
        var store = Hub.Host.Services.GetRequiredService<IMessageStore>();
        for (var i = 0; i < count; i++)
        {
            var message = new RunReplay($"capped-{i}");
            var envelope = new Envelope(message)
            {
                Id = Guid.NewGuid(), MessageType = typeof(RunReplay).FullName!, ContentType = "application/json",
                Data = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message), Destination = new Uri("local://replays"),
            };
            await store.Inbox.MoveToDeadLetterStorageAsync(envelope, new KeyNotFoundException("Mapping version 9 is not published."));
        }

        var dead = await DeadLettersAsync();

        dead["total"]!.GetValue<int>().ShouldBe(count);
        dead["byErrorClass"]!.AsArray().ShouldHaveSingleItem()!["count"]!.GetValue<int>().ShouldBe(count);
        dead["byRecord"]!.AsArray().Count.ShouldBe(count);
        dead["deadLetters"]!.AsArray().Count.ShouldBe(DeadLetterEndpoints.PageSize, "the list itself shows one page");
    }

    [Fact]
    public async Task a_dead_letter_is_discarded_only_with_a_reason_and_the_reason_is_on_record()
    {
        var poison = await PoisonReplayAsync(version: 7);
        var id = (await DeadLettersAsync())["deadLetters"]![0]!["id"]!.GetValue<string>();

        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "" }).ToUrl($"/api/dead-letters/{id}/discard");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(400);
        });
        await Hub.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "version 7 will never exist" }).ToUrl($"/api/dead-letters/{id}/discard");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.OperatorKey}");
            s.StatusCodeShouldBe(200);
        });

        (await DeadLettersAsync())["total"]!.GetValue<int>().ShouldBe(0);
        await using var session = Hub.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var discarded = (await session.Events.FetchStreamAsync(ReplayRun.StreamKey(poison))).Select(e => e.Data).OfType<Hub.Api.DeadLetters.DeadLetterDiscarded>().Single();
        discarded.Reason.ShouldBe("version 7 will never exist");
        await Hub.Host.Scenario(s =>
        {
            s.Get.Url("/api/dead-letters");
            s.WithRequestHeader("Authorization", $"Bearer {HubFixture.AuditorKey}");
            s.StatusCodeShouldBe(403);
        });
    }
}
