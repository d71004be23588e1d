using System.Diagnostics;
using Dapper;
using Npgsql;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests;

/// <summary>
/// Two Response instances run the deadline timer; the one that took a due alert dies with SIGKILL before committing
/// the escalation. The other takes the alert over and escalates it, once.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class EscalationTakeoverTests(PostgresFixture postgres, KafkaFixture kafka) : IClassFixture<PostgresFixture>, IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_response_instance_killed_while_holding_an_escalation_is_taken_over_by_another_which_escalates_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var pipeline = new Pipeline(connectionString, kafka.BootstrapServers);

        // One alert, raised the ordinary way: a report through Kafka and Scoring.
        await using (var scoring = ServiceProcess.Start("scoring", connectionString, kafka.BootstrapServers, await TestModel.PathAsync()))
        await using (var stream = KafkaReportStream.Start(kafka.BootstrapServers, "escalation", total: 1, incidents: 1, perSecond: 10))
        {
            await stream.Completion;
            await pipeline.WaitUntilSettledAsync(stream.Acknowledged, TimeSpan.FromSeconds(60), () => scoring.Output);
        }

        await using var db = new NpgsqlConnection(connectionString);
        var alertId = await db.QuerySingleAsync<long>("SELECT alert_id FROM alerts");

        // The first instance takes the alert and stops half-way: alert row locked and updated, timeline entry waiting.
        await using var hold = await WritesHold.StartAsync(connectionString, "alert_events");
        await using var first = StartResponse("response-a", connectionString);
        await first.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        await using var second = StartResponse("response-b", connectionString);
        await second.WaitUntilServingAsync(TimeSpan.FromSeconds(60));

        // Street tier, so the missed acknowledgement means one escalation (to the district), not a reminder.
        await db.ExecuteAsync(
            "UPDATE alerts SET tier = 'street', status = 'new', acknowledge_due_at = now() - interval '1 second' WHERE alert_id = @alertId",
            new { alertId });
        var holder = await hold.WaitForBlockedWriterAsync(TimeSpan.FromSeconds(30));
        var (dying, survivor) = holder == "response-a" ? (first, second) : (second, first);
        Assert.Contains(holder, new[] { "response-a", "response-b" });

        // While the holder lives, the other skips the locked alert instead of escalating it a second time.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await EscalationsAsync(db, alertId));

        await dying.KillAsync();
        await hold.DisposeAsync();

        var watch = Stopwatch.StartNew();
        while (await EscalationsAsync(db, alertId) == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{survivor.Name} never took the escalation over:\n{survivor.Output}");
            await Task.Delay(100);
        }

        // Several more timer ticks of the survivor: the escalation stays single.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await EscalationsAsync(db, alertId));
        var alert = await db.QuerySingleAsync<(string Tier, int EscalationCount)>(
            "SELECT tier, escalation_count FROM alerts WHERE alert_id = @alertId", new { alertId });
        Assert.Equal(("district", 1), alert);
        Assert.Equal(1, await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM alert_events WHERE alert_id = @alertId AND kind = 'deadline_missed'", new { alertId }));
        Assert.False(survivor.HasExited, survivor.Output);
    }

    private static Task<long> EscalationsAsync(NpgsqlConnection db, long alertId) =>
        db.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @alertId AND kind = 'escalated'", new { alertId });

    private ServiceProcess StartResponse(string name, string connectionString) => ServiceProcess.StartResponse(
        name,
        // The application name tells which instance's transaction holds the alert.
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString,
        kafka.BootstrapServers,
        new Dictionary<string, string> { ["RISKWATCH_Handling__TimerInterval"] = "00:00:00.200" });
}
