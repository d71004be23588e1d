using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RiskWatch.Core.Access;
using RiskWatch.Integration.Tests.Browser;
using RiskWatch.Testing;
using static Microsoft.Playwright.Assertions;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>The responders' console in Chromium, as a responder on a shift uses it: deadlines, escalations, new reds, a phone, the keyboard, the review queue.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleBrowserTests(ConsoleFixture riskWatch)
{
    [GeneratedRegex(@"^剩余 1[45] 分$")]
    private static partial Regex FreshRedDeadline();

    [GeneratedRegex(@"^已超时 [34] 分$")]
    private static partial Regex ThreeMinutesOverdue();

    private static string Station(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task Deadlines_read_as_time_left_or_overdue_and_a_red_the_timer_escalated_looks_different_from_a_fresh_one()
    {
        var fresh = Station("fresh-red");
        var late = Station("late-red");
        var slow = Station("slow-act");
        await riskWatch.SubmitAsync(TestReports.About(fresh, "inf-d1", red: true));
        await riskWatch.SubmitAsync(TestReports.About(late, "inf-d2", red: true));
        await riskWatch.SubmitAsync(TestReports.About(slow, "inf-d3", red: true));
        var lateId = await riskWatch.AlertIdAsync(late);
        var slowId = await riskWatch.AlertIdAsync(slow);
        await riskWatch.AlertIdAsync(fresh);

        // Nobody acknowledged the late one in time: the deadline timer escalates it. The slow one was acknowledged but
        // nobody acted on it, and its first-action deadline passed three minutes ago.
        await riskWatch.LetAcknowledgeDeadlinePassAsync(lateId);
        await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind = 'escalated' AND actor = 'timer'", lateId, n => n == 1);
        (await riskWatch.Response.PostAsync($"/api/v1/alerts/{slowId}/acknowledge", null)).EnsureSuccessStatusCode();
        await riskWatch.ScalarAsync<long>("UPDATE alerts SET act_due_at = now() - interval '200 seconds' WHERE alert_id = @p RETURNING alert_id", slowId);
        await riskWatch.EventuallyAsync<bool>("SELECT act_missed FROM alerts WHERE alert_id = @p", slowId, missed => missed);

        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-deadlines", new Jurisdiction("深圳市", null, null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var page = await (await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl))).NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);

        var freshCard = page.Locator(".alert-card", new() { HasText = fresh });
        var lateCard = page.Locator(".alert-card", new() { HasText = late });
        var slowCard = page.Locator(".alert-card", new() { HasText = slow });
        await Expect(freshCard.Locator(".deadline")).ToHaveTextAsync(FreshRedDeadline());
        await Expect(slowCard.Locator(".deadline")).ToHaveTextAsync(ThreeMinutesOverdue());
        await Expect(slowCard.Locator(".deadline")).ToHaveClassAsync(new Regex("overdue"));
        await Expect(slowCard.Locator(".flag.missed")).ToHaveTextAsync("处置超时");

        // The escalated red says what happened, and is drawn differently from the fresh red (double border, stripes).
        await Expect(lateCard.Locator(".flag.timer")).ToHaveTextAsync("超时自动升级 1 次");
        await Expect(lateCard.Locator(".flag.missed")).ToHaveTextAsync("确认超时");
        Assert.Equal(0, await freshCard.Locator(".flag").CountAsync());
        var lateStyle = await lateCard.EvaluateAsync<string>("n => getComputedStyle(n).borderLeftStyle + ' ' + getComputedStyle(n).backgroundImage.slice(0, 25)");
        var freshStyle = await freshCard.EvaluateAsync<string>("n => getComputedStyle(n).borderLeftStyle + ' ' + getComputedStyle(n).backgroundImage.slice(0, 25)");
        Assert.StartsWith("double repeating-linear-gradient", lateStyle, StringComparison.Ordinal);
        Assert.Equal("solid none", freshStyle);

        // The alert page's header says the same, and names the team that leads it now (the policy's joint mechanism).
        await lateCard.Locator("a.subject").ClickAsync();
        var head = page.Locator("#alert-head[data-escalated=timer]");
        await Expect(head.Locator(".flag.timer")).ToHaveTextAsync("超时自动升级 1 次");
        await Expect(page.Locator("#alert-team")).ToHaveTextAsync("深圳市劳动关系风险联动处置机制");
        await Expect(page.Locator(".timeline li[data-kind=escalated]")).ToContainTextAsync("未在时限内确认，计时器将预警由市级升级至市联动机制");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_models_reasons_come_in_the_reports_language_from_the_api_and_in_the_consoles_language_on_the_alert_page()
    {
        var station = Station("reasons");
        var report = TestReports.Report(null, station, "About 320 riders at the depot have been on strike since this morning over two months of unpaid wages.",
            workers: 320, status: "underway");
        report["language"] = "en";
        await riskWatch.SubmitAsync(report);
        var alertId = await riskWatch.AlertIdAsync(station);

        static async Task<List<string>> ReasonsAsync(HttpClient client, string query)
        {
            var detail = (await client.GetFromJsonAsync<JsonObject>(query))!;
            return detail["reports"]![0]!["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        }

        const string english = "320 workers acting now or within 48 hours";
        const string chinese = "320 名工人正在或将在 48 小时内集体行动";
        Assert.Contains(english, await ReasonsAsync(riskWatch.Response, $"/api/v1/alerts/{alertId}"));
        Assert.Contains(chinese, await ReasonsAsync(riskWatch.Response, $"/api/v1/alerts/{alertId}?lang=zh"));

        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-reasons", new Jurisdiction("深圳市", null, null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var page = await (await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl))).NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);
        await page.Locator(".alert-card", new() { HasText = station }).Locator("a.subject").ClickAsync();
        await Expect(page.Locator("#alert-reasons")).ToContainTextAsync(chinese);
        await page.ClickAsync("#lang");
        await Expect(page.Locator("#alert-reasons")).ToContainTextAsync(english);
        await Expect(page.Locator("#alert-reasons")).Not.ToContainTextAsync("名工人");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_new_red_and_an_escalation_raise_a_notice_a_desktop_notification_and_a_sound_until_muted_and_the_live_badge_tells_the_truth_in_either_language()
    {
        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-notify", new Jurisdiction("深圳市", "龙岗区", null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var context = await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl));
        await context.GrantPermissionsAsync(["notifications"], new() { Origin = riskWatch.System.ResponseUrl });
        // What the responder would see and hear, recorded: every desktop notification shown and every tone started.
        await context.AddInitScriptAsync("""
            window.__notes = []; window.__tones = 0;
            const Real = window.Notification;
            window.Notification = class extends Real { constructor(title, options) { window.__notes.push({ title, body: options && options.body }); super(title, options); } };
            const start = OscillatorNode.prototype.start;
            OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };
            """);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);
        await Expect(page.Locator("#live")).ToHaveTextAsync("实时更新中");
        await Expect(page.Locator("#notify")).ToHaveTextAsync("桌面提醒已开启");

        // The live badge keeps telling the truth through language switches.
        await page.ClickAsync("#lang");
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");
        await Expect(page.Locator("h1")).ToHaveTextAsync("RiskWatch 211 response console");
        await page.ClickAsync("#lang");
        await Expect(page.Locator("#live")).ToHaveTextAsync("实时更新中");

        var first = Station("notify-red");
        await riskWatch.SubmitAsync(TestReports.About(first, "inf-n1", red: true));
        await Expect(page.Locator(".toast", new() { HasText = $"新的红色预警：{first}" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Contains(await page.EvaluateAsync<string[]>("() => window.__notes.map(n => n.title + '|' + n.body)"), n => n == $"新的红色预警|{first}");
        Assert.True(await page.EvaluateAsync<int>("() => window.__tones") >= 2);

        // Muted: the notice and the notification still come, the sound does not.
        await page.ClickAsync("#mute");
        await Expect(page.Locator("#mute")).ToHaveAttributeAsync("aria-pressed", "true");
        var tones = await page.EvaluateAsync<int>("() => window.__tones");
        var second = Station("notify-red2");
        await riskWatch.SubmitAsync(TestReports.About(second, "inf-n2", red: true));
        await Expect(page.Locator(".toast", new() { HasText = second })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(tones, await page.EvaluateAsync<int>("() => window.__tones"));

        // An escalation by the timer is news too.
        await page.ClickAsync("#mute");
        var alertId = await riskWatch.AlertIdAsync(first);
        await riskWatch.LetAcknowledgeDeadlinePassAsync(alertId);
        await Expect(page.Locator(".toast.escalated", new() { HasText = $"预警已升级：{first}" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Contains(await page.EvaluateAsync<string[]>("() => window.__notes.map(n => n.title)"), n => n == "预警已升级");
        Assert.True(await page.EvaluateAsync<int>("() => window.__tones") > tones);

        // A blue report is no news.
        var notes = await page.EvaluateAsync<int>("() => window.__notes.length");
        var blue = Station("notify-blue");
        await riskWatch.SubmitAsync(TestReports.About(blue, "inf-n3"));
        await Expect(page.Locator(".alert-card", new() { HasText = blue })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(notes, await page.EvaluateAsync<int>("() => window.__notes.length"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task On_a_390_px_phone_alerts_are_cards_every_row_and_action_is_reachable_by_keyboard_with_visible_focus_and_badges_are_readable()
    {
        var stations = new[] { Station("phone-red"), Station("phone-blue") };
        await riskWatch.SubmitAsync(TestReports.About(stations[0], "inf-p1", red: true));
        await riskWatch.SubmitAsync(TestReports.About(stations[1], "inf-p2"));
        foreach (var s in stations)
        {
            await riskWatch.AlertIdAsync(s);
        }

        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-phone", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var context = await browser.NewContextAsync(Chromium.Phone(riskWatch.System.ResponseUrl));
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);

        // Cards, nothing cut off or scrolled sideways.
        var card = page.Locator(".alert-card", new() { HasText = stations[0] });
        await Expect(card).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
        var box = (await card.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the card is {box.Width} px wide from {box.X}");
        Assert.True(await card.Locator(".deadline").IsVisibleAsync() && await card.Locator("a.subject").IsVisibleAsync());

        // Every badge is readable: 4.5:1 or more against what it sits on.
        var badges = page.Locator(".badge, .live, .status");
        Assert.True(await badges.CountAsync() >= 6);
        foreach (var badge in await badges.AllAsync())
        {
            var ratio = await Chromium.ContrastAsync(badge);
            Assert.True(ratio >= 4.5, $"'{await badge.TextContentAsync()}' has a contrast of {ratio:0.00}");
        }

        // The favicon is there.
        var icon = await page.EvaluateAsync<string>("() => document.querySelector('link[rel=icon]').href");
        var favicon = await page.APIRequest.GetAsync(icon);
        Assert.Equal(200, favicon.Status);
        Assert.Equal("image/svg+xml", favicon.Headers["content-type"]);

        // By keyboard alone: Tab to the alert, see where the focus is, open it, Tab to "acknowledge" and press Enter.
        await page.Locator("body").FocusAsync();
        var reached = false;
        for (var i = 0; i < 80 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>($"() => document.activeElement?.classList.contains('subject') && document.activeElement.textContent === '{stations[0]}'");
        }

        Assert.True(reached, "Tab never reached the alert");
        var outline = await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }");
        Assert.Equal("solid 3px", outline);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#alert-head")).ToBeVisibleAsync();
        reached = false;
        for (var i = 0; i < 40 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.id === 'acknowledge'");
        }

        Assert.True(reached, "Tab never reached the acknowledge button");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#alert-head")).ToHaveAttributeAsync("data-status", "acknowledged");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the alert page scrolls sideways at 390 px");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_report_graded_none_waits_in_the_review_queue_of_its_place_and_a_responder_promotes_one_and_dismisses_another()
    {
        var promoted = Station("review-up");
        var dismissed = Station("review-no");
        var promotedCode = await riskWatch.SubmitAsync(TestReports.NoRisk(promoted));
        var dismissedCode = await riskWatch.SubmitAsync(TestReports.NoRisk(dismissed));
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM report_reviews q JOIN reports r USING (report_id) JOIN intake_ledger l USING (report_id) WHERE l.tracking_code = ANY(@p) AND r.grade = 'none'",
            new[] { promotedCode, dismissedCode }, 2);

        // The informant is told the truth meanwhile.
        using var ingest = new HttpClient { BaseAddress = new Uri(riskWatch.System.IngestUrl) };
        Assert.Contains("\"status\":\"in_review\"", await ingest.GetStringAsync($"/api/v1/follow-ups/{promotedCode}"), StringComparison.Ordinal);

        // Another street's responder does not see them; the responder of their street does.
        var elsewhere = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-review-buji", new Jurisdiction("深圳市", "龙岗区", "布吉街道"));
        using (var buji = riskWatch.ResponseAs(elsewhere))
        {
            Assert.DoesNotContain(promoted, await buji.GetStringAsync("/api/v1/reviews/"), StringComparison.Ordinal);
        }

        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-review", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        var page = await (await browser.NewContextAsync(Chromium.Desktop(riskWatch.System.ResponseUrl))).NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, key);
        await page.ClickAsync("#nav a[data-section=review]");
        var up = page.Locator(".review-card", new() { HasText = promoted });
        await Expect(up).ToBeVisibleAsync();
        await Expect(up.Locator(".report-text")).ToHaveTextAsync(TestReports.NoRiskText);

        // A promotion needs a reason: refused in the page, beside the field, in Chinese.
        await up.Locator("select[name=grade]").SelectOptionAsync("yellow");
        await up.Locator("form[id^=promote] button[type=submit]").ClickAsync();
        await Expect(up.Locator(".field-error")).ToHaveTextAsync("理由必须填写");
        await up.GetByLabel("理由", new() { Exact = true }).FillAsync("骑手说配送站也拖欠了十几个人的工资，不只是顾客投诉");
        var no = page.Locator(".review-card", new() { HasText = dismissed });
        var dismissReason = no.GetByLabel("理由（可不填）");
        await dismissReason.FillAsync("顾客投诉，不涉及工人");
        await up.Locator("form[id^=promote] button[type=submit]").ClickAsync();
        await Expect(page.Locator("#review-status")).ToHaveTextAsync("已转为黄色预警");
        await Expect(page.Locator(".review-card", new() { HasText = promoted })).ToHaveCountAsync(0);

        // The queue follows the street live (a new report to review appears when an alert of the street changes), and
        // such a refresh takes neither the reason being typed nor the last confirmation from the responder.
        var later = Station("review-later");
        var laterCode = await riskWatch.SubmitAsync(TestReports.NoRisk(later));
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM report_reviews q JOIN intake_ledger l USING (report_id) WHERE l.tracking_code = ANY(@p)", new[] { laterCode }, 1);
        await riskWatch.SubmitAsync(TestReports.About(Station("review-live"), "inf-0042"));
        await Expect(page.Locator(".review-card", new() { HasText = later })).ToBeVisibleAsync();
        await Expect(dismissReason).ToHaveValueAsync("顾客投诉，不涉及工人");
        await Expect(page.Locator("#review-status")).ToHaveTextAsync("已转为黄色预警");

        await no.Locator("form[id^=dismiss] button[type=submit]").ClickAsync();
        await Expect(page.Locator("#review-status")).ToHaveTextAsync("已标记为不予处理");

        // The promoted report is a yellow alert of its street, in the list; the promotion is feedback for the model.
        await page.ClickAsync("#nav a[data-section=list]");
        await Expect(page.Locator(".alert-card[data-grade=yellow]", new() { HasText = promoted })).ToBeVisibleAsync();
        Assert.Equal(1, await riskWatch.CountAsync(
            "SELECT count(*) FROM grade_feedback f JOIN intake_ledger l ON l.report_id = ANY(f.report_ids) WHERE l.tracking_code = @p AND f.model_grade = 'none' AND f.corrected_grade = 'yellow' AND f.actor = 'resp-review'",
            promotedCode));
        Assert.Contains("\"status\":\"not_taken_up\"", await ingest.GetStringAsync($"/api/v1/follow-ups/{dismissedCode}"), StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_list_and_the_alert_page_have_no_serious_or_critical_accessibility_violations()
    {
        var station = Station("axe-red");
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-axe", red: true));
        var alertId = await riskWatch.AlertIdAsync(station);
        await riskWatch.SubmitAsync(TestReports.NoRisk(Station("axe-none")));
        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-axe", new Jurisdiction("深圳市", null, null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium.Options);
        foreach (var options in new[] { Chromium.Desktop(riskWatch.System.ResponseUrl), Chromium.Phone(riskWatch.System.ResponseUrl) })
        {
            var page = await (await browser.NewContextAsync(options)).NewPageAsync();
            await page.GotoAsync("/console/");
            await page.Locator("#login:not([hidden])").WaitForAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "the login page");
            await Chromium.LoginAsync(page, key);
            await Expect(page.Locator(".alert-card", new() { HasText = station })).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"the alert list ({options.ViewportSize!.Width} px)");
            await page.GotoAsync($"/console/#/alerts/{alertId}");
            await Expect(page.Locator("#alert-head")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"the alert page ({options.ViewportSize.Width} px)");
            await page.GotoAsync("/console/#/review");
            await Expect(page.Locator("#review-summary")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "the review queue");
            await page.GotoAsync("/console/#/stats");
            await Expect(page.Locator("#export-csv")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "the figures page");
        }
    }
}
