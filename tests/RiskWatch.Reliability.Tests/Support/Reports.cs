using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>
/// A contract-v1 report as the sender has it: its id, its incident key (the Kafka key), its JSON, and its place in the
/// sender's stream (reports of one incident are sent in this order).
/// </summary>
public sealed record TestReport(Guid ReportId, string IncidentKey, JsonObject Json, int Sequence = 0)
{
    public byte[] Utf8 => Encoding.UTF8.GetBytes(Json.ToJsonString());
}

/// <summary>
/// Reports for fault tests, spread over a few incidents (stations) so that each incident gets many reports and
/// alerts are joined, regraded and contended for across batches, partitions and instances.
/// </summary>
public static class Reports
{
    /// <summary>Report <paramref name="index"/> of a stream over <paramref name="incidents"/> stations named after <paramref name="run"/>.</summary>
    public static TestReport ForStream(string run, int index, int incidents)
    {
        var station = $"{run}-站点{index % incidents:D2}";
        // Mostly collective cases (they raise alerts), some single complaints (which may be graded lower or none).
        var report = (index / incidents % 5) switch
        {
            0 or 1 => Create(station, TestReports.StrikeText, workers: 320, status: "underway"),
            2 or 3 => Create(station, TestReports.ArrearsText, workers: 35, status: "planned"),
            _ => Create(station, TestReports.ComplaintText, workers: 1, status: "none"),
        };
        return report with { Sequence = index };
    }

    public static TestReport Create(string station, string text, int workers, string status)
    {
        var json = TestReports.Report(null, station, text, workers: workers, status: status);
        return new TestReport(Guid.Parse(json["reportId"]!.GetValue<string>()), TestReports.IncidentKeyOf(json), json);
    }
}
