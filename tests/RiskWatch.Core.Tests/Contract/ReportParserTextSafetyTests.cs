using System.Text;
using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Tests.Contract;

/// <summary>Strings PostgreSQL cannot store, or that are not Unicode at all, are field errors, never exceptions.</summary>
public sealed class ReportParserTextSafetyTests
{
    private const string Valid = """
        {"reportId":"0f8fad5b-d9cb-469f-a165-70867728950e","source":"informant","reporter":"inf-0042",
         "occurredAt":"2026-11-20T08:30:00+08:00","location":{"city":"深圳市"},"subject":{"kind":"site","name":"站"},
         "text":"TEXT"}
        """;

    [Theory]
    [InlineData("location.city", "深圳\\u0000市")]
    [InlineData("text", "拖欠\\u0000工资")]
    [InlineData("text", "lone \\ud800 surrogate")]
    [InlineData("subject.name", "\\udc00")]
    public void A_string_with_nul_or_a_lone_surrogate_is_a_field_error(string field, string escaped)
    {
        var json = field switch
        {
            "location.city" => Valid.Replace("\"深圳市\"", $"\"{escaped}\"", StringComparison.Ordinal),
            "subject.name" => Valid.Replace("\"站\"", $"\"{escaped}\"", StringComparison.Ordinal),
            _ => Valid.Replace("TEXT", escaped, StringComparison.Ordinal),
        };

        var result = ReportParser.Parse(Encoding.UTF8.GetBytes(json), DateTimeOffset.Parse("2026-11-21T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(result.IsValid);
        Assert.Equal(field, Assert.Single(result.Errors).Field);
    }

    [Theory]
    [InlineData("reportId")]
    [InlineData("source")]
    [InlineData("occurredAt")]
    public void A_lone_surrogate_in_an_id_enum_or_timestamp_is_a_field_error(string field)
    {
        var json = field switch
        {
            "reportId" => Valid.Replace("\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"\\ud800\"", StringComparison.Ordinal),
            "source" => Valid.Replace("\"informant\"", "\"\\ud800\"", StringComparison.Ordinal),
            _ => Valid.Replace("\"2026-11-20T08:30:00+08:00\"", "\"\\ud800\"", StringComparison.Ordinal),
        };

        var result = ReportParser.Parse(Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow);

        Assert.Equal(field, Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void An_emoji_and_a_right_to_left_mark_are_fine()
    {
        var json = Valid.Replace("TEXT", "\\ud83d\\ude00 \\u202e <script>", StringComparison.Ordinal);
        Assert.True(ReportParser.Parse(Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow).IsValid);
    }
}
