using System.Text.Json;
using RiskWatch.Core.Triage;

namespace RiskWatch.Core.Tests.Triage;

public sealed class TimelineTextTests
{
    private static readonly Guid Report = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static TimelineLine Describe(string kind, string actor, string detail, string language = "zh") =>
        TimelineText.Describe(kind, actor, JsonDocument.Parse(detail).RootElement, language, id => id == Report ? "RW-3K7QD-M2X9A" : null);

    [Fact]
    public void The_model_opening_an_alert_reads_as_a_sentence_with_the_tracking_code_not_the_report_id()
    {
        var line = Describe("opened", "model:m-20261120-abc", $$"""{"reportId":"{{Report}}","grade":"red","traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}""");
        Assert.Equal("模型 m-20261120-abc", line.Actor);
        Assert.Equal("模型 m-20261120-abc 定级为红色，开启预警（报告 RW-3K7QD-M2X9A）", line.Text);
        Assert.DoesNotContain(Report.ToString(), line.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("4bf92f", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Routing_names_the_team_the_tiers_and_the_deadlines_in_china_time()
    {
        var line = Describe("routed", "policy:2026.1", """
            {"grade":"red","tier":"city","team":"深圳市总工会应急先锋队","alsoTold":["district","street"],
             "acknowledgeDueAt":"2026-11-20T00:45:00+00:00","actDueAt":"2026-11-20T02:30:00+00:00","policyVersion":"2026.1"}
            """);
        Assert.Equal("处置策略 2026.1", line.Actor);
        Assert.Equal("按处置策略 2026.1：由市级牵头（深圳市总工会应急先锋队），同时告知区级、街道；11月20日 08:45 前确认；11月20日 10:30 前首次处置", line.Text);
    }

    [Fact]
    public void A_timer_escalation_says_nobody_acknowledged_in_time_and_a_persons_says_why()
    {
        Assert.Equal("未在时限内确认，计时器将预警由区级升级至市级（深圳市总工会应急先锋队）",
            Describe("escalated", "timer", """{"from":"district","to":"city","team":"深圳市总工会应急先锋队"}""").Text);
        Assert.Equal("resp-1 将预警由区级上报至市级，理由：人数超过一百",
            Describe("escalated", "resp-1", """{"from":"district","to":"city","reason":"人数超过一百"}""").Text);
        Assert.Equal("The deadline timer", Describe("escalated", "timer", "{}", "en").Actor);
    }

    [Fact]
    public void English_reads_as_english_and_an_unknown_kind_never_shows_its_detail_as_json()
    {
        Assert.Equal("resp-2 resolved it: wages paid: all 35 paid",
            Describe("resolved", "resp-2", """{"outcome":"wages_paid","note":"all 35 paid"}""", "en").Text);
        var other = Describe("something_new", "resp-2", """{"secret":{"nested":1}}""");
        Assert.Equal("resp-2：something new", other.Text);
    }

    [Theory]
    [InlineData(45, "zh", "45 秒")]
    [InlineData(200, "zh", "3 分 20 秒")]
    [InlineData(7500, "zh", "2 小时 5 分")]
    [InlineData(97200, "en", "1 d 3 h")]
    public void Durations_read_in_words(int seconds, string language, string words) =>
        Assert.Equal(words, TimelineText.Duration(TimeSpan.FromSeconds(seconds), language));
}
