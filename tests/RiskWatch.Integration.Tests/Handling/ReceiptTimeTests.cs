using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>
/// Issue 14, finding 7: a report's occurredAt became its alert's opening time and deadline base, so a legitimate late
/// report dated a month back opened an alert whose deadlines were already missed, which a regrade or the timer escalated at
/// once; 0001-01-01 and an amount of 7.9e28 were accepted.
/// </summary>
[Collection(HandlingCollection.Name)]
public sealed class ReceiptTimeTests(HandlingFixture riskWatch)
{
    [Fact]
    public async Task Finding_07_a_late_report_about_last_month_opens_an_alert_whose_deadlines_run_from_its_receipt()
    {
        var station = $"late-{Guid.NewGuid():N}"[..16];
        var report = TestReports.About(station, "inf-late");
        report["occurredAt"] = DateTimeOffset.UtcNow.AddDays(-30).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var sent = DateTime.UtcNow;
        await riskWatch.SubmitAsync(report);
        var alertId = await riskWatch.AlertIdAsync(station);

        var alert = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!["alert"]!;
        var openedAt = alert["openedAt"]!.GetValue<DateTime>();
        Assert.InRange(openedAt, sent.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.True(alert["deadlines"]!["acknowledgeDueAt"]!.GetValue<DateTime>() > DateTime.UtcNow);
        Assert.False(alert["deadlines"]!["acknowledgeMissed"]!.GetValue<bool>());

        // A regrade to red counts red's 15 minutes from receipt too: not missed, so the timer (every 200 ms here) leaves it.
        using (var regrade = await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{alertId}/regrade", new { grade = "red", reason = "hundreds involved, says the station" }))
        {
            Assert.Equal(HttpStatusCode.OK, regrade.StatusCode);
            var regraded = (await regrade.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(regraded["deadlines"]!["acknowledgeDueAt"]!.GetValue<DateTime>() > DateTime.UtcNow.AddMinutes(10));
        }

        await Task.Delay(1500);
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind IN ('escalated', 'deadline_missed')", alertId));
        // The report keeps the date it gave: when it happened is still shown.
        Assert.Equal(30, (int)Math.Round((DateTime.UtcNow - await riskWatch.ScalarAsync<DateTime>("SELECT occurred_at FROM reports WHERE alert_id = @p", alertId)).TotalDays));
    }

    [Theory]
    [InlineData("occurredAt", "0001-01-01T00:00:00+00:00")]
    [InlineData("amountOwedCny", 7.9e28)]
    public async Task Finding_07_an_absurd_date_or_amount_is_refused_naming_its_field(string field, object value)
    {
        var report = TestReports.About($"absurd-{Guid.NewGuid():N}"[..18], "inf-absurd");
        report[field] = JsonValue.Create(value);

        using var answer = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.NotEmpty((await answer.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]!.AsArray());
    }
}
