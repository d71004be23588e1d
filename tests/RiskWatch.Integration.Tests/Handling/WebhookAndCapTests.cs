using System.Net;
using System.Xml.Linq;
using RiskWatch.Core.Incidents;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

[Collection(HandlingCollection.Name)]
public sealed class WebhookAndCapTests(HandlingFixture riskWatch)
{
    [Fact]
    public async Task Webhook_deliveries_are_signed_a_500_is_retried_and_nothing_is_delivered_twice_after_success()
    {
        var station = $"webhook-{Guid.NewGuid():N}"[..20];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-w"));
        var alertId = await riskWatch.AlertIdAsync(station);

        // Every event of the alert (opened, routed, acknowledged) reaches the receiver with a 200 in the end.
        (await riskWatch.Response.PostAsync($"/api/v1/alerts/{alertId}/acknowledge", null)).EnsureSuccessStatusCode();
        var events = await riskWatch.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE alert_id = @p", alertId);
        await riskWatch.EventuallyAsync<long>(
            "SELECT count(*) FROM webhook_deliveries d JOIN outbox o USING (outbox_id) WHERE o.alert_id = @p AND d.delivered_at IS NOT NULL",
            alertId, n => n == events);
        await Task.Delay(1500);

        var calls = riskWatch.WebhookCalls.Where(c => c.Subject == station).ToList();
        Assert.All(calls, c => Assert.True(c.SignatureValid, $"delivery {c.Delivery} had a bad signature"));
        Assert.Contains(calls, c => c.Kind == "opened");
        Assert.Contains(calls, c => c.Kind == "acknowledged");
        foreach (var delivery in calls.GroupBy(c => c.Delivery))
        {
            Assert.Equal([500, 200], delivery.Select(c => c.Status));
        }

        Assert.Equal(events, calls.Count(c => c.Status == 200));
        Assert.Equal(events, await riskWatch.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries d JOIN outbox o USING (outbox_id) WHERE o.alert_id = @p AND d.attempts = 2", alertId));
    }

    [Fact]
    public async Task A_red_alert_exports_as_cap_1_2_with_the_required_elements_and_extreme_severity()
    {
        var station = $"cap-{Guid.NewGuid():N}"[..16];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-cap", red: true));
        var alertId = await riskWatch.AlertIdAsync(station);

        var response = await riskWatch.Response.GetAsync($"/api/v1/alerts/{alertId}/cap");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/cap+xml", response.Content.Headers.ContentType?.MediaType);
        var cap = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "urn:oasis:names:tc:emergency:cap:1.2";
        var root = cap.Root!;
        Assert.Equal(ns + "alert", root.Name);
        foreach (var element in new[] { "identifier", "sender", "sent", "status", "msgType", "scope" })
        {
            Assert.False(string.IsNullOrWhiteSpace(root.Element(ns + element)?.Value), $"<{element}> is missing");
        }

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", root.Element(ns + "sent")!.Value);
        var info = root.Element(ns + "info")!;
        foreach (var element in new[] { "category", "event", "urgency", "severity", "certainty" })
        {
            Assert.False(string.IsNullOrWhiteSpace(info.Element(ns + element)?.Value), $"<info><{element}> is missing");
        }

        Assert.Equal("Extreme", info.Element(ns + "severity")!.Value);
        Assert.Equal("Immediate", info.Element(ns + "urgency")!.Value);
        Assert.DoesNotContain("inf-cap", cap.ToString(), StringComparison.Ordinal);
        // One language throughout, the one it declares: no English wire names or translations beside the Chinese.
        Assert.Equal("zh-CN", info.Element(ns + "language")!.Value);
        Assert.Equal("劳动关系风险预警", info.Element(ns + "event")!.Value);
        Assert.StartsWith("红色（Ⅰ级）预警 · ", info.Element(ns + "headline")!.Value, StringComparison.Ordinal);
        Assert.Contains("由市总工会牵头处置", info.Element(ns + "description")!.Value, StringComparison.Ordinal);
        Assert.DoesNotMatch("red|city|Labour|union", info.Element(ns + "description")!.Value + info.Element(ns + "headline")!.Value + root.Element(ns + "restriction")!.Value);
        Assert.Equal("Severe", CapMessage.Severity(Core.Grading.Grade.Orange));
    }
}
