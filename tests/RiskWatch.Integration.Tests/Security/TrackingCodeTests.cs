using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Issue 14, finding 2: the tracking code was SHA-256 of the report id with no secret, and report ids appear in alert JSON,
/// the console, webhooks and the alerts topic: whoever held a report id could read its status and add information in the
/// informant's name, platform reports included.
/// </summary>
public sealed class TrackingCodeTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    /// <summary>The code as it was derived before: from the report id alone, as anybody can compute it.</summary>
    private static string UnkeyedCode(Guid reportId)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var id = new byte[16];
        reportId.TryWriteBytes(id, bigEndian: true, out _);
        var hash = SHA256.HashData(id);
        ulong bits = 0;
        for (var i = 0; i < 7; i++)
        {
            bits = (bits << 8) | hash[i];
        }

        var chars = Enumerable.Range(0, 10).Select(i => alphabet[(int)((bits >> (5 * i)) & 31)]).ToArray();
        return $"RW-{new string(chars[..5])}-{new string(chars[5..])}";
    }

    [Fact]
    public async Task Finding_02_a_report_id_does_not_give_its_tracking_code_and_a_platform_report_takes_no_follow_up_through_the_form()
    {
        var report = TestReports.BlueComplaint(station: $"code-{Guid.NewGuid():N}"[..16]);
        var reportId = Guid.Parse(report["reportId"]!.GetValue<string>());
        using var accepted = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var code = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>();

        // The code the receipt gives is not the one the report id gives, and the one the report id gives opens nothing.
        var computed = UnkeyedCode(reportId);
        Assert.NotEqual(computed, code);
        Assert.Equal(HttpStatusCode.NotFound, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{computed}")).StatusCode);
        using (var forged = await riskWatch.Ingest.PostAsJsonAsync($"/api/v1/follow-ups/{computed}", new { reportId = Guid.NewGuid(), text = "forged addition" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{code}")).StatusCode);

        // A platform's report: its code shows the status, but information is added by a new report, not through the form.
        var (key, secret) = await riskWatch.CreatePlatformAsync($"plat-codes-{Guid.NewGuid():N}"[..20]);
        var platformReport = TestReports.BlueComplaint(station: $"code-plat-{Guid.NewGuid():N}"[..20]);
        platformReport["source"] = "platform";
        platformReport["reporter"] = (await riskWatch.ScalarAsync<string>("SELECT principal FROM api_keys WHERE key_id = @p", key.Split('_')[1]));
        using var batch = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, new JsonArray(platformReport).ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var platformCode = (await batch.Content.ReadFromJsonAsync<JsonObject>())!["results"]![0]!["trackingCode"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{platformCode}")).StatusCode);
        using var refused = await riskWatch.Ingest.PostAsJsonAsync($"/api/v1/follow-ups/{platformCode}", new { reportId = Guid.NewGuid(), text = "an addition in the platform's name" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }
}
