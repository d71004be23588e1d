using System.Text.Json.Nodes;

namespace RiskWatch.Integration.Tests;

/// <summary>Contract-v1 reports for tests, each with a fresh id unless one is given.</summary>
public static class Reports
{
    public static JsonObject RedStrike(Guid? id = null, string station = "坂田配送站", string district = "龙岗区") => Report(id, station, district,
        "站点三百多名骑手今天上午在区政府门口聚集讨薪,已经堵了路,代理商拖欠两个月工资共约600万元。", workers: 320, status: "underway");

    public static JsonObject BlueComplaint(Guid? id = null, string station = "布吉配送站") => Report(id, station, "龙岗区",
        "我一个人上个月被扣了200元罚款,申诉没人理。", workers: 1, status: "none");

    public static JsonObject Report(Guid? id, string station, string district, string text, int? workers = null, string? status = null)
    {
        var report = new JsonObject
        {
            ["reportId"] = (id ?? Guid.NewGuid()).ToString(),
            ["source"] = "informant",
            ["reporter"] = "inf-0042",
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            ["location"] = new JsonObject { ["city"] = "深圳市", ["district"] = district, ["street"] = "坂田街道" },
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
}
