using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Testing;

/// <summary>Contract-v1 reports as a sender writes them, for every test that sends one; each has a fresh id unless given one.</summary>
public static class TestReports
{
    public const string StrikeText = "站点三百多名骑手今天上午在区政府门口聚集讨薪,已经堵了路,代理商拖欠两个月工资共约600万元。";
    public const string ArrearsText = "配送站拖欠三十多名骑手上个月工资约十二万元,有人在群里号召周五去区政府讨薪。";
    public const string ComplaintText = "我一个人上个月被扣了200元罚款,申诉没人理。";

    /// <summary>Hundreds of riders gathered at a government office, a road blocked: red.</summary>
    public static JsonObject RedStrike(Guid? id = null, string station = "坂田配送站", string district = "龙岗区") =>
        Report(id, station, StrikeText, district: district, workers: 320, status: "underway");

    /// <summary>A customer's complaint about a cold meal: no labour-relations risk (graded none), so it opens no alert.</summary>
    public const string NoRiskText = "外卖送到都凉了，汤也洒了，要求商家退款";

    /// <summary>A report the model grades none: a consumer complaint, no workers, nothing planned.</summary>
    public static JsonObject NoRisk(string station, string street = "坂田街道", string reporter = "inf-0042")
    {
        var report = Report(null, station, NoRiskText, street: street, reporter: reporter);
        report.Remove("sector");
        return report;
    }

    /// <summary>One worker's unfair fine: blue.</summary>
    public static JsonObject BlueComplaint(Guid? id = null, string station = "布吉配送站") =>
        Report(id, station, ComplaintText, workers: 1, status: "none");

    /// <summary>A report about <paramref name="station"/> by <paramref name="reporter"/>: one worker's complaint, or a red strike.</summary>
    public static JsonObject About(string station, string reporter, string district = "龙岗区", string street = "坂田街道", bool red = false)
    {
        var report = red
            ? Report(null, station, StrikeText, district: district, street: street, reporter: reporter, workers: 320, status: "underway")
            : Report(null, station, ComplaintText, district: district, street: street, reporter: reporter, workers: 1, status: "none");
        return report;
    }

    public static JsonObject Report(
        Guid? id, string station, string text, string district = "龙岗区", string street = "坂田街道", string reporter = "inf-0042",
        int? workers = null, string? status = null)
    {
        var report = new JsonObject
        {
            ["reportId"] = (id ?? Guid.NewGuid()).ToString(),
            ["source"] = "informant",
            ["reporter"] = reporter,
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["location"] = new JsonObject { ["city"] = "深圳市", ["district"] = district, ["street"] = street },
            ["subject"] = new JsonObject { ["kind"] = "site", ["name"] = station, ["platform"] = "某外卖平台" },
            ["sector"] = "food_delivery",
            ["text"] = text,
        };
        if (workers is not null)
        {
            report["workersAffected"] = workers;
        }

        if (status is not null)
        {
            report["collectiveAction"] = new JsonObject { ["status"] = status };
        }

        return report;
    }

    /// <summary>The report as the contract reads it; throws when a test built an invalid one.</summary>
    public static ReportV1 Parse(JsonObject report)
    {
        var parsed = ReportParser.Parse(Encoding.UTF8.GetBytes(report.ToJsonString()), DateTimeOffset.UtcNow);
        return parsed.Report ?? throw new InvalidOperationException(
            "test report is invalid: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Field}: {e.Reason}")));
    }

    /// <summary>The Kafka key Ingest gives the report: its incident.</summary>
    public static string IncidentKeyOf(JsonObject report) => IncidentKey.For(Parse(report));
}
