using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RiskWatch.Core.Access;
using RiskWatch.Integration.Tests.Browser;
using RiskWatch.Testing;
using static Microsoft.Playwright.Assertions;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>RiskWatch with ten thousand open alerts (and resolved ones) in one city, as a surge would leave it.</summary>
public sealed class TriageFixture : InProcessSystem
{
    public const int Seeded = 10_000;
    public const string MostUrgent = "最紧急站点";

    protected override async Task StartedAsync()
    {
        // Written straight into the table (a real surge would take minutes to score); the list reads nothing else.
        const string sql = """
            INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade, highest_reported_grade,
                                probabilities, model_version, opened_at, last_report_at, tier, policy_version, report_count, informant_count,
                                acknowledge_due_at, act_due_at, status)
            SELECT 'seed|' || i, '深圳市', d.name, '', '深圳', d.key, '', '批量站点 ' || i, g.grade, g.grade, '{0,0,0,0,1}', 'seed',
                   now() - interval '1 hour', now() - interval '1 hour', g.tier, 'seed', 1, 1,
                   now() + make_interval(mins => 10 + i), now() + interval '3 days', 'new'
            FROM generate_series(1, 10000) i
            CROSS JOIN LATERAL (SELECT (ARRAY['龙岗区', '南山区', '福田区'])[1 + i % 3] AS name, (ARRAY['龙岗', '南山', '福田'])[1 + i % 3] AS key) d
            CROSS JOIN LATERAL (SELECT (ARRAY['blue', 'yellow', 'orange', 'red'])[1 + i % 4] AS grade,
                                       (ARRAY['street', 'district', 'city', 'city'])[1 + i % 4] AS tier) g;
            INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade, highest_reported_grade,
                                probabilities, model_version, opened_at, last_report_at, tier, policy_version, report_count, informant_count,
                                acknowledged_at, act_due_at, status, resolved_at, outcome)
            SELECT 'done|' || i, '深圳市', '龙岗区', '', '深圳', '龙岗', '', '已办结站点 ' || i, 'yellow', 'yellow', '{0,0,1,0,0}', 'seed',
                   now() - interval '2 days', now() - interval '2 days', 'district', 'seed', 1, 1, now() - interval '2 days', NULL, 'resolved', now() - interval '1 day', 'mediated'
            FROM generate_series(1, 60) i;
            -- Acknowledged, but nobody acted: its first-action deadline passed five minutes ago.
            INSERT INTO alerts (incident_key, city, district, street, city_key, district_key, street_key, subject_name, grade, highest_reported_grade,
                                probabilities, model_version, opened_at, last_report_at, tier, policy_version, report_count, informant_count,
                                acknowledged_at, acknowledged_by, act_due_at, status)
            VALUES ('urgent|1', '深圳市', '南山区', '', '深圳', '南山', '', '最紧急站点', 'orange', 'orange', '{0,0,0,1,0}', 'seed',
                    now() - interval '1 hour', now() - interval '1 hour', 'city', 'seed', 1, 1, now() - interval '50 minutes', 'resp-triage', now() - interval '5 minutes', 'acknowledged');
            """;
        await using var dataSource = DataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The console's list with ten thousand open alerts: urgent first, filtered, searched, counted, paged, and never silently cut short.</summary>
public sealed class ConsoleTriageTests(TriageFixture riskWatch) : IClassFixture<TriageFixture>
{
    [Fact]
    public async Task Ten_thousand_open_alerts_come_most_urgent_deadline_first_in_pages_that_say_how_many_there_are_and_filters_search_and_counts_narrow_them()
    {
        // One real report, to search for by its tracking code.
        var station = $"triage-{Guid.NewGuid():N}"[..16];
        var response = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", TestReports.About(station, "inf-t1", red: true));
        var code = (await response.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>();
        await riskWatch.EventuallyAsync<long>("SELECT coalesce(max(alert_id), 0) FROM alerts WHERE subject_name = @p", station, id => id > 0);
        var open = await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE status IN ('new', 'acknowledged', 'in_handling')");
        var red = await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE status IN ('new', 'acknowledged', 'in_handling') AND grade = 'red'");
        var nanshan = await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE status IN ('new', 'acknowledged', 'in_handling') AND district = '南山区'");
        Assert.True(open > TriageFixture.Seeded);

        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-triage", new Jurisdiction("深圳市", null, null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var page = await (await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl))).NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);

        // Every open alert is counted, a page of them is drawn, the resolved ones are not among them.
        var summary = page.Locator("#summary");
        async Task ClearAsync()
        {
            await page.ClickAsync("#clear-filters");
            await Expect(summary).ToHaveTextAsync($"共 {open} 条，显示第 1–50 条");
        }

        await Expect(summary).ToHaveTextAsync($"共 {open} 条，显示第 1–50 条");
        var cards = page.Locator("#alerts .alert-card");
        await Expect(cards).ToHaveCountAsync(50);
        Assert.DoesNotContain("resolved", await cards.EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.status)"));

        // Most urgent deadline first: the alert whose first action is five minutes overdue.
        await Expect(cards.First.Locator("a.subject")).ToHaveTextAsync(TriageFixture.MostUrgent);
        await Expect(cards.First.Locator(".deadline")).ToHaveTextAsync("已超时 5 分");

        // The next page is the next fifty.
        await page.ClickAsync("#page-next");
        await Expect(summary).ToHaveTextAsync($"共 {open} 条，显示第 51–100 条");
        await Expect(cards.First.Locator("a.subject")).Not.ToHaveTextAsync(TriageFixture.MostUrgent);

        // By grade: reds first.
        await page.SelectOptionAsync("#sort", "grade");
        await Expect(summary).ToHaveTextAsync($"共 {open} 条，显示第 1–50 条");
        Assert.All(await cards.EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.grade)"), g => Assert.Equal("red", g));

        // Counts per grade and district, and a click on one filters by it.
        var redCount = page.Locator("button.count[data-grade=red]");
        await Expect(redCount).ToContainTextAsync($" {red}");
        await redCount.ClickAsync();
        await Expect(summary).ToHaveTextAsync($"共 {red} 条，显示第 1–50 条");
        await ClearAsync();
        var district = page.Locator("button.count[data-district=南山区]");
        await Expect(district).ToHaveTextAsync($"南山区 {nanshan}");
        await district.ClickAsync();
        await Expect(summary).ToHaveTextAsync($"共 {nanshan} 条，显示第 1–50 条");
        Assert.All(await cards.Locator(".place").AllTextContentsAsync(), p => Assert.Contains("南山区", p, StringComparison.Ordinal));

        // Only overdue.
        await ClearAsync();
        await page.CheckAsync("#f-overdue");
        await Expect(summary).ToHaveTextAsync("共 1 条，显示第 1–1 条");
        await Expect(cards.First.Locator("a.subject")).ToHaveTextAsync(TriageFixture.MostUrgent);

        // Only mine: what this responder acknowledged or was assigned.
        await ClearAsync();
        await page.CheckAsync("#f-mine");
        await Expect(summary).ToHaveTextAsync("共 1 条，显示第 1–1 条");

        // Search by tracking code (as the informant reads it out on the phone, in lower case) and by subject.
        await ClearAsync();
        await page.FillAsync("#q", code.ToLowerInvariant());
        await page.Keyboard.PressAsync("Enter");
        await Expect(summary).ToHaveTextAsync("共 1 条，显示第 1–1 条");
        await Expect(cards.First.Locator("a.subject")).ToHaveTextAsync(station);
        await page.FillAsync("#q", "批量站点 9999");
        await page.Keyboard.PressAsync("Enter");
        await Expect(summary).ToHaveTextAsync("共 1 条，显示第 1–1 条");

        // Resolved ones are there when asked for.
        await ClearAsync();
        await page.SelectOptionAsync("#f-status", "resolved");
        await Expect(summary).ToHaveTextAsync("共 60 条，显示第 1–50 条");
        Assert.Empty(errors);
    }
}
