using Microsoft.Playwright;
using RiskWatch.Core.Access;
using RiskWatch.Integration.Tests.Browser;
using RiskWatch.Integration.Tests.Handling;
using RiskWatch.Testing;
using static Microsoft.Playwright.Assertions;

namespace RiskWatch.Integration.Tests.Docs;

/// <summary>
/// The README's pictures, taken from a running RiskWatch: the form on a phone, the console's list and an alert page.
/// <c>scripts/screenshots</c> runs this test with RISKWATCH_SCREENSHOTS=docs/screenshots to refresh the committed ones;
/// otherwise they go to a temporary folder, and the test still checks that each page rendered, with Chinese glyphs.
/// </summary>
public sealed class ScreenshotTests(ConsoleFixture riskWatch) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_form_on_a_phone_and_the_console_list_and_alert_page_are_photographed_from_a_running_system()
    {
        var folder = Environment.GetEnvironmentVariable("RISKWATCH_SCREENSHOTS") is { Length: > 0 } configured
            ? Path.GetFullPath(configured, RepoRoot.Path)
            : Path.Combine(Path.GetTempPath(), "riskwatch-screenshots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        // A shift's worth of alerts: a strike, an escalated red nobody acknowledged, arrears, a fine, a report to review.
        await riskWatch.SubmitAsync(TestReports.Report(null, "坂田配送站", TestReports.StrikeText, workers: 320, status: "underway", reporter: "inf-0042"));
        await riskWatch.SubmitAsync(TestReports.Report(null, "坂田配送站", "又有一百多名骑手加入，堵在区政府门口。", workers: 150, status: "underway", reporter: "inf-0107"));
        await riskWatch.SubmitAsync(TestReports.Report(null, "布吉快递网点", "网点三百多名快递员今天罢工，堵住了仓库门口，说拖欠三个月工资。", street: "布吉街道", workers: 300, status: "underway", reporter: "inf-0311"));
        await riskWatch.SubmitAsync(TestReports.Report(null, "龙岗同城货运站", TestReports.ArrearsText, workers: 35, status: "planned", reporter: "inf-0215"));
        await riskWatch.SubmitAsync(TestReports.Report(null, "坂田家政服务点", TestReports.ComplaintText, workers: 1, status: "none", reporter: "inf-0420"));
        await riskWatch.SubmitAsync(TestReports.NoRisk("某外卖商家"));
        var late = await riskWatch.AlertIdAsync("布吉快递网点");
        var strike = await riskWatch.AlertIdAsync("坂田配送站");
        await riskWatch.AlertIdAsync("龙岗同城货运站");
        await riskWatch.AlertIdAsync("坂田家政服务点");
        await riskWatch.LetAcknowledgeDeadlinePassAsync(late);
        await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @p AND actor = 'timer' AND kind = 'escalated'", late, n => n == 1);
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE alert_id = @p", strike, 2);
        (await riskWatch.Response.PostAsync($"/api/v1/alerts/{strike}/acknowledge", null)).EnsureSuccessStatusCode();
        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-longgang-1", new Jurisdiction("深圳市", "龙岗区", null));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);

        var phoneOptions = Chromium.Phone(riskWatch.System.IngestUrl);
        phoneOptions.DeviceScaleFactor = 1;
        var phone = await (await browser.NewContextAsync(phoneOptions)).NewPageAsync();
        await phone.GotoAsync("/report");
        await phone.FillAsync("#text", "站点拖欠骑手10月工资，约40人，有人在群里说周五去区政府讨薪。");
        await phone.FillAsync("#city", "深圳市");
        await phone.FillAsync("#district", "龙岗区");
        await Shoot(phone, Path.Combine(folder, "form-phone.png"), fullPage: false);

        var desk = await (await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl))).NewPageAsync();
        await Chromium.LoginAsync(desk, key);
        await Expect(desk.Locator(".alert-card[data-escalated=timer]")).ToBeVisibleAsync();
        await Expect(desk.Locator("#live")).ToHaveAttributeAsync("data-state", "on");
        await Shoot(desk, Path.Combine(folder, "console-list.png"), fullPage: false);
        await desk.GotoAsync($"/console/#/alerts/{strike}");
        await Expect(desk.Locator(".timeline li").First).ToBeVisibleAsync();
        await Shoot(desk, Path.Combine(folder, "console-alert.png"), fullPage: true);
    }

    private static async Task Shoot(IPage page, string path, bool fullPage)
    {
        // Chinese must be drawn with a CJK font (fonts-noto-cjk), not as boxes.
        Assert.True(await page.EvaluateAsync<bool>("async () => { await document.fonts.ready; return document.fonts.check('16px \"Noto Sans CJK SC\"', '预警'); }"),
            "No CJK font: install fonts-noto-cjk (scripts/bootstrap --test).");
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        Assert.True(new FileInfo(path).Length > 20_000, $"{path} is too small to show a page");
    }
}
