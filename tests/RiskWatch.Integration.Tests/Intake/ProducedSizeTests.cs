using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>
/// Issue 14, findings 4 and 13: text limits counted grapheme clusters, but the produced message is JSON in which emoji are
/// escaped as \uXXXX\uXXXX, and Scoring refuses messages over 64 KiB: a 32 KB body of flag emoji got 202, then went to the
/// dead-letter topic, and its informant saw "received" forever.
/// </summary>
public sealed class ProducedSizeTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    /// <summary>One character as a person counts it, as long as JSON escaping can make it: a letter carrying supplementary
    /// combining marks (U+1D167, 4 bytes of UTF-8, 12 as an escape), so each field at its byte limit is escaped at its worst.</summary>
    private static string Worst(int bytes) => "a" + string.Concat(Enumerable.Repeat("\U0001D167", (bytes - 1) / 4));

    public static TheoryData<string, string> WorstCases() => new()
    {
        // Every field at its limit, in the characters that escape worst: what Ingest accepts Scoring must take.
        { "text at 16,000 bytes of supplementary combining marks", "text" },
        { "text of 4,000 control characters (6 bytes each escaped)", "control" },
        { "every text field at its byte limit at once", "all" },
    };

    [Theory]
    [MemberData(nameof(WorstCases))]
    public async Task Finding_04_every_field_at_its_limit_in_the_characters_that_escape_worst_is_accepted_and_stored_never_dead_lettered(string what, string shape)
    {
        var report = TestReports.BlueComplaint(station: $"size-{shape}-{Guid.NewGuid():N}"[..20]);
        switch (shape)
        {
            case "text":
                report["text"] = Worst(16_000);
                break;
            case "control":
                report["text"] = "x" + new string('\u0001', 3999);
                break;
            default:
                report["text"] = Worst(16_000);
                report["reporter"] = Worst(512);
                report["location"] = new JsonObject { ["city"] = Worst(256), ["district"] = Worst(256), ["street"] = Worst(256) };
                report["subject"] = new JsonObject { ["kind"] = "site", ["name"] = report["subject"]!["name"]!.GetValue<string>() + Worst(700), ["platform"] = Worst(400) };
                break;
        }

        var id = Guid.Parse(report["reportId"]!.GetValue<string>());
        using var answer = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);

        // Within every limit, so accepted; and what was accepted is stored, not dead-lettered for its size.
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, $"{what}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        await riskWatch.WaitForReportsAsync([id]);
    }

    [Fact]
    public async Task Finding_04_a_text_of_4000_flag_emoji_is_refused_at_intake_with_its_reason_and_nothing_is_dead_lettered()
    {
        var report = TestReports.BlueComplaint(station: $"flags-{Guid.NewGuid():N}"[..16]);
        report["text"] = "FLAGS";
        // As a phone sends it: UTF-8, not escaped (System.Text.Json would escape each flag as 24 bytes), some 32 KB, well below
        // the 64 KiB a body may have.
        var body = report.ToJsonString().Replace("FLAGS", string.Concat(Enumerable.Repeat("🇨🇳", 4000)), StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(body), 32_000, 40_000);

        using var answer = await riskWatch.Ingest.PostAsync("/api/v1/reports", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(answer.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"answered {(int)answer.StatusCode}");
        var problem = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("bytes", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = @p", Guid.Parse(report["reportId"]!.GetValue<string>())));
    }
}
