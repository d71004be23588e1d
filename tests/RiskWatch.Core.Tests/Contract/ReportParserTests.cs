using System.Text;
using System.Text.Json.Nodes;
using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Tests.Contract;

public sealed class ReportParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The example of REPORT-CONTRACT.md.</summary>
    public static JsonObject Example() => JsonNode.Parse("""
        {
          "reportId": "0f8fad5b-d9cb-469f-a165-70867728950e",
          "source": "informant",
          "reporter": "inf-0042",
          "occurredAt": "2026-11-20T08:30:00+08:00",
          "location": { "city": "深圳市", "district": "龙岗区", "street": "坂田街道" },
          "subject": { "kind": "site", "name": "某外卖平台坂田配送站", "platform": "某外卖平台" },
          "sector": "food_delivery",
          "category": "wage_arrears",
          "workersAffected": 35,
          "amountOwedCny": 120000,
          "collectiveAction": { "status": "planned", "expectedAt": "2026-11-22T09:00:00+08:00" },
          "text": "站点代理商拖欠骑手10月工资,约35人,有人在群里号召周五去区政府讨薪。",
          "language": "zh"
        }
        """)!.AsObject();

    private static ParseResult Parse(JsonNode node) => ReportParser.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()), Now);

    [Fact]
    public void The_contract_example_is_a_valid_report_with_every_field_read()
    {
        var report = Parse(Example()).Report;

        Assert.NotNull(report);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), report.ReportId);
        Assert.Equal("龙岗区", report.Location.District);
        Assert.Equal("site", report.Subject.Kind);
        Assert.Equal(35, report.WorkersAffected);
        Assert.Equal(120000m, report.AmountOwedCny);
        Assert.Equal("planned", report.CollectiveAction!.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(8)), report.CollectiveAction.ExpectedAt);
    }

    /// <summary>
    /// Issue 14, finding 6: a name given twice is refused, naming it, wherever it is and however it is spelt: the same bytes
    /// at the top or in a nested object, an escaped spelling of the same name, and a repeat among more names than the
    /// parser compares by hash. Forty distinct names are no repeat.
    /// </summary>
    [Theory]
    [InlineData(",\"text\":\"again\"", "text")]
    [InlineData(",\"\\u0074ext\":\"again\"", "text")]
    [InlineData(""","x0":1,"x1":2,"x2":3,"x3":4,"x4":5,"x5":6,"x6":7,"x7":8,"x8":9,"x9":10,"y0":1,"y1":2,"y2":3,"y3":4,"y4":5,"y5":6,"y6":7,"y7":8,"y8":9,"y9":10,"x9":11""", "x9")]
    public void A_name_given_twice_is_refused_naming_it(string addedAtTheEnd, string field)
    {
        var json = Example().ToJsonString();

        var errors = ReportParser.Parse(Encoding.UTF8.GetBytes(json[..^1] + addedAtTheEnd + "}"), Now).Errors;

        Assert.Equal([new FieldError(field, "is given more than once; give each field once")], errors);
    }

    [Fact]
    public void A_name_given_twice_in_a_nested_object_is_refused_under_its_path_and_many_distinct_names_are_not_a_repeat()
    {
        var json = Example().ToJsonString().Replace("\"city\":", "\"street\":\"x\",\"city\":", StringComparison.Ordinal);
        var many = Example();
        for (var i = 0; i < 40; i++)
        {
            many[$"extra{i}"] = i;
        }

        Assert.Equal([new FieldError("location.street", "is given more than once; give each field once")],
            ReportParser.Parse(Encoding.UTF8.GetBytes(json), Now).Errors);
        Assert.NotNull(Parse(many).Report);
    }

    [Fact]
    public void A_minimal_report_needs_only_the_required_fields_and_gets_its_language_detected()
    {
        var minimal = JsonNode.Parse("""
            {"reportId":"8b0d1a8e-3c1f-4d0e-9a53-1c2f3e4d5a6b","source":"platform","reporter":"plat-1",
             "occurredAt":"2026-11-20T08:30:00Z","location":{"city":"Beijing"},
             "subject":{"kind":"platform","name":"Some platform"},"text":"Riders say the new fine policy is unfair."}
            """)!;

        var report = Parse(minimal).Report;

        Assert.NotNull(report);
        Assert.Equal("en", report.Language);
        Assert.Null(report.WorkersAffected);
    }

    [Theory]
    [InlineData("reportId", "is required")]
    [InlineData("text", "is required")]
    [InlineData("occurredAt", "is required")]
    [InlineData("source", "is required")]
    public void A_missing_required_field_is_named(string field, string reason)
    {
        var report = Example();
        report.Remove(field);

        var errors = Parse(report).Errors;

        Assert.Contains(new FieldError(field, reason), errors);
    }

    [Fact]
    public void A_missing_nested_field_is_named_by_its_path()
    {
        var report = Example();
        report["location"]!.AsObject().Remove("city");

        Assert.Contains(new FieldError("location.city", "is required"), Parse(report).Errors);
    }

    [Theory]
    [InlineData("source", "someone")]
    [InlineData("sector", "fishing")]
    [InlineData("category", "gossip")]
    [InlineData("language", "fr")]
    public void A_wrong_enum_value_is_named_with_the_allowed_values(string field, string value)
    {
        var report = Example();
        report[field] = value;

        var error = Assert.Single(Parse(report).Errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith("must be one of:", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_over_4000_characters_is_refused_and_4000_chinese_characters_are_not()
    {
        var tooLong = Example();
        tooLong["text"] = new string('工', 4001);
        var justRight = Example();
        justRight["text"] = new string('工', 4000);

        var error = Assert.Single(Parse(tooLong).Errors);
        Assert.Equal("text", error.Field);
        Assert.Contains("at most 4000 characters", error.Reason, StringComparison.Ordinal);
        Assert.True(Parse(justRight).IsValid);
    }

    [Fact]
    public void Malformed_json_is_refused_with_a_reason_for_the_whole_body()
    {
        var result = ReportParser.Parse(Encoding.UTF8.GetBytes("{\"reportId\": "), Now);

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Field);
        Assert.StartsWith("the body is not valid JSON", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-20T08:30:00")]
    [InlineData("yesterday")]
    [InlineData("2026-11-22T12:00:01+08:00")]
    public void OccurredAt_needs_an_offset_and_may_not_be_more_than_a_day_ahead(string value)
    {
        var report = Example();
        report["occurredAt"] = value;

        Assert.Equal("occurredAt", Assert.Single(Parse(report).Errors).Field);
    }

    [Theory]
    [InlineData("workersAffected", "-1")]
    [InlineData("workersAffected", "3.5")]
    [InlineData("workersAffected", "\"35\"")]
    [InlineData("amountOwedCny", "-100")]
    public void Numbers_must_be_non_negative_and_of_the_right_type(string field, string json)
    {
        var report = Example();
        report[field] = JsonNode.Parse(json);

        Assert.Equal(field, Assert.Single(Parse(report).Errors).Field);
    }

    [Fact]
    public void Every_problem_of_a_report_is_reported_at_once()
    {
        var report = Example();
        report.Remove("text");
        report["source"] = "x";
        report["workersAffected"] = -3;

        Assert.Equal(["source", "text", "workersAffected"], Parse(report).Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Deeply_nested_json_is_refused_without_parsing_it_all()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        var error = Assert.Single(ReportParser.Parse(Encoding.UTF8.GetBytes(deep), Now).Errors);
        Assert.Equal("$", error.Field);
    }

    [Fact]
    public void A_report_survives_a_round_trip_through_its_json()
    {
        var report = Parse(Example()).Report!;

        var again = ReportParser.Parse(ReportJson.Serialize(report), Now).Report;

        Assert.Equal(report with { Location = report.Location, Subject = report.Subject }, again);
    }

    /// <summary>
    /// Issue 14, finding 13: limits counted grapheme clusters only, so a "200-character" subject could be one letter with
    /// 5,000 combining marks (10 KB). Every text field is limited in UTF-8 bytes as well, and says so.
    /// </summary>
    [Fact]
    public void Finding_13_a_name_of_few_characters_but_thousands_of_combining_marks_is_refused_by_its_byte_limit()
    {
        var report = Example();
        report["subject"]!["name"] = "e" + new string('\u0301', 5000);
        report["text"] = string.Concat(Enumerable.Repeat("🇨🇳", 2500));

        var errors = Parse(report).Errors;

        Assert.Equal(["subject.name", "text"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Contains("bytes of UTF-8", e.Reason, StringComparison.Ordinal));
        // Within both limits: 200 CJK characters are 600 bytes, far below the name's 800.
        report["subject"]!["name"] = new string('站', 200);
        report["text"] = string.Concat(Enumerable.Repeat("讨薪", 2000));
        Assert.True(Parse(report).IsValid);
    }

    /// <summary>
    /// Issue 14, finding 7: 0001-01-01 and 7.9e28 CNY were accepted. occurredAt may lie at most 10 years back, an action at
    /// most a year ahead, and counts and amounts have upper bounds, each refused with its field and the bound.
    /// </summary>
    [Theory]
    [InlineData("occurredAt", "\"0001-01-01T00:00:00+00:00\"", "10 years")]
    [InlineData("amountOwedCny", "7.9e28", "10,000,000,000")]
    [InlineData("workersAffected", "2147483647", "10,000,000")]
    [InlineData("collectiveAction.expectedAt", "\"9999-12-31T00:00:00+08:00\"", "within a year")]
    public void Finding_07_an_occurred_at_centuries_back_and_absurd_amounts_or_counts_are_refused_naming_the_bound(string field, string json, string bound)
    {
        var report = Example();
        var path = field.Split('.');
        var parent = path.Length == 1 ? report : report[path[0]]!.AsObject();
        parent[path[^1]] = JsonNode.Parse(json);

        var error = Assert.Single(Parse(report).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(bound, error.Reason, StringComparison.Ordinal);
    }
}
