using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RiskWatch.Integration.Tests.Browser;
using RiskWatch.Testing;
using static Microsoft.Playwright.Assertions;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>The informant form and follow-up page as an informant on a phone meets them: refusals, language, no connection, replies.</summary>
public sealed partial class InformantFormUsabilityTests(RiskWatchFixture riskWatch) : IClassFixture<RiskWatchFixture>
{
    [GeneratedRegex("^RW-[0-9A-Z]{5}-[0-9A-Z]{5}$")]
    private static partial Regex TrackingCode();

    private async Task<(IBrowser Browser, IPage Page, List<string> Errors, IPlaywright Playwright)> PhoneAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var context = await browser.NewContextAsync(Chromium.Phone(riskWatch.System.IngestUrl));
        var page = await context.NewPageAsync();
        return (browser, page, Chromium.WatchErrors(page), playwright);
    }

    [Fact]
    public async Task A_refused_report_keeps_what_was_typed_and_says_beside_the_field_in_the_pages_language_what_to_fix_with_focus_there()
    {
        var (browser, page, errors, playwright) = await PhoneAsync();
        using var _ = playwright;
        await using var __ = browser;
        var station = $"refused-{Guid.NewGuid():N}"[..16];
        const string text = "站点通知下周起单价下调，三十多个骑手很不满，说要一起停工。";
        await page.GotoAsync("/report");

        // The page's own check: the city is required.
        await page.FillAsync("#text", text);
        await page.TapAsync("#submit");
        await Expect(page.Locator("#city-error")).ToHaveTextAsync("这一项必须填写。");
        Assert.Equal("city", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // The server's refusal: a time three days ahead (the browser cannot know the server's clock rule).
        await page.FillAsync("#city", "深圳市");
        await page.FillAsync("#subject-name", station);
        await page.FillAsync("#workers", "35");
        await page.FillAsync("#occurred", DateTime.Now.AddDays(3).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await page.TapAsync("#submit");
        var beside = page.Locator("#occurred-error");
        await Expect(beside).ToHaveTextAsync("时间不能晚于现在。请检查日期和时间。");
        await Expect(beside).ToBeInViewportAsync();
        Assert.Equal("occurred", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await Expect(page.Locator("#status")).ToContainTextAsync("写的内容都还在");
        await Expect(page.Locator("#status")).Not.ToContainTextAsync("occurredAt");
        Assert.Equal(text, await page.InputValueAsync("#text"));
        Assert.Equal("35", await page.InputValueAsync("#workers"));
        Assert.Equal(station, await page.InputValueAsync("#subject-name"));
        Assert.Equal("[]", await page.EvaluateAsync<string>("() => localStorage.getItem('riskwatch.outbox.v1')"));
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE about::json->'subject'->>'name' = @p", station));

        // In English, the same refusal in English.
        await page.TapAsync("#lang");
        await page.TapAsync("#submit");
        await Expect(page.Locator("#occurred-error")).ToHaveTextAsync("The time cannot be later than now. Check the date and time.");
        await page.TapAsync("#lang");

        // Fixed, it is accepted; only now does the form empty.
        await page.FillAsync("#occurred", "");
        await page.TapAsync("#submit");
        await Expect(page.Locator("#receipt-code")).ToHaveTextAsync(TrackingCode(), new() { Timeout = 15_000 });
        Assert.Equal(0, await page.Locator(".field-error").CountAsync());
        await page.TapAsync("#another");
        Assert.Equal("", await page.InputValueAsync("#text"));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE about::json->'subject'->>'name' = @p", station));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_language_switch_is_plainly_visible_on_both_pages_and_neither_page_has_serious_accessibility_violations()
    {
        var (browser, page, errors, playwright) = await PhoneAsync();
        using var _ = playwright;
        await using var __ = browser;
        foreach (var (path, english) in new[] { ("/report", "Report a labour risk"), ("/report/follow-up", "Progress / add information") })
        {
            await page.GotoAsync(path);
            var toggle = page.Locator("#lang");
            await Expect(toggle).ToBeVisibleAsync();
            await Expect(toggle).ToHaveTextAsync("English");
            var ratio = await Chromium.ContrastAsync(toggle);
            Assert.True(ratio >= 4.5, $"the English switch on {path} has a contrast of {ratio:0.00} against the header");
            await Axe.AssertNoSeriousViolationsAsync(page, path);
            await toggle.TapAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync(english);
            await Expect(toggle).ToHaveTextAsync("中文");
            await Axe.AssertNoSeriousViolationsAsync(page, path + " in English");
            await toggle.TapAsync();
        }

        Assert.Empty(errors);
    }

    [Fact]
    public async Task Without_a_connection_the_form_and_the_follow_up_page_still_open_and_a_report_sent_then_says_plainly_where_the_informant_looks_that_it_waits()
    {
        var (browser, page, errors, playwright) = await PhoneAsync();
        using var _ = playwright;
        await using var __ = browser;
        var station = $"offline-{Guid.NewGuid():N}"[..16];
        await page.GotoAsync("/report");
        // The service worker installs on the first visit and keeps both pages.
        await page.EvaluateAsync("async () => { await navigator.serviceWorker.ready; }");
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => navigator.serviceWorker.controller !== null"));

        await page.Context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("劳动风险报告");
        await page.GotoAsync("/report/follow-up");
        await Expect(page.Locator("h1")).ToHaveTextAsync("查看进展 / 补充信息");
        await page.GotoAsync("/report");
        await Expect(page.Locator("#submit")).ToBeVisibleAsync();

        await page.FillAsync("#text", "离线时写的报告：站点通知下周起单价下调，骑手很不满。");
        await page.FillAsync("#city", "深圳市");
        await page.FillAsync("#subject-name", station);
        await page.Locator("#submit").ScrollIntoViewIfNeededAsync();
        await page.TapAsync("#submit");
        var waiting = page.Locator("#waiting");
        await Expect(waiting).ToBeInViewportAsync();
        await Expect(waiting).ToContainTextAsync("报告已保存在本手机上，还没有发出");
        await Expect(waiting).ToContainTextAsync("会自动发送");
        Assert.Equal("waiting", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE about::json->'subject'->>'name' = @p", station));

        await page.Context.SetOfflineAsync(false);
        await Expect(page.Locator("#receipt-code")).ToHaveTextAsync(TrackingCode(), new() { Timeout = 30_000 });
        await Expect(waiting).ToBeHiddenAsync();
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE about::json->'subject'->>'name' = @p", station));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_follow_up_page_shows_the_reports_history_and_the_unions_messages_but_never_its_notes_and_the_form_offers_the_policys_places()
    {
        var (browser, page, errors, playwright) = await PhoneAsync();
        using var _ = playwright;
        await using var __ = browser;
        var station = $"history-{Guid.NewGuid():N}"[..16];
        await page.GotoAsync("/report");

        // The place picker offers the policy's places: the districts follow the city typed.
        await Expect(page.Locator("#city-options option[value='深圳市']")).ToHaveCountAsync(1);
        await page.FillAsync("#city", "深圳");
        await Expect(page.Locator("#district-options option")).ToHaveCountAsync(3);
        await page.FillAsync("#district", "龙岗区");
        await Expect(page.Locator("#street-options option[value='坂田街道']")).ToHaveCountAsync(1);

        await page.FillAsync("#text", TestReports.ArrearsText);
        await page.FillAsync("#city", "深圳市");
        await page.FillAsync("#street", "坂田街道");
        await page.FillAsync("#subject-name", station);
        await page.FillAsync("#workers", "35");
        await page.TapAsync("#submit");
        await Expect(page.Locator("#receipt-code")).ToHaveTextAsync(TrackingCode(), new() { Timeout = 15_000 });
        var code = (await page.Locator("#receipt-code").TextContentAsync())!;
        var alertId = await riskWatch.EventuallyAsync<long>("SELECT coalesce(max(r.alert_id), 0) FROM reports r JOIN intake_ledger l USING (report_id) WHERE l.tracking_code = @p", code, id => id > 0);

        const string note = "内部备注：代理商老板电话已打通";
        const string message = "您好，区总工会已联系站点，下周一前会给答复。";
        (await riskWatch.Response.PostAsync($"/api/v1/alerts/{alertId}/acknowledge", null)).EnsureSuccessStatusCode();
        (await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{alertId}/notes", new { text = note })).EnsureSuccessStatusCode();
        (await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{alertId}/messages", new { text = message })).EnsureSuccessStatusCode();

        await page.GotoAsync($"/report/follow-up#{code}");
        await Expect(page.Locator("#status-text")).ToHaveTextAsync("正在处理");
        var history = page.Locator("#history li");
        await Expect(history.Nth(0)).ToContainTextAsync("报告已收到");
        await Expect(page.Locator("#history li[data-kind=alerted]")).ToContainTextAsync("已转给工会应急处置人员");
        await Expect(page.Locator("#history li[data-kind=acknowledged]")).ToContainTextAsync("工会应急处置人员已接手");
        await Expect(page.Locator("#history li[data-kind=message]")).ToContainTextAsync("工会给您的消息：" + message);
        var body = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(note, body, StringComparison.Ordinal);
        Assert.DoesNotContain("test-admin", body, StringComparison.Ordinal);
        using var ingest = new HttpClient { BaseAddress = new Uri(riskWatch.System.IngestUrl) };
        var json = await ingest.GetFromJsonAsync<JsonObject>($"/api/v1/follow-ups/{code}");
        Assert.DoesNotContain(note, json!.ToJsonString(), StringComparison.Ordinal);
        await Axe.AssertNoSeriousViolationsAsync(page, "the follow-up page with a history");
        Assert.Empty(errors);
    }
}
