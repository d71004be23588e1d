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
/// Issue 14, finding 3: without a key, <c>"reporter": "inf-0001"</c> ... <c>"inf-0003"</c> made an alert "corroborated" and
/// raised it blue to yellow; <c>"source": "platform"</c> was accepted with no key, and with a platform's bearer key alone.
/// </summary>
public sealed class ReporterClaimTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    [Fact]
    public async Task Finding_03_an_anonymous_sender_cannot_claim_a_registered_informant_or_a_platform_and_anonymous_reports_corroborate_at_most_once()
    {
        await using var dataSource = riskWatch.DataSource();
        var informant = await new InformantStore(dataSource, riskWatch.Box).RegisterAsync("手机 13700000000", true, CancellationToken.None);

        // Naming a registered informant without their key.
        var claimed = TestReports.BlueComplaint(station: $"claim-{Guid.NewGuid():N}"[..16]);
        claimed["reporter"] = informant.InformantId;
        await AssertRefusedAsync(await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", claimed), "reporter");

        // A platform's report without a signed batch: anonymous, or with the platform's bearer key alone.
        var (platformKey, _) = await riskWatch.CreatePlatformAsync("plat-claims");
        var platform = TestReports.BlueComplaint(station: $"claim-plat-{Guid.NewGuid():N}"[..20]);
        platform["source"] = "platform";
        platform["reporter"] = "plat-claims";
        await AssertRefusedAsync(await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", platform), "source");
        using (var bearerOnly = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(platform) })
        {
            bearerOnly.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platformKey);
            using var answer = await riskWatch.Ingest.SendAsync(bearerOnly);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE about::json->'subject'->>'name' LIKE 'claim-%'"));

        // Four anonymous reports naming four made-up informants: together one informant, so no corroboration.
        var station = $"anon-{Guid.NewGuid():N}"[..16];
        var ids = new List<Guid>();
        foreach (var reporter in new[] { "inf-0001", "inf-0002", "inf-0003", "inf-0004" })
        {
            var report = TestReports.About(station, reporter);
            using var answer = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            ids.Add(Guid.Parse(report["reportId"]!.GetValue<string>()));
        }

        await riskWatch.WaitForReportsAsync(ids);
        var alertId = await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", ids[0]);
        var alert = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!;
        Assert.False(alert["alert"]!["corroborated"]!.GetValue<bool>());
        Assert.Equal(1, alert["alert"]!["informants"]!.GetValue<int>());
        Assert.Equal(alert["alert"]!["grade"]!.GetValue<string>(), await riskWatch.ScalarAsync<string>("SELECT grade FROM reports WHERE report_id = @p", ids[0]));
        Assert.DoesNotContain(alert["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "corroborated");

        // Two informants with their own keys, and the anonymous ones as one: three independent informants.
        var keys = new ApiKeyStore(dataSource);
        foreach (var principal in new[] { $"inf-{Guid.NewGuid():N}"[..14], $"inf-{Guid.NewGuid():N}"[..14] })
        {
            var (key, _) = await keys.CreateAsync(Roles.Informant, principal, Jurisdiction.Everywhere, null, CancellationToken.None);
            var report = TestReports.About(station, principal);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(report) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var answer = await riskWatch.Ingest.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            ids.Add(Guid.Parse(report["reportId"]!.GetValue<string>()));
        }

        await riskWatch.WaitForReportsAsync(ids);
        var corroborated = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!["alert"]!;
        Assert.True(corroborated["corroborated"]!.GetValue<bool>());
        Assert.Equal(3, corroborated["informants"]!.GetValue<int>());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage answer, string field)
    {
        using (answer)
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var problem = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.NotEmpty(problem["errors"]![field]!.AsArray());
        }
    }
}
