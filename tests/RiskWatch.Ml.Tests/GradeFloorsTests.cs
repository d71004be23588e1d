using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Signals;

namespace RiskWatch.Ml.Tests;

public sealed class GradeFloorsTests
{
    private static Grade Floor(ReportV1 report) => GradeFloors.Highest(GradeFloors.Evaluate(report));

    [Theory]
    [InlineData("orange", "death:red", "orange")]           // the decision read the sign model and judged it: it may overrule a sign
    [InlineData("orange", "several_serious_injuries:red", "orange")]
    [InlineData("orange", "large_action_within_48h:red", "red")] // not the numbers MODEL-211 names
    [InlineData("blue", "100_workers:orange", "orange")]
    [InlineData("none", "death:red", "red")]                // and not a report a floor holds to be a risk into no alert
    [InlineData("none", "serious_injury:orange", "orange")]
    [InlineData("none", "", "none")]
    [InlineData("red", "100_workers:orange", "red")]        // floors only raise
    public void Under_a_grade_decision_sign_floors_may_be_overruled_but_number_floors_and_alerting_may_not(string decided, string floor, string expected)
    {
        var fired = floor.Length == 0 ? [] : new[] { new FiredFloor(floor.Split(':')[0], Grades.Parse(floor.Split(':')[1]), new GradeReason("原因", "reason")) };
        Assert.Equal(Grades.Parse(expected), GradeFloors.UnderDecision(Grades.Parse(decided), fired));
    }

    [Theory]
    [InlineData("death", "red")]
    [InlineData("self_harm", "red")]
    [InlineData("violence", "red")]
    [InlineData("arrest", "red")]
    [InlineData("road_block", "red")]
    [InlineData("office_gathering", "red")]
    [InlineData("serious_injury", "orange")]
    public void A_hard_sign_by_itself_makes_a_report_red_or_orange_for_one_serious_injury(string sign, string grade)
    {
        var parsed = HardSignalNames.All.Single(s => s.ToWire() == sign);
        Assert.Equal(Grades.Parse(grade), GradeFloors.GradeOf(parsed));
        Assert.Equal(Grades.Parse(grade), GradeFloors.Highest(GradeFloors.Evaluate(ReportFacts.Of(Reports.Informant("有情况")), parsed)));
    }

    [Theory]
    [InlineData("death", true)]
    [InlineData("serious_injury", true)]
    [InlineData("several_serious_injuries", true)]
    [InlineData("large_action_within_48h", false)]
    [InlineData("arrears_5m", false)]
    [InlineData("group_action", false)]
    public void Only_floors_on_what_the_sign_models_read_stand_on_a_sign(string rule, bool onSign) =>
        Assert.Equal(onSign, GradeFloors.StandsOnSign(new FiredFloor(rule, Grade.Red, new GradeReason("原因", "reason"))));

    [Theory]
    [InlineData("他说再不给钱就从楼上跳下去", "self_harm")]
    [InlineData("A courier threatened to jump off the roof over unpaid wages", "self_harm")]
    [InlineData("一名骑手送餐途中被车撞了，人没了", "death")]
    [InlineData("骑手老张昨晚送餐路上被大货车撞了，人没救过来", "death")]
    [InlineData("大家说明天一早去住建局门口坐着讨工钱", "office_gathering")]
    [InlineData("Worker dies after fall at construction site, colleagues protest", "death")]
    [InlineData("工人们把门口的马路堵了", "road_block")]
    [InlineData("Workers block highway demanding wage arrears", "road_block")]
    [InlineData("几十个农民工聚集在区政府门口讨薪", "office_gathering")]
    [InlineData("Teachers protest at government offices over unpaid wages", "office_gathering")]
    [InlineData("警察来了，带走了几个人", "arrest")]
    [InlineData("Security guards beat striking workers", "violence")]
    [InlineData("150名工人正在罢工", "large_action_within_48h")]
    [InlineData("欠薪共600万元", "arrears_5m")]
    [InlineData("近千名工人工资三个月没发", "500_workers")]
    public void Hard_signals_raise_the_grade_to_red(string text, string rule)
    {
        var fired = GradeFloors.Evaluate(Reports.Informant(text));
        var floor = Assert.Single(fired, f => f.Rule == rule);
        Assert.Equal(Grade.Red, floor.Grade);
        Assert.False(string.IsNullOrWhiteSpace(floor.Reason.Zh));
        Assert.False(string.IsNullOrWhiteSpace(floor.Reason.En));
    }

