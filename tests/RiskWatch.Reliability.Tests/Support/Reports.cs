using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;

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
    private const string Strike = "站点三百多名骑手今天上午在区政府门口聚集讨薪,已经堵了路,代理商拖欠两个月工资共约600万元。";
    private const string Arrears = "配送站拖欠三十多名骑手上个月工资约十二万元,有人在群里号召周五去区政府讨薪。";
    private const string Complaint = "我一个人上个月被扣了200元罚款,申诉没人理。";

    /// <summary>Report <paramref name="index"/> of a stream over <paramref name="incidents"/> stations named after <paramref name="run"/>.</summary>
    public static TestReport ForStream(string run, int index, int incidents)
    {
        var station = $"{run}-站点{index % incidents:D2}";
        // Mostly collective cases (they raise alerts), some single complaints (which may be graded lower or none).
        var report = (index / incidents % 5) switch
        {
            0 or 1 => Create(station, Strike, workers: 320, status: "underway"),
            2 or 3 => Create(station, Arrears, workers: 35, status: "planned"),
            _ => Create(station, Complaint, workers: 1, status: "none"),
        };
        return report with { Sequence = index };
    }

    public static TestReport Create(string station, string text, int workers, string status)
    {
        var id = Guid.NewGuid();
        var json = new JsonObject
        {
            ["reportId"] = id.ToString(),
            ["source"] = "informant",
            ["reporter"] = "inf-0042",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["location"] = new JsonObject { ["city"] = "深圳市", ["district"] = "龙岗区", ["street"] = "坂田街道" },
            ["subject"] = new JsonObject { ["kind"] = "site", ["name"] = station, ["platform"] = "某外卖平台" },
            ["sector"] = "food_delivery",
            ["workersAffected"] = workers,
            ["collectiveAction"] = new JsonObject { ["status"] = status },
            ["text"] = text,
        };
        var parsed = ReportParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), DateTimeOffset.UtcNow);
        var report = parsed.Report ?? throw new InvalidOperationException(
            "test report is invalid: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Field}: {e.Reason}")));
        return new TestReport(id, IncidentKey.For(report), json);
    }
}
