using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RiskWatch.Core.Access;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

[Collection(HandlingCollection.Name)]
public sealed class ConsoleAndAccessTests(HandlingFixture riskWatch)
{
    private static readonly BrowserTypeLaunchOptions Chromium = new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };

    [Fact]
    public async Task A_responder_sees_a_new_red_alert_appear_without_reload_acknowledges_it_and_its_deadline_stops()
    {
        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-city-1", new Jurisdiction("深圳市", null, null));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(riskWatch.System.ResponseUrl + "/console/");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.Locator("#list:not([hidden])").WaitForAsync();
        await page.Locator("#live.on").WaitForAsync();
        Assert.Equal("实时更新中", await page.Locator("#live").TextContentAsync());
        await page.EvaluateAsync("window.notReloaded = true");

        var station = $"console-{Guid.NewGuid():N}"[..20];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-console", red: true));

        var row = page.Locator(".alert-card[data-grade=red]", new() { HasText = station });
        await row.WaitForAsync(new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.Matches(@"^剩余 \d+ 分$", await row.Locator(".deadline[data-due]").InnerTextAsync());

        await row.Locator("a.subject").ClickAsync();
        await page.ClickAsync("#acknowledge");
        await page.Locator("#alert-head[data-status=acknowledged]").WaitForAsync();
        Assert.Equal(1, await page.Locator("#alert-head .deadline[data-stopped=true]").CountAsync());

        var alertId = await riskWatch.AlertIdAsync(station);
        var alert = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!["alert"]!;
        Assert.Equal("acknowledged", alert["status"]!.GetValue<string>());
        Assert.Null(alert["deadlines"]!["acknowledgeDueAt"]);
        Assert.Equal("resp-city-1", alert["handling"]!["acknowledgedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_street_responder_cannot_open_another_streets_alert_in_the_console_or_the_api()
    {
        var station = $"street-{Guid.NewGuid():N}"[..18];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-s", street: "布吉街道"));
        var alertId = await riskWatch.AlertIdAsync(station);
        var own = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-bantian", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));
        var theirs = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-buji", new Jurisdiction("深圳", "龙岗", "布吉"));

        using var bantian = riskWatch.ResponseAs(own);
        Assert.Equal(HttpStatusCode.NotFound, (await bantian.GetAsync($"/api/v1/alerts/{alertId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bantian.GetAsync($"/api/v1/alerts/{alertId}/cap")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bantian.PostAsync($"/api/v1/alerts/{alertId}/acknowledge", null)).StatusCode);
        Assert.DoesNotContain((await bantian.GetFromJsonAsync<JsonArray>("/api/v1/alerts?limit=1000"))!, a => a!["id"]!.GetValue<long>() == alertId);
        using var buji = riskWatch.ResponseAs(theirs);
        Assert.Equal(HttpStatusCode.OK, (await buji.GetAsync($"/api/v1/alerts/{alertId}")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = new Uri(riskWatch.System.ResponseUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/alerts/{alertId}")).StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(riskWatch.System.ResponseUrl + "/console/");
        await page.FillAsync("#api-key", own);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.Locator("#list:not([hidden])").WaitForAsync();
        await page.GotoAsync(riskWatch.System.ResponseUrl + $"/console/#/alerts/{alertId}");
        await page.Locator("#not-found").WaitForAsync();
        Assert.Equal(0, await page.Locator("#acknowledge").CountAsync());

        // The session cookie alone does not allow a state change: the CSRF token must come with it.
        var status = await page.EvaluateAsync<int>($"fetch('/api/v1/alerts/{alertId}/acknowledge', {{ method: 'POST' }}).then(r => r.status)");
        Assert.Equal(403, status);
    }
}