    [Fact]
    public void A_large_action_a_week_away_is_orange_not_red()
    {
        var report = Reports.Informant("150名骑手商量好下周三集体罢工");
        Assert.Equal(Grade.Orange, Floor(report));
    }

    [Fact]
    public void The_expected_time_field_decides_whether_an_action_is_imminent()
    {
        var soon = Reports.Informant("骑手们准备集体停工", workers: 150, action: new CollectiveAction { Status = "planned", ExpectedAt = Reports.Now.AddHours(20) });
        var later = soon with { CollectiveAction = new CollectiveAction { Status = "planned", ExpectedAt = Reports.Now.AddDays(6) } };
        Assert.Equal(Grade.Red, Floor(soon));
        Assert.Equal(Grade.Orange, Floor(later));
    }

    [Theory]
    [InlineData("有人说要去堵路，不确定")]
    [InlineData("电动车电池起火，差点出人命，幸好没人受伤")]
    [InlineData("急招普工500名，包吃住，月入过万")]
    [InlineData("站长又罚了我50块")]
    public void Rumours_near_misses_adverts_and_small_grievances_fire_no_red_floor(string text) =>
        Assert.True(Floor(Reports.Informant(text)) < Grade.Red);

    [Theory]
    [InlineData("平台新规下周起每单少八毛，全市八百多个骑手都受影响")]
    [InlineData("The platform cut the rain bonus this week for every rider in the city, about 800 of them")]
    public void Five_hundred_workers_hit_by_a_pay_cut_are_orange_not_red(string text)
    {
        // MODEL-211's red 500 workers are wage arrears; a pay-rule change hitting 100 or more is orange.
        var fired = GradeFloors.Evaluate(Reports.Informant(text));
        Assert.DoesNotContain(fired, f => f.Rule == "500_workers");
        Assert.Equal(Grade.Orange, GradeFloors.Highest(fired));
    }

    [Theory]
    [InlineData("承包商欠了我们工地六百多个工人两个月工资")]
    [InlineData("the toy factory told its 600 workers their salary is late again this month")]
    public void Five_hundred_workers_owed_wages_are_red(string text) =>
        Assert.Contains(GradeFloors.Evaluate(Reports.Informant(text)), f => f.Rule == "500_workers" && f.Grade == Grade.Red);

    [Fact]
    public void Learned_facts_complete_the_floors_that_need_two_things_at_once()
    {
        // The text gives a serious injury but not how many, and a crowd but not its size or time: the rule readers miss
        // the second half, the learned facts supply it, and only for a report the model reads as a labour matter.
        var injury = ReportFacts.Of(Reports.Informant("宿舍起火，骑手们烧伤严重送医"));
        var several = GradeFloors.Evaluate(injury, HardSignals.SeriousInjury, labourLikely: true, learnedFacts: FactSigns.TwoOrMoreWorkers);
        Assert.Contains(several, f => f.Rule == "several_serious_injuries" && f.Grade == Grade.Red);
        Assert.DoesNotContain(several, f => f.Rule == "serious_injury");
        var notLabour = GradeFloors.Evaluate(injury, HardSignals.SeriousInjury, labourLikely: false, learnedFacts: FactSigns.TwoOrMoreWorkers);
        Assert.Equal(Grade.Orange, GradeFloors.Highest(notLabour));

        var crowd = ReportFacts.Of(Reports.Informant("网点门口站满了人，都不走"));
        var both = FactSigns.HundredOrMoreWorkers | FactSigns.ActingWithin48Hours;
        Assert.Contains(GradeFloors.Evaluate(crowd, HardSignals.None, labourLikely: true, learnedFacts: both), f => f.Rule == "large_action_within_48h");
        Assert.DoesNotContain(
            GradeFloors.Evaluate(crowd, HardSignals.None, labourLikely: true, learnedFacts: FactSigns.HundredOrMoreWorkers), f => f.Rule == "large_action_within_48h");
    }

    [Fact]
    public void Floors_only_ever_name_alert_grades() =>
        Assert.All(GradeFloors.Evaluate(Reports.Informant("一名骑手被撞身亡，工人们堵路，警察带走了几个人")), f => Assert.True(f.Grade >= Grade.Orange));
}
