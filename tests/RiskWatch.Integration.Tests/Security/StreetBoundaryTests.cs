using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Issue 14, finding 1: reports and contacts crossed street boundaries. The incident key left the street out and an alert
/// took the street of its first report, so a report about a station in 粤海街道 joined an alert opened for the same name in
/// 西丽街道: the 西丽 responder read it and could reveal the 粤海 informant, the 粤海 responder never saw it.
/// </summary>
public sealed class StreetBoundaryTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private const string Reason = "核实站点情况,联系信息员了解人数";

    [Fact]
    public async Task Finding_01_a_report_from_another_street_opens_its_own_alert_and_its_informant_is_revealed_only_to_that_street()
    {
        var station = $"street-{Guid.NewGuid():N}"[..20];
        var (xili, _) = await InformantAsync();
        var (yuehai, yuehaiContact) = await InformantAsync();
        var xiliReport = await SendAsync(xili, station, "西丽街道", "西丽这边一个骑手被扣了罚款,申诉没人理。");
        var xiliAlert = await AlertOfAsync(xiliReport);
        var yuehaiReport = await SendAsync(yuehai, station, "粤海街道", "粤海这边站点扣了我两百块罚款,没人管。");
        var yuehaiAlert = await AlertOfAsync(yuehaiReport);

        // Two streets, two incidents: the second report did not join the first street's alert.
        Assert.NotEqual(xiliAlert, yuehaiAlert);
        using var xiliResponder = riskWatch.ResponseAs(await KeyAsync(Roles.Responder, "resp-xili", new Jurisdiction("深圳市", "南山区", "西丽街道")));
        using var yuehaiResponder = riskWatch.ResponseAs(await KeyAsync(Roles.Responder, "resp-yuehai", new Jurisdiction("深圳市", "南山区", "粤海街道")));
        var seenByXili = await xiliResponder.GetStringAsync($"/api/v1/alerts/{xiliAlert}");
        Assert.DoesNotContain("粤海这边", seenByXili, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await xiliResponder.GetAsync($"/api/v1/alerts/{yuehaiAlert}")).StatusCode);
        var seenByYuehai = (await yuehaiResponder.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{yuehaiAlert}"))!;
        Assert.Equal("粤海街道", seenByYuehai["alert"]!["place"]!["street"]!.GetValue<string>());
        Assert.Contains(seenByYuehai["reports"]!.AsArray(), r => r!["text"]!.GetValue<string>().StartsWith("粤海这边", StringComparison.Ordinal));

        // The 粤海 informant's contact: not through the 西丽 alert, not for the 西丽 responder; for the 粤海 responder, yes.
        using (var fromXili = await RevealAsync("resp-xili-2", new Jurisdiction("深圳市", "南山区", "西丽街道"), yuehai, xiliAlert))
        {
            Assert.Equal(HttpStatusCode.NotFound, fromXili.StatusCode);
            Assert.DoesNotContain(yuehaiContact[3..], await fromXili.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var fromYuehai = await RevealAsync("resp-yuehai-2", new Jurisdiction("深圳市", "南山区", "粤海街道"), yuehai, yuehaiAlert);
        Assert.Equal(HttpStatusCode.OK, fromYuehai.StatusCode);
        Assert.Equal(yuehaiContact, (await fromYuehai.Content.ReadFromJsonAsync<JsonObject>())!["contact"]!.GetValue<string>());
    }

    /// <summary>
    /// An alert stored before incidents were per street may hold a report from another street (it joined by city, district and
    /// subject). Its informant is revealed only to responders of that report's own place, not through the alert's street.
    /// </summary>
    [Fact]
    public async Task A_report_from_another_street_in_an_alert_of_before_does_not_open_its_informant_to_the_alerts_street()
    {
        var station = $"legacy-{Guid.NewGuid():N}"[..20];
        var (xili, _) = await InformantAsync();
        var (yuehai, yuehaiContact) = await InformantAsync();
        var xiliAlert = await AlertOfAsync(await SendAsync(xili, station, "西丽街道", "西丽这边一个骑手被扣了罚款,申诉没人理。"));
        var yuehaiReport = await SendAsync(yuehai, station, "粤海街道", "粤海这边站点扣了我两百块罚款,没人管。");
        await AlertOfAsync(yuehaiReport);
        // As the old grouping left it: the 粤海 report in the 西丽 alert.
        await using (var connection = new Npgsql.NpgsqlConnection(riskWatch.ConnectionString))
        {
            await connection.OpenAsync();
            await using var move = new Npgsql.NpgsqlCommand("UPDATE reports SET alert_id = @alert WHERE report_id = @report", connection);
            move.Parameters.AddWithValue("alert", xiliAlert);
            move.Parameters.AddWithValue("report", yuehaiReport);
            Assert.Equal(1, await move.ExecuteNonQueryAsync());
        }

        using var fromXili = await RevealAsync("resp-xili-legacy", new Jurisdiction("深圳市", "南山区", "西丽街道"), yuehai, xiliAlert);
        Assert.Equal(HttpStatusCode.NotFound, fromXili.StatusCode);
        Assert.DoesNotContain(yuehaiContact[3..], await fromXili.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The district, whose jurisdiction holds both streets, may.
        using var fromDistrict = await RevealAsync("resp-nanshan-legacy", new Jurisdiction("深圳市", "南山区", null), yuehai, xiliAlert);
        Assert.Equal(HttpStatusCode.OK, fromDistrict.StatusCode);
    }

    private async Task<(string Id, string Contact)> InformantAsync()
    {
        var contact = $"手机 138{Random.Shared.Next(10_000_000, 99_999_999)}";
        await using var dataSource = riskWatch.DataSource();
        var informant = await new InformantStore(dataSource, riskWatch.Box).RegisterAsync(contact, consentToShare: true, CancellationToken.None);
        return (informant.InformantId, contact);
    }

    private async Task<string> KeyAsync(string role, string principal, Jurisdiction where)
    {
        await using var dataSource = riskWatch.DataSource();
        return (await new ApiKeyStore(dataSource).CreateAsync(role, principal, where, null, CancellationToken.None)).Key;
    }

    /// <summary>A report about the station in a street of 南山区, sent with the informant's own device key.</summary>
    private async Task<Guid> SendAsync(string informantId, string station, string street, string text)
    {
        var report = TestReports.Report(null, station, text, district: "南山区", street: street, reporter: informantId, workers: 1, status: "none");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(report) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(Roles.Informant, informantId, Jurisdiction.Everywhere));
        using var answer = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        return Guid.Parse(report["reportId"]!.GetValue<string>());
    }

    private async Task<long> AlertOfAsync(Guid reportId)
    {
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND alert_id IS NOT NULL", reportId, 1);
        return await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", reportId);
    }

    private async Task<HttpResponseMessage> RevealAsync(string principal, Jurisdiction where, string informantId, long alertId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/informants/{informantId}/contact-reveals")
        {
            Content = JsonContent.Create(new { alertId, reason = Reason }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(Roles.Responder, principal, where));
        return await riskWatch.Ingest.SendAsync(request);
    }
}
