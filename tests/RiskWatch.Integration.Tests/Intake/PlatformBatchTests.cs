using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>Signed platform batches: authentication, signatures, per-report answers, idempotency.</summary>
public sealed class PlatformBatchTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private static JsonObject PlatformReport(string principal, int i)
    {
        var report = i % 3 == 0
            ? TestReports.RedStrike(station: $"batch-station-{i % 40}", district: "南山区")
            : TestReports.BlueComplaint(station: $"batch-station-{i % 40}");
        report["source"] = "platform";
        report["reporter"] = principal;
        return report;
    }

    /// <summary>Ingest's count of platform reports accepted through platform batches, from its /metrics.</summary>
    private async Task<double> PlatformReportsCountedAsync()
    {
        using var ingest = new HttpClient { BaseAddress = new Uri(riskWatch.System.IngestManagementUrl) };
        return Metrics.Sample(await ingest.GetStringAsync("/metrics"), "riskwatch_reports_accepted_total", "source=\"platform\",channel=\"platform\"");
    }

    [Fact]
    public async Task A_batch_with_a_wrong_signature_or_a_stale_timestamp_is_refused_with_401_and_nothing_is_stored()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-signature");
        var body = new JsonArray(PlatformReport("plat-signature", 1)).ToJsonString();

        using var wrong = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret + "x", body));
        using var stale = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, DateTimeOffset.UtcNow.AddMinutes(-6)));
        using var future = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, DateTimeOffset.UtcNow.AddMinutes(6)));
        using var unsigned = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, signatureOverride: ""));
        using var noKey = await riskWatch.Ingest.PostAsync("/api/v1/platform/reports", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        foreach (var response in new[] { wrong, stale, future, unsigned, noKey })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("bad-signature", (await stale.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE reporter = 'plat-signature'"));
    }

    [Fact]
    public async Task The_same_signed_request_sent_twice_is_a_replay_and_refused()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-replay");
        var body = new JsonArray(PlatformReport("plat-replay", 1)).ToJsonString();
        var at = DateTimeOffset.UtcNow;

        using var first = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, at));
        using var again = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, at));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("replay", (await again.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_of_another_role_may_not_send_platform_batches()
    {
        var informantKey = await riskWatch.CreateKeyAsync(Roles.Informant, "inf-not-a-platform");
        using var response = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(informantKey, "whatever", "[]"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_batch_of_1000_with_3_invalid_reports_accepts_997_and_sending_it_again_gives_1000_duplicates_and_no_new_alerts()
    {
        const string principal = "plat-acme";
        var (key, secret) = await riskWatch.CreatePlatformAsync(principal);
        var reports = Enumerable.Range(0, 1000).Select(i => PlatformReport(principal, i)).ToList();
        reports[10]["location"]!.AsObject().Remove("city");
        reports[500]["workersAffected"] = -5;
        reports[999]["category"] = "bogus";
        var body = new JsonArray([.. reports]).ToJsonString();
        var countedBefore = await PlatformReportsCountedAsync();

        using var response = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(997, answer["accepted"]!.GetValue<int>());
        // Ingest's metric counts every accepted report, though it counts a batch's in one call. (Tests running meanwhile may
        // add to the counter, never take from it.)
        var counted = await PlatformReportsCountedAsync() - countedBefore;
        Assert.True(counted >= 997, $"riskwatch_reports_accepted_total rose by {counted} for 997 accepted reports");
        Assert.Equal(3, answer["rejected"]!.GetValue<int>());
        var results = answer["results"]!.AsArray();
        Assert.Equal(1000, results.Count);
        Assert.Equal("location.city", RejectedField(results[10]!));
        Assert.Equal("workersAffected", RejectedField(results[500]!));
        Assert.Equal("category", RejectedField(results[999]!));
        Assert.All(results.Where((_, i) => i is not (10 or 500 or 999)), r => Assert.Equal("accepted", r!["status"]!.GetValue<string>()));

        var ids = results.Where(r => r!["status"]!.GetValue<string>() == "accepted").Select(r => Guid.Parse(r!["reportId"]!.GetValue<string>())).ToArray();
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", ids, 997, TimeSpan.FromSeconds(60));
        var alertsBefore = await riskWatch.CountAsync("SELECT count(*) FROM alerts");
        var eventsBefore = await riskWatch.CountAsync("SELECT count(*) FROM alert_events");

        using var again = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body, DateTimeOffset.UtcNow.AddSeconds(1)));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(0, second["accepted"]!.GetValue<int>());
        // The three invalid ones are rejected again: a duplicate is a report accepted before, and they never were.
        Assert.Equal(997, second["duplicates"]!.GetValue<int>());
        Assert.Equal(3, second["rejected"]!.GetValue<int>());

        // Fix the three and send everything again: the 997 are duplicates, the 3 now accepted; then all 1,000 at once.
        reports[10]["location"]!["city"] = "深圳市";
        reports[500]["workersAffected"] = 5;
        reports[999]["category"] = "wage_arrears";
        var fixedBody = new JsonArray([.. reports.Select(r => r.DeepClone())]).ToJsonString();
        using var fixedResponse = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, fixedBody));
        var fixedAnswer = (await fixedResponse.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((3, 997), (fixedAnswer["accepted"]!.GetValue<int>(), fixedAnswer["duplicates"]!.GetValue<int>()));
        var allIds = reports.Select(r => Guid.Parse(r["reportId"]!.GetValue<string>())).ToArray();
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", allIds, 1000, TimeSpan.FromSeconds(60));
        alertsBefore = await riskWatch.CountAsync("SELECT count(*) FROM alerts");
        eventsBefore = await riskWatch.CountAsync("SELECT count(*) FROM alert_events");

        using var third = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, fixedBody, DateTimeOffset.UtcNow.AddSeconds(2)));
        var thirdAnswer = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1000, thirdAnswer["duplicates"]!.GetValue<int>());
        Assert.All(thirdAnswer["results"]!.AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));

        await Task.Delay(TimeSpan.FromSeconds(2)); // anything produced would be scored by now
        Assert.Equal(alertsBefore, await riskWatch.CountAsync("SELECT count(*) FROM alerts"));
        Assert.Equal(eventsBefore, await riskWatch.CountAsync("SELECT count(*) FROM alert_events"));
        Assert.Equal(1000, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE reporter = 'plat-acme'"));
    }

    [Fact]
    public async Task A_report_whose_reporter_is_not_the_keys_platform_is_rejected_with_its_field()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-honest");
        var report = PlatformReport("plat-someone-else", 1);
        using var response = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, new JsonObject { ["reports"] = new JsonArray(report) }.ToJsonString()));
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("reporter", RejectedField(answer["results"]![0]!));
    }

    [Fact]
    public async Task A_body_that_is_not_a_list_of_1_to_1000_reports_is_a_400_saying_why_and_an_envelope_may_carry_other_members()
    {
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-shapes");
        async Task<(HttpStatusCode Status, string Body)> SendAsync(string body)
        {
            using var response = await riskWatch.Ingest.SendAsync(IntakeFixture.SignedBatch(key, secret, body));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var refusals = new Dictionary<string, string>
        {
            ["[]"] = "1 to 1000 reports; this one has none",
            ["[" + string.Join(",", Enumerable.Repeat("1", 1001)) + "]"] = "1 to 1000 reports; this one has more",
            ["{\"reports\": 5}"] = "Send a JSON array of reports",
            ["\"reports\""] = "Send a JSON array of reports",
            ["[{}] trailing"] = "not valid JSON",
            ["{\"reports\": [{}], \"next\": }"] = "not valid JSON",
        };
        foreach (var (body, reason) in refusals)
        {
            var (status, answer) = await SendAsync(body);
            Assert.True(status == HttpStatusCode.BadRequest && answer.Contains(reason, StringComparison.Ordinal), $"{body[..Math.Min(body.Length, 40)]} -> {(int)status} {answer}");
        }

        var envelope = new JsonObject { ["sentBy"] = "nightly export", ["reports"] = new JsonArray(PlatformReport("plat-shapes", 1)), ["page"] = new JsonObject { ["next"] = null } };
        var (okStatus, okBody) = await SendAsync(envelope.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(1, JsonNode.Parse(okBody)!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_informants_raw_database_row_holds_no_readable_contact()
    {
        const string phone = "13912345678";
        const string wechat = "wx_rider_zhang";
        await using var dataSource = riskWatch.DataSource();
        var store = new RiskWatch.Data.Intake.InformantStore(dataSource, riskWatch.Box);
        var agreed = await store.RegisterAsync($"电话 {phone} 微信 {wechat}", consentToShare: true, CancellationToken.None);

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand("SELECT row_to_json(i)::text, encode(contact, 'escape') FROM informants i WHERE informant_id = @id", connection);
            command.Parameters.AddWithValue("id", agreed.InformantId);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            foreach (var raw in new[] { reader.GetString(0), reader.GetString(1) })
            {
                Assert.DoesNotContain(phone, raw, StringComparison.Ordinal);
                Assert.DoesNotContain(wechat, raw, StringComparison.Ordinal);
                Assert.DoesNotContain("电话", raw, StringComparison.Ordinal);
            }
        }

        // Shown only through a recorded reveal, for an alert of the informant: Security/ContactRevealTests.
        Assert.Matches("^inf-[0-9a-f]{10}$", agreed.InformantId);
    }

    [Fact]
    public async Task Ingest_serves_the_contract_schema_an_openapi_document_of_every_intake_endpoint_and_security_headers()
    {
        var schema = (await riskWatch.Ingest.GetFromJsonAsync<JsonObject>("/schemas/report.v1.json"))!;
        Assert.Equal(["reportId", "source", "reporter", "occurredAt", "location", "subject", "text"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));

        var openApi = (await riskWatch.Ingest.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = openApi["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/api/v1/reports", "/api/v1/form/reports", "/api/v1/platform/reports", "/api/v1/follow-ups/{trackingCode}", "/schemas/report.v1.json", "/report" })
        {
            Assert.Contains(path, paths);
        }

        using var page = await riskWatch.Ingest.GetAsync("/report");
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static string RejectedField(JsonNode result)
    {
        Assert.Equal("rejected", result["status"]!.GetValue<string>());
        var errors = result["errors"]!.AsArray();
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e!["reason"]!.GetValue<string>())));
        return errors.Single()!["field"]!.GetValue<string>();
    }
}
