using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>
/// Issue 14, finding 9: a street responder could resolve a city-led red alert as a false alarm, which stopped the city
/// team's clock, told the informant "handled" and fed the model a false-alarm label.
/// </summary>
[Collection(HandlingCollection.Name)]
public sealed class TierAuthorityTests(HandlingFixture riskWatch)
{
    [Fact]
    public async Task Finding_09_a_street_or_district_responder_cannot_resolve_close_regrade_or_escalate_a_city_led_red_alert_and_the_city_can()
    {
        var station = $"tier-{Guid.NewGuid():N}"[..16];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-tier", red: true));
        var alertId = await riskWatch.AlertIdAsync(station);
        Assert.Equal("city", await riskWatch.ScalarAsync<string>("SELECT tier FROM alerts WHERE alert_id = @p", alertId));
        using var street = riskWatch.ResponseAs(await riskWatch.CreateKeyAsync(Roles.Responder, "resp-tier-street", new Jurisdiction("深圳市", "龙岗区", "坂田街道")));
        using var district = riskWatch.ResponseAs(await riskWatch.CreateKeyAsync(Roles.Responder, "resp-tier-district", new Jurisdiction("深圳市", "龙岗区", null)));
        using var city = riskWatch.ResponseAs(await riskWatch.CreateKeyAsync(Roles.Responder, "resp-tier-city", new Jurisdiction("深圳市", null, null)));

        foreach (var lower in new[] { street, district })
        {
            foreach (var (action, body) in new (string, object)[]
            {
                ("resolve", new { outcome = "false_alarm", note = "nothing there" }),
                ("regrade", new { grade = "blue", reason = "only one rider" }),
                ("escalate", new { reason = "send it up" }),
            })
            {
                using var answer = await lower.PostAsJsonAsync($"/api/v1/alerts/{alertId}/{action}", body);
                Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
                var problem = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Contains("city", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            // Acknowledging and notes are for everyone the alert is shown to.
            Assert.Equal(HttpStatusCode.OK, (await lower.PostAsJsonAsync($"/api/v1/alerts/{alertId}/notes", new { text = "seen here too" })).StatusCode);
        }

        // Merging closes the alert merged away, so it asks for the same authority as closing; acknowledging many at once
        // is open to every responder who sees them.
        var other = $"tier-{Guid.NewGuid():N}"[..16];
        await riskWatch.SubmitAsync(TestReports.About(other, "inf-tier"));
        var otherId = await riskWatch.AlertIdAsync(other);
        using (var merge = await street.PostAsJsonAsync($"/api/v1/alerts/{alertId}/merge", new { intoAlertId = otherId, reason = "the same depot" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, merge.StatusCode);
            Assert.Contains("city", (await merge.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var bulk = await street.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { alertIds = new[] { alertId } }))
        {
            Assert.Equal("acknowledged", (await bulk.Content.ReadFromJsonAsync<JsonObject>())!["results"]![0]!["outcome"]!.GetValue<string>());
        }

        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM grade_feedback WHERE alert_id = @p", alertId));
        Assert.Equal("red", await riskWatch.ScalarAsync<string>("SELECT grade FROM alerts WHERE alert_id = @p", alertId));

        // Escalating asks why.
        using (var noReason = await city.PostAsJsonAsync($"/api/v1/alerts/{alertId}/escalate", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.NotEmpty((await noReason.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["reason"]!.AsArray());
        }

        using var resolved = await city.PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { outcome = "mediated", note = "agreed with the agent" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await street.PostAsJsonAsync($"/api/v1/alerts/{alertId}/close", new { reason = "done" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await city.PostAsJsonAsync($"/api/v1/alerts/{alertId}/close", new { reason = "done" })).StatusCode);
    }
}
