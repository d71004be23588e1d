using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Core.Grading;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

[Collection(HandlingCollection.Name)]
public sealed class IncidentGroupingTests(HandlingFixture riskWatch)
{
    [Fact]
    public async Task Three_reports_about_one_station_make_one_alert_and_a_further_independent_informant_raises_its_grade()
    {
        var station = $"grouping-{Guid.NewGuid():N}"[..20];
        // Two independent informants among the first three reports (each with their own key: only such reports corroborate
        // as their reporter's): below the policy's three.
        var (a, b, c) = ($"inf-a-{station}", $"inf-b-{station}", $"inf-c-{station}");
        foreach (var reporter in new[] { a, a, b })
        {
            await SubmitAsAsync(TestReports.About(station, reporter), reporter);
        }

        await riskWatch.EventuallyAsync<long>("SELECT coalesce(sum(report_count), 0) FROM alerts WHERE subject_name = @p", station, n => n == 3);
        Assert.Equal(1, await riskWatch.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE subject_name = @p", station));
        var alertId = await riskWatch.AlertIdAsync(station);
        var before = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!;
        Assert.Equal(3, before["reports"]!.AsArray().Count);
        var gradeBefore = Grades.Parse(before["alert"]!["grade"]!.GetValue<string>());
        Assert.True(gradeBefore < Grade.Red, "the test needs a grade that can still go up");

        await SubmitAsAsync(TestReports.About(station, c), c);

        await riskWatch.EventuallyAsync<long>("SELECT report_count FROM alerts WHERE alert_id = @p", alertId, n => n == 4);
        var after = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!;
        Assert.Equal((gradeBefore + 1).ToWire(), after["alert"]!["grade"]!.GetValue<string>());
        Assert.True(after["alert"]!["corroborated"]!.GetValue<bool>());
        var corroborated = after["timeline"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "corroborated")!;
        Assert.StartsWith("policy:", corroborated["actor"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, corroborated["detail"]!["informants"]!.GetValue<int>());
        Assert.Equal(1, await riskWatch.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE subject_name = @p", station));
    }

    /// <summary>Sends a report with its reporter's own informant key, as a registered informant's device does.</summary>
    private async Task SubmitAsAsync(JsonObject report, string informant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(report) };
        request.Headers.Authorization = new("Bearer", informantKeys.GetValueOrDefault(informant) ?? (informantKeys[informant] = await riskWatch.CreateKeyAsync(Roles.Informant, informant)));
        using var answer = await riskWatch.Ingest.SendAsync(request);
        answer.EnsureSuccessStatusCode();
    }

    private readonly Dictionary<string, string> informantKeys = new(StringComparer.Ordinal);

    [Fact]
    public async Task The_same_station_name_in_another_district_is_another_alert_with_its_own_tier_and_policy_version()
    {
        var station = $"twin-{Guid.NewGuid():N}"[..16];

        await riskWatch.SubmitAsync(TestReports.About(station, "inf-x", district: "龙岗区"));
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-y", district: "南山区", street: "粤海街道"));

        await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alerts WHERE subject_name = @p", station, n => n == 2);
        var alerts = (await riskWatch.Response.GetFromJsonAsync<JsonArray>("/api/v1/alerts?limit=1000"))!
            .Where(a => a!["subject"]!.GetValue<string>() == station).ToList();
        Assert.Equal(["南山区", "龙岗区"], alerts.Select(a => a!["place"]!["district"]!.GetValue<string>()).Order());
        Assert.All(alerts, a =>
        {
            Assert.Equal(1, a!["reportCount"]!.GetValue<int>());
            Assert.Equal("2026.1", a["policyVersion"]!.GetValue<string>());
            Assert.NotNull(a["deadlines"]!["acknowledgeDueAt"]);
        });
    }

    [Fact]
    public async Task A_report_after_the_grouping_window_opens_a_new_alert_and_the_old_one_is_superseded_not_lost()
    {
        var station = $"window-{Guid.NewGuid():N}"[..18];
        var first = TestReports.About(station, "inf-w");
        first["occurredAt"] = DateTimeOffset.UtcNow.AddDays(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        await riskWatch.SubmitAsync(first);
        await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alerts WHERE subject_name = @p", station, n => n == 1);

        // Five days later than the first: outside the policy's 72-hour window.
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-w"));

        await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alerts WHERE subject_name = @p", station, n => n == 2);
        Assert.Equal(1, await riskWatch.ScalarAsync<long>(
            "SELECT count(*) FROM alerts WHERE subject_name = @p AND superseded_by IS NULL", station));
        Assert.Equal(1, await riskWatch.ScalarAsync<long>(
            "SELECT count(*) FROM alerts old JOIN alerts new ON old.superseded_by = new.alert_id WHERE old.subject_name = @p AND new.subject_name = @p", station));
        Assert.Equal(2, await riskWatch.ScalarAsync<long>("SELECT coalesce(sum(report_count), 0) FROM alerts WHERE subject_name = @p", station));
    }
}
