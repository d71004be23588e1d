using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>A platform key limited to 10 reports a minute, in batches of up to 10.</summary>
public sealed class ReportRateLimitedFixture : IntakeFixture
{
    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        await base.Configure(settings);
        settings["Ingest:KeyReportsPerMinute"] = "10";
        settings["Ingest:MaxBatchReports"] = "10";
    }
}

/// <summary>The embedded broker's partitions hold at most 256 KB of reports Scoring has not committed.</summary>
public sealed class SmallBacklogFixture : IntakeFixture
{
    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        await base.Configure(settings);
        settings["Embedded:MaxUnscoredBytesPerPartition"] = (256 * 1024).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Issue 14, finding 8: one platform key could fill a partition. A batch counted as one request against the per-key rate
/// limit, and four concurrent batches about one incident filled the partition's backlog in 0.16 s, so that an informant's
/// report to the same partition got 503.
/// </summary>
public sealed class BatchRateLimitTests(ReportRateLimitedFixture riskWatch) : IClassFixture<ReportRateLimitedFixture>
{
    [Fact]
    public async Task Finding_08_a_platform_keys_rate_limit_counts_the_reports_of_its_batches()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-rate");
        var first = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, Batch("plat-rate", 10)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(10, (await first.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>());

        // Ten reports this minute already: a second batch, even of one report, waits for the next minute.
        using var second = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, Batch("plat-rate", 1)));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.RetryAfter is not null);
        var problem = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.EndsWith("/rate-limited", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("report", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static string Batch(string platform, int reports, string? station = null) => new JsonArray(Enumerable.Range(0, reports).Select(i =>
    {
        var report = TestReports.BlueComplaint(station: station ?? $"rate-{Guid.NewGuid():N}"[..16]);
        report["source"] = "platform";
        report["reporter"] = platform;
        report["text"] = "平台通知:本站点骑手反映罚款申诉无人处理。";
        return (JsonNode?)report;
    }).ToArray()).ToJsonString();
}

public sealed class BacklogFairnessTests(SmallBacklogFixture riskWatch) : IClassFixture<SmallBacklogFixture>
{
    [Fact]
    public async Task Finding_08_a_platform_filling_a_partition_while_scoring_is_stalled_does_not_lock_an_informant_out_of_it()
    {
        var station = $"fair-{Guid.NewGuid():N}"[..16];
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-flood");

        // Scoring cannot commit while this lock is held, so nothing leaves the backlog.
        await using var hold = new NpgsqlConnection(riskWatch.ConnectionString);
        await hold.OpenAsync();
        await using var transaction = await hold.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE consumer_offsets IN SHARE MODE", hold, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        // Four batches of 200 short reports about one incident at once: some 600 KB for a partition that takes 256 KB, in
        // reports smaller than the informant's below, so that what a full partition has left would not take it.
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var answer = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, BatchRateLimitTests.Batch("plat-flood", 200, station)));
            return (answer.StatusCode, answer.StatusCode == HttpStatusCode.OK ? (await answer.Content.ReadFromJsonAsync<JsonObject>())! : null);
        }));
        Assert.Contains(batches, b => b.StatusCode == HttpStatusCode.ServiceUnavailable || b.Item2?["unavailable"]?.GetValue<int>() > 0);

        // An informant's report about the same incident (the same partition) still gets in.
        var report = TestReports.BlueComplaint(station: station);
        report["text"] = "站点拖欠我上个月工资,申诉没人理。" + new string('详', 300);
        using var informant = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/form/reports", report);
        Assert.Equal(HttpStatusCode.Accepted, informant.StatusCode);

        await transaction.RollbackAsync();
        await riskWatch.WaitForReportsAsync([Guid.Parse(report["reportId"]!.GetValue<string>())], TimeSpan.FromSeconds(60));
    }
}
