using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Issue 14, finding 6: three inputs answered 500 with a stack trace in the log: the form with a repeated JSON property, a
/// platform timestamp far in the future (253402300800), and the CAP export of an alert whose subject holds a control
/// character. Each now gets a 4xx problem with its reason, or is handled.
/// </summary>
public sealed class ServerErrorTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    [Theory]
    [InlineData("text")]
    [InlineData("location")]
    [InlineData("reportId")]
    public async Task Finding_06_a_form_report_with_a_repeated_property_is_a_400_naming_it(string repeated)
    {
        var report = TestReports.BlueComplaint(station: $"dup-{Guid.NewGuid():N}"[..16]);
        var json = report.ToJsonString();
        var value = report[repeated]!.ToJsonString();
        // The property again, at the end of the object.
        var body = json[..^1] + $",\"{repeated}\":{value}}}";

        using var answer = await riskWatch.Ingest.PostAsync("/api/v1/form/reports", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains(repeated, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_06_a_follow_up_with_a_repeated_or_unreadable_field_name_is_a_400_naming_it()
    {
        var report = TestReports.BlueComplaint(station: $"dup-follow-{Guid.NewGuid():N}"[..20]);
        using var accepted = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/form/reports", report);
        var code = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>();

        var repeated = $"{{\"reportId\":\"{Guid.NewGuid()}\",\"text\":\"one\",\"text\":\"two\"}}";
        using var twice = await riskWatch.Ingest.PostAsync($"/api/v1/follow-ups/{code}", new StringContent(repeated, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("text", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        byte[] unreadable = [.. Encoding.UTF8.GetBytes($"{{\"reportId\":\"{Guid.NewGuid()}\",\"text\":\"x\",\""), 0xFF, 0xFE, .. "\":1}"u8];
        using var content = new ByteArrayContent(unreadable) { Headers = { ContentType = new("application/json") } };
        using var bad = await riskWatch.Ingest.PostAsync($"/api/v1/follow-ups/{code}", content);
        Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"answered {(int)bad.StatusCode}");
    }

    [Theory]
    [InlineData("253402300800")]
    [InlineData("999999999999")]
    public async Task Finding_06_a_platform_timestamp_beyond_the_calendar_is_a_401_saying_why(string timestamp)
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync($"plat-ts-{timestamp}");
        var report = TestReports.BlueComplaint();
        report["source"] = "platform";
        report["reporter"] = $"plat-ts-{timestamp}";
        using var request = IntakeFixture.SignedBatch(key, secret, new JsonArray(report).ToJsonString());
        request.Headers.Remove("X-RiskWatch-Timestamp");
        request.Headers.Add("X-RiskWatch-Timestamp", timestamp);

        using var answer = await riskWatch.Ingest.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("X-RiskWatch-Timestamp", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_06_the_cap_export_of_an_alert_whose_subject_holds_control_characters_is_valid_xml()
    {
        var station = $"cap\u0001\u0008\u001f-{Guid.NewGuid():N}"[..20];
        var report = TestReports.RedStrike(station: station);
        (await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report)).EnsureSuccessStatusCode();
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND alert_id IS NOT NULL", id, 1);
        var alertId = await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", id);

        using var answer = await riskWatch.Response.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/alerts/{alertId}/cap"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var cap = XDocument.Parse(await answer.Content.ReadAsStringAsync());
        XNamespace ns = "urn:oasis:names:tc:emergency:cap:1.2";
        var headline = cap.Root!.Element(ns + "info")!.Element(ns + "headline")!.Value;
        Assert.Contains("cap", headline, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', headline);
    }
}
