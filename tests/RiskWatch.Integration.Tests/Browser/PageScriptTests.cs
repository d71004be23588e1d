using Microsoft.Playwright;

namespace RiskWatch.Integration.Tests.Browser;

/// <summary>The pages' pure logic (no DOM, no network), run in Chromium on an empty page: deadlines and times in words, refusals in the page's language.</summary>
public sealed class PageScriptTests : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;
    private IPage page = null!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        page = await browser.NewPageAsync();
        var format = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "services", "RiskWatch.Response", "Console", "wwwroot", "format.js"));
        await page.EvaluateAsync("async (src) => { window.f = await import('data:text/javascript;charset=utf-8,' + encodeURIComponent(src)); }", format);
        await page.AddScriptTagAsync(new() { Path = Path.Combine(RepoRoot.Path, "services", "RiskWatch.Ingest", "Web", "fields.js") });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    [Theory]
    [InlineData(14 * 60 + 20, "zh", "剩余 14 分", false)]
    [InlineData(-(3 * 60 + 5), "zh", "已超时 3 分", true)]
    [InlineData(75 * 60, "zh", "剩余 1 小时 15 分", false)]
    [InlineData(26 * 3600, "zh", "剩余 1 天 2 小时", false)]
    [InlineData(40, "zh", "剩余 40 秒", false)]
    [InlineData(14 * 60 + 20, "en", "14 min left", false)]
    [InlineData(-(3 * 60 + 5), "en", "overdue by 3 min", true)]
    public async Task A_deadline_reads_as_time_left_or_time_overdue(int secondsLeft, string language, string text, bool overdue)
    {
        var result = await page.EvaluateAsync<string>(
            "([left, lang]) => { const now = Date.parse('2026-11-20T00:00:00Z'); const d = f.deadline(new Date(now + left * 1000).toISOString(), now, lang); return d.text + '|' + d.overdue; }",
            new object[] { secondsLeft, language });
        Assert.Equal($"{text}|{overdue.ToString().ToLowerInvariant()}", result);
    }

    [Fact]
    public async Task Times_are_china_time_whatever_the_browsers_zone_and_the_lists_state_round_trips_through_the_address()
    {
        Assert.Equal("11月20日 08:45", await page.EvaluateAsync<string>("() => f.chinaTime('2026-11-20T00:45:00Z', 'zh')"));
        Assert.Equal("19 Nov 23:59", await page.EvaluateAsync<string>("() => f.chinaTime('2026-11-19T15:59:00Z', 'en')"));
        Assert.Equal("#/?grade=red&district=%E5%8D%97%E5%B1%B1%E5%8C%BA&overdue=true",
            await page.EvaluateAsync<string>("() => f.writeQuery(f.readQuery('#/?grade=red&district=' + encodeURIComponent('南山区') + '&overdue=true&page=1'))"));
        Assert.Equal(5.62, Math.Round(await page.EvaluateAsync<double>("() => f.contrast('#ffffff', '#c62828')"), 2));
    }

    [Theory]
    [InlineData("must not be more than 1 day in the future", "zh", "时间不能晚于现在。请检查日期和时间。")]
    [InlineData("is required", "zh", "这一项必须填写。")]
    [InlineData("must be at most 64 characters (got 80)", "zh", "太长了，最多 64 个字。")]
    [InlineData("must be a whole number of at least 0", "en", "Enter a number (0 or more).")]
    [InlineData("something new the server may say", "zh", "这一项填写有误，请检查。")]
    public async Task A_servers_reason_reads_in_the_pages_language(string reason, string language, string text) =>
        Assert.Equal(text, await page.EvaluateAsync<string>("([r, l]) => RiskWatchFields.reasonFor(r, l)", new object[] { reason, language }));
}
