using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RiskWatch.Cli.Commands;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Cli;

/// <summary><c>riskwatch replay</c>: it waits as Retry-After asks and sends again, and a platform's reports go through the signed batch endpoint.</summary>
public sealed class ReplayTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private static string Lines(IEnumerable<JsonObject> reports) => string.Join("\n", reports.Select(r => r.ToJsonString())) + "\n";

    [Fact]
    public async Task Reports_answered_429_or_503_are_sent_again_after_the_wait_retry_after_asks_and_all_arrive()
    {
        // An Ingest that is busy at first: each report is answered 429 (wait 3 s), then 503 (wait 1 s), then 202.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.MapPost("/api/v1/reports", async (HttpContext context) =>
        {
            var report = (await JsonNode.ParseAsync(context.Request.Body))!;
            var attempt = seen.AddOrUpdate(report["reportId"]!.GetValue<string>(), 1, (_, n) => n + 1);
            (context.Response.StatusCode, context.Response.Headers.RetryAfter) = attempt switch
            {
                1 => (429, "3"),
                2 => (503, "1"),
                _ => (202, ""),
            };
        });
        await app.StartAsync();

        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Lines(Enumerable.Range(0, 4).Select(i => TestReports.BlueComplaint(station: $"replay-{i}"))));
        var waits = new ConcurrentBag<TimeSpan>();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") };
        var summary = await ReplayCommand.ReplayAsync(http, file, null, null, TextWriter.Null, CancellationToken.None,
            delay: (wait, _) => { waits.Add(wait); return Task.CompletedTask; });

        Assert.Equal(4, summary.Sent);
        Assert.Equal(4, summary.Accepted);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(8, summary.Retries);
        Assert.Equal(4, waits.Count(w => w == TimeSpan.FromSeconds(3)));
        Assert.Equal(4, waits.Count(w => w == TimeSpan.FromSeconds(1)));
        Assert.All(seen.Values, n => Assert.Equal(3, n));

        // Given up after the attempts allowed: counted as failed, not dropped silently.
        seen.Clear();
        var once = await ReplayCommand.ReplayAsync(http, file, null, 1, TextWriter.Null, CancellationToken.None,
            retry: new RetryRule(MaxAttempts: 2), delay: (_, _) => Task.CompletedTask);
        Assert.Equal(1, once.Failed);
        Assert.Equal(1, once.ByStatus[503]);
    }

    [Fact]
    public async Task With_a_platform_key_and_secret_platform_reports_go_through_the_signed_batch_endpoint_and_the_others_one_by_one()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-replay");
        var platformReports = Enumerable.Range(0, 3).Select(i =>
        {
            var report = TestReports.Report(null, $"replay-platform-{i}", "平台通知：站点骑手配送费下调，三名骑手投诉。");
            report["source"] = "platform";
            report["reporter"] = "plat-replay";
            return report;
        }).ToList();
        var informant = TestReports.BlueComplaint(station: "replay-informant");
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Lines([.. platformReports, informant]));

        using var http = new HttpClient { BaseAddress = new Uri(riskWatch.System.IngestUrl + "/") };
        var summary = await ReplayCommand.ReplayAsync(http, file, null, null, TextWriter.Null, CancellationToken.None, new PlatformCredentials(key, secret));
        Assert.Equal(4, summary.Accepted);
        var ids = platformReports.Select(r => Guid.Parse(r["reportId"]!.GetValue<string>())).ToArray();
        Assert.Equal(3, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = ANY(@p) AND channel = 'platform'", ids));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = @p AND channel = 'api'", Guid.Parse(informant["reportId"]!.GetValue<string>())));

        // Sent again (in another order, so another batch with another signature), they are duplicates: nothing new.
        await File.WriteAllTextAsync(file, Lines(Enumerable.Reverse(platformReports)));
        var again = await ReplayCommand.ReplayAsync(http, file, null, null, TextWriter.Null, CancellationToken.None, new PlatformCredentials(key, secret));
        Assert.Equal(3, again.ByStatus[200]);
    }

    [Fact]
    public void Retry_after_in_seconds_or_as_a_date_is_waited_within_bounds()
    {
        var rule = new RetryRule();
        var now = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(5), rule.WaitFor(new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)), now));
        Assert.Equal(TimeSpan.FromSeconds(20), rule.WaitFor(new RetryConditionHeaderValue(now.AddSeconds(20)), now));
        Assert.Equal(TimeSpan.Zero, rule.WaitFor(new RetryConditionHeaderValue(now.AddSeconds(-20)), now));
        Assert.Equal(TimeSpan.FromSeconds(60), rule.WaitFor(new RetryConditionHeaderValue(TimeSpan.FromHours(2)), now));
        Assert.Equal(TimeSpan.FromSeconds(1), rule.WaitFor(null, now));
    }
}
