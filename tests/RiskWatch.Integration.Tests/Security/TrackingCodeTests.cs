using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
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

    /// <summary>A report's ledger row as Ingest wrote it before issue 14: the unkeyed code, version 1.</summary>
    internal static async Task<(Guid Id, string Code)> LegacyReportAsync(IntakeFixture riskWatch)
    {
        var id = Guid.NewGuid();
        var code = UnkeyedCode(id);
        await using var connection = new NpgsqlConnection(riskWatch.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO intake_ledger (report_id, tracking_code, channel, source, reporter, incident_key, about, tracking_code_version)
            VALUES (@id, @code, 'form', 'informant', 'anonymous', '深圳|龙岗|坂田|legacy', @about::jsonb, 1)
            """, connection);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("code", code);
        insert.Parameters.AddWithValue("about", """{"location":{"city":"深圳市","district":"龙岗区","street":"坂田街道"},"subject":{"kind":"site","name":"legacy-station"},"occurredAt":"2026-11-20T08:30:00+08:00"}""");
        await insert.ExecuteNonQueryAsync();
        return (id, code);
    }

    [Fact]
    public async Task Codes_given_out_before_keep_working_and_a_report_sent_again_gets_the_code_it_got_first_after_the_secret_changed()
    {
        // A code of before issue 14 (unkeyed, stored with version 1): status and follow-ups work as they did.
        var (_, legacy) = await LegacyReportAsync(riskWatch);
        Assert.Equal(HttpStatusCode.OK, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{legacy}")).StatusCode);
        using (var addition = await riskWatch.Ingest.PostAsJsonAsync($"/api/v1/follow-ups/{legacy}", new { reportId = Guid.NewGuid(), text = "还有三个骑手也没拿到工资。" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, addition.StatusCode);
            Assert.Equal(legacy, (await addition.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>());
        }

        // A code given out under a secret since rotated (here: whatever the ledger holds): the report sent again gets it back.
        var report = TestReports.BlueComplaint(station: $"rotated-{Guid.NewGuid():N}"[..20]);
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());
        (await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report)).EnsureSuccessStatusCode();
        const string before = "RW-0A1B2-C3D4E";
        await using (var connection = new NpgsqlConnection(riskWatch.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rotate = new NpgsqlCommand("UPDATE intake_ledger SET tracking_code = @code WHERE report_id = @id", connection);
            rotate.Parameters.AddWithValue("code", before);
            rotate.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await rotate.ExecuteNonQueryAsync());
        }

        using var again = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(before, (await again.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{before}")).StatusCode);
    }
}

/// <summary>Codes of before issue 14 turned off, as an operator does once informants have had time to follow up.</summary>
public sealed class NoUnkeyedCodesFixture : IntakeFixture
{
    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        await base.Configure(settings);
        settings["Security:AcceptUnkeyedTrackingCodes"] = "false";
    }
}

public sealed class UnkeyedTrackingCodesOffTests(NoUnkeyedCodesFixture riskWatch) : IClassFixture<NoUnkeyedCodesFixture>
{
    [Fact]
    public async Task With_unkeyed_codes_turned_off_a_code_computable_from_the_report_id_opens_nothing()
    {
        var (_, legacy) = await TrackingCodeTests.LegacyReportAsync(riskWatch);

        Assert.Equal(HttpStatusCode.NotFound, (await riskWatch.Ingest.GetAsync($"/api/v1/follow-ups/{legacy}")).StatusCode);
        using var addition = await riskWatch.Ingest.PostAsJsonAsync($"/api/v1/follow-ups/{legacy}", new { reportId = Guid.NewGuid(), text = "forged" });
        Assert.Equal(HttpStatusCode.NotFound, addition.StatusCode);
    }
}
