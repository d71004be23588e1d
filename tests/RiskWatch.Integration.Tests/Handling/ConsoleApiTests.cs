using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>The console's newer actions and reports through the API: merge, split, messages, bulk acknowledge, assignees, figures, CSV.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleApiTests(ConsoleFixture riskWatch)
{
    private static string Station(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task Two_alerts_of_one_incident_merge_into_one_with_every_report_and_a_wrongly_joined_report_splits_out_into_its_own_alert()
    {
        var a = Station("merge-a");
        var b = Station("merge-b");
        await riskWatch.SubmitAsync(TestReports.About(a, "inf-m1"));
        await riskWatch.SubmitAsync(TestReports.About(a, "inf-m2"));
        await riskWatch.SubmitAsync(TestReports.About(b, "inf-m3", red: true));
        var first = await riskWatch.AlertIdAsync(a);
        var second = await riskWatch.AlertIdAsync(b);
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE alert_id = @p", first, 2);

        // A reason is required, and the other alert must be another one.
        var refused = await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{first}/merge", new { intoAlertId = first });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["intoAlertId"]);
        Assert.NotNull(problem["errors"]!["reason"]);

        var merged = await OkAsync(await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{first}/merge", new { intoAlertId = second, reason = "同一个站点，两个名字" }));
        Assert.Equal(second, merged["id"]!.GetValue<long>());
        Assert.Equal(3, merged["reportCount"]!.GetValue<int>());
        Assert.Equal("red", merged["grade"]!.GetValue<string>());
        Assert.Equal(3, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE alert_id = @p", second));
        Assert.Equal("closed", await riskWatch.ScalarAsync<string>("SELECT status FROM alerts WHERE alert_id = @p", first));
        Assert.Equal(second, await riskWatch.ScalarAsync<long>("SELECT superseded_by FROM alerts WHERE alert_id = @p", first));

        // The timeline of each says it in words.
        var detail = await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{second}");
        var mergedIn = detail!["timeline"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "merged_in")!;
        Assert.Equal($"test-admin 将预警 #{first} 并入本预警（2 份报告），理由：同一个站点，两个名字", mergedIn["text"]!.GetValue<string>());

        // One report was never about this incident: split it out.
        var report = detail["reports"]!.AsArray().First(r => r!["reporter"]!.GetValue<string>() == "inf-m1")!;
        var split = await OkAsync(await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{second}/split",
            new { reportId = report["reportId"]!.GetValue<Guid>(), reason = "说的是另一个站点" }));
        var third = split["id"]!.GetValue<long>();
        Assert.NotEqual(second, third);
        Assert.Equal(1, split["reportCount"]!.GetValue<int>());
        Assert.Equal("blue", split["grade"]!.GetValue<string>());
        Assert.Equal(2, await riskWatch.CountAsync("SELECT report_count FROM alerts WHERE alert_id = @p", second));
        Assert.Equal(third, await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", report["reportId"]!.GetValue<Guid>()));

        // A later report about the incident still joins the alert it was split from.
        await riskWatch.SubmitAsync(TestReports.About(b, "inf-m4"));
        await riskWatch.WaitForCountAsync("SELECT report_count FROM alerts WHERE alert_id = @p", second, 3);

        // The last report of an alert cannot be split from it.
        var only = await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{third}/split", new { reportId = report["reportId"]!.GetValue<Guid>(), reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, only.StatusCode);
    }

    [Fact]
    public async Task A_flood_of_related_alerts_is_acknowledged_at_once_and_the_answer_says_which_could_not_be()
    {
        var stations = Enumerable.Range(0, 3).Select(i => Station($"flood{i}")).ToList();
        foreach (var s in stations)
        {
            await riskWatch.SubmitAsync(TestReports.About(s, "inf-f", street: "布吉街道"));
        }

        var ids = new List<long>();
        foreach (var s in stations)
        {
            ids.Add(await riskWatch.AlertIdAsync(s));
        }

        var outside = await riskWatch.SubmitAsync(TestReports.About(Station("flood-out"), "inf-f2", street: "坂田街道"));
        var outsideId = await riskWatch.EventuallyAsync<long>("SELECT coalesce(max(r.alert_id), 0) FROM reports r JOIN intake_ledger l USING (report_id) WHERE l.tracking_code = @p", outside, id => id > 0);
        var key = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-buji-bulk", new Jurisdiction("深圳市", "龙岗区", "布吉街道"));
        using var buji = riskWatch.ResponseAs(key);
        var answer = await OkAsync(await buji.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { alertIds = ids.Append(outsideId).ToArray() }));
        Assert.Equal(3, answer["acknowledged"]!.GetValue<int>());
        Assert.Equal("not_found", answer["results"]!.AsArray().Single(r => r!["alertId"]!.GetValue<long>() == outsideId)!["outcome"]!.GetValue<string>());
        Assert.Equal(3, await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE alert_id = ANY(@p) AND status = 'acknowledged' AND acknowledged_by = 'resp-buji-bulk'", ids.ToArray()));
        Assert.Equal("new", await riskWatch.ScalarAsync<string>("SELECT status FROM alerts WHERE alert_id = @p", outsideId));

        var again = await OkAsync(await buji.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { alertIds = ids.Take(1).ToArray() }));
        Assert.Equal("conflict", again["results"]![0]!["outcome"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await buji.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { alertIds = Array.Empty<long>() })).StatusCode);
    }

    [Fact]
    public async Task Assignees_are_the_responders_of_the_alerts_place_those_of_its_leading_tier_first()
    {
        var station = Station("assign");
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-a"));
        var id = await riskWatch.AlertIdAsync(station);
        await riskWatch.CreateKeyAsync(Roles.Responder, "resp-bantian-a", new Jurisdiction("深圳", "龙岗", "坂田"));
        await riskWatch.CreateKeyAsync(Roles.Responder, "resp-longgang-a", new Jurisdiction("深圳市", "龙岗区", null));
        await riskWatch.CreateKeyAsync(Roles.Responder, "resp-buji-a", new Jurisdiction("深圳市", "龙岗区", "布吉街道"));
        var people = (await riskWatch.Response.GetFromJsonAsync<JsonArray>($"/api/v1/alerts/{id}/assignees"))!
            .Select(p => (p!["principal"]!.GetValue<string>(), p["atLeadingTier"]!.GetValue<bool>())).ToList();
        Assert.Contains(("resp-bantian-a", true), people);
        Assert.Contains(("resp-longgang-a", false), people);
        Assert.DoesNotContain(people, p => p.Item1 == "resp-buji-a");
        Assert.True(people.IndexOf(("resp-bantian-a", true)) < people.IndexOf(("resp-longgang-a", false)));
    }

    [Fact]
    public async Task The_figures_give_time_to_acknowledge_and_resolve_by_grade_tier_and_district_and_the_csv_holds_each_alert_with_its_timeline_in_words()
    {
        var station = Station("figures");
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-fig", red: true));
        var id = await riskWatch.AlertIdAsync(station);
        (await riskWatch.Response.PostAsync($"/api/v1/alerts/{id}/acknowledge", null)).EnsureSuccessStatusCode();
        (await riskWatch.Response.PostAsJsonAsync($"/api/v1/alerts/{id}/resolve", new { outcome = "wages_paid", note = "=HYPERLINK(\"x\")" })).EnsureSuccessStatusCode();

        var figures = (await riskWatch.Response.GetFromJsonAsync<JsonObject>("/api/v1/stats/handling"))!["figures"]!.AsArray();
        foreach (var (dimension, value) in new[] { ("grade", "red"), ("tier", "city"), ("district", "龙岗区") })
        {
            var row = figures.Single(f => f!["dimension"]!.GetValue<string>() == dimension && f["value"]!.GetValue<string>() == value)!;
            Assert.True(row["acknowledged"]!.GetValue<int>() >= 1);
            Assert.True(row["resolved"]!.GetValue<int>() >= 1);
            Assert.NotNull(row["acknowledgeMedian"]);
            Assert.NotNull(row["resolveP90"]);
        }

        var bad = await riskWatch.Response.GetAsync("/api/v1/stats/handling?from=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"from\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = await riskWatch.Response.GetAsync($"/api/v1/alerts/export?from={today}&to={today}");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("\uFEFF预警编号,", text, StringComparison.Ordinal);
        var lines = text.Split("\r\n").Where(l => l.StartsWith($"{id},", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("定级为红色，开启预警", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("test-admin 办结：工资已支付", StringComparison.Ordinal));
        // A note that looks like a formula is not run by a spreadsheet, and nothing is raw JSON.
        Assert.Contains(lines, l => l.Contains("\"test-admin 办结：工资已支付：=HYPERLINK(\"\"x\"\")\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("{\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_report_promoted_from_the_review_queue_joins_its_incidents_open_alert_and_raises_it()
    {
        var station = Station("promote-join");
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-pj1"));
        var alertId = await riskWatch.AlertIdAsync(station);
        var code = await riskWatch.SubmitAsync(TestReports.NoRisk(station, reporter: "inf-pj2"));
        var reportId = await riskWatch.EventuallyAsync<Guid>(
            "SELECT coalesce((SELECT q.report_id FROM report_reviews q JOIN intake_ledger l USING (report_id) WHERE l.tracking_code = @p), '00000000-0000-0000-0000-000000000000')",
            code, g => g != Guid.Empty);
        var missing = await riskWatch.Response.PostAsJsonAsync($"/api/v1/reviews/{reportId}/promote", new { grade = "none", reason = "" });
        var problem = await missing.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotNull(problem!["errors"]!["grade"]);
        Assert.NotNull(problem["errors"]!["reason"]);

        var promoted = await OkAsync(await riskWatch.Response.PostAsJsonAsync($"/api/v1/reviews/{reportId}/promote", new { grade = "orange", reason = "其实是站点欠薪" }));
        Assert.Equal(alertId, promoted["alertId"]!.GetValue<long>());
        Assert.Equal("orange", await riskWatch.ScalarAsync<string>("SELECT grade FROM alerts WHERE alert_id = @p", alertId));
        Assert.Equal(2, await riskWatch.CountAsync("SELECT report_count FROM alerts WHERE alert_id = @p", alertId));
        Assert.Equal(HttpStatusCode.Conflict, (await riskWatch.Response.PostAsJsonAsync($"/api/v1/reviews/{reportId}/dismiss", new { })).StatusCode);
    }
}
