using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>The informant form in Debian's Chromium on a phone-sized screen, in Chinese, online and offline.</summary>
public sealed partial class InformantFormBrowserTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [GeneratedRegex("^RW-[0-9A-Z]{5}-[0-9A-Z]{5}$")]
    private static partial Regex TrackingCodePattern();

    [Fact]
    public async Task An_informant_reports_on_a_phone_in_chinese_gets_a_receipt_and_a_report_typed_offline_arrives_exactly_once()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        await using var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 360, Height = 740 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            BaseURL = riskWatch.System.IngestUrl,
        });
        var page = await context.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal) && !message.Text.Contains("ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal))
            {
                scriptErrors.Add(message.Text);
            }
        };

        await page.GotoAsync("/report");
        Assert.Equal("劳动风险报告", await page.Locator("h1").TextContentAsync());
        Assert.Equal("提交报告", (await page.Locator("#submit").TextContentAsync())?.Trim());

        // Online: only text and place are required; a few optional fields in plain words.
        await page.FillAsync("#text", "坂田配送站拖欠骑手10月工资，约40人，有人在群里说周五去区政府讨薪。");
        await page.FillAsync("#city", "深圳市");
        await page.FillAsync("#district", "龙岗区");
        await page.FillAsync("#subject-name", "浏览器测试配送站");
        await page.SelectOptionAsync("#category", "wage_arrears");
        await page.FillAsync("#workers", "40");
        await page.SelectOptionAsync("#action", "planned");
        await page.TapAsync("#submit");

        var receiptCode = page.Locator("#receipt-code");
        await receiptCode.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 15_000 });
        var code = (await receiptCode.TextContentAsync())!.Trim();
        Assert.Matches(TrackingCodePattern(), code);
        Assert.Equal("已收到您的报告", await page.Locator("#receipt h2").TextContentAsync());
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE tracking_code = @p AND channel = 'form' AND reporter = 'anonymous'", code));
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports r JOIN intake_ledger l ON l.report_id = r.report_id WHERE l.tracking_code = @p", code, 1);

        // Offline: the report is kept on the phone ...
        await page.TapAsync("#another");
        await context.SetOfflineAsync(true);
        await page.FillAsync("#text", "离线时写的报告：站点通知下周起单价下调，骑手很不满。");
        await page.FillAsync("#city", "深圳市");
        await page.FillAsync("#subject-name", "离线测试配送站");
        await page.TapAsync("#submit");
        await page.Locator("#waiting").GetByText("还没有发出").WaitForAsync(new() { Timeout = 10_000 });
        var offlineId = Guid.Parse(await page.EvaluateAsync<string>("() => JSON.parse(localStorage.getItem('riskwatch.outbox.v1'))[0].id"));
        Assert.Equal("1", await page.Locator("#outbox-count").TextContentAsync());
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = @p", offlineId));

        // ... and sent when the connection returns, exactly once, even though the page is loaded again right after.
        await context.SetOfflineAsync(false);
        // The informant is still on the page: the waiting notice gives way to the receipt.
        await page.Locator("#receipt-code").GetByText(TrackingCodePattern()).WaitForAsync(new() { Timeout = 20_000 });
        Assert.Equal("[]", await page.EvaluateAsync<string>("() => localStorage.getItem('riskwatch.outbox.v1')"));
        await page.ReloadAsync();
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p", offlineId, 1);
        await Task.Delay(1500);
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE report_id = @p", offlineId));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = @p", offlineId));

        // Follow-up: the status in plain words, and an addition that joins the same incident.
        await page.GotoAsync($"/report/follow-up#{code}");
        await page.Locator("#status-text").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        Assert.Contains(await page.Locator("#status-text").TextContentAsync(), new[] { "已收到", "正在处理", "已结束" });
        await page.FillAsync("#add-text", "今天又有十几个骑手说没拿到工资。");
        await page.TapAsync("#add-form button[type=submit]");
        await page.Locator("#status").GetByText("补充信息已发送").WaitForAsync(new() { Timeout = 15_000 });
        await riskWatch.WaitForCountAsync(
            "SELECT count(*) FROM reports f JOIN intake_ledger l ON l.report_id = f.report_id JOIN intake_ledger ol ON ol.tracking_code = @p JOIN reports o ON o.report_id = ol.report_id WHERE l.follow_up_of = o.report_id AND f.incident_key = o.incident_key AND f.body::json->>'text' LIKE '【补充信息 RW-%'",
            code, 1);
        await page.Locator("#additions").GetByText("1").WaitForAsync(new() { Timeout = 10_000 });

        // English switch.
        await page.TapAsync("#lang");
        Assert.Equal("Progress / add information", await page.Locator("h1").TextContentAsync());
        Assert.Empty(scriptErrors);
    }

    /// <summary>
    /// Issue 14, finding 12: the form kept the last ten tracking codes in localStorage and showed them, which matters on a
    /// borrowed phone. It keeps a code only when the informant asks, and forgets them all on request.
    /// </summary>
    [Fact]
    public async Task Finding_12_the_form_keeps_a_tracking_code_on_the_phone_only_when_asked_and_forgets_it_on_request()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        await using var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true, Locale = "zh-CN", BaseURL = riskWatch.System.IngestUrl,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/report");

        async Task<string> ReportAsync(string text, bool keep)
        {
            await page.FillAsync("#text", text);
            await page.FillAsync("#city", "深圳市");
            if (keep)
            {
                await page.CheckAsync("#keep-code");
            }

            await page.TapAsync("#submit");
            var receipt = page.Locator("#receipt-code");
            await receipt.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 15_000 });
            var code = (await receipt.TextContentAsync())!.Trim();
            await page.TapAsync("#another");
            return code;
        }

        // Not asked: the receipt shows the code, the phone keeps nothing of it, and it is not listed.
        Assert.False(await page.IsCheckedAsync("#keep-code"));
        var forgotten = await ReportAsync("借来的手机上报告:站点拖欠两名骑手工资。", keep: false);
        Assert.Matches(TrackingCodePattern(), forgotten);
        await page.ReloadAsync();
        Assert.DoesNotContain(forgotten, await page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, localStorage))"), StringComparison.Ordinal);
        Assert.False(await page.Locator("#receipts").IsVisibleAsync());

        // Asked: kept and listed; the box is unticked again for the next report.
        var kept = await ReportAsync("自己的手机上报告:站点扣了我两百元罚款。", keep: true);
        await page.ReloadAsync();
        await page.Locator("#receipts-list").GetByText(kept).WaitForAsync(new() { Timeout = 5_000 });
        Assert.False(await page.IsCheckedAsync("#keep-code"));

        // Forget: gone from the page and from the phone.
        await page.TapAsync("#clear-receipts");
        Assert.False(await page.Locator("#receipts").IsVisibleAsync());
        await page.ReloadAsync();
        Assert.DoesNotContain(kept, await page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, localStorage))"), StringComparison.Ordinal);
        Assert.False(await page.Locator("#receipts").IsVisibleAsync());
    }
}
