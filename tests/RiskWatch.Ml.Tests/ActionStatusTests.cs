using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>Whether a report's text says workers act together, and whether it is talk, a plan, or going on.</summary>
public sealed class ActionStatusTests
{
    [Theory]
    [InlineData("明天早上七点 我们站四十几个人约好了都不打卡")]
    [InlineData("我们二十八个人商量好了 明天都不去了 工地的钱不结就不干")]
    [InlineData("紧急情况:明早六点开始,转运中心一百五十来号人都说不上线了。现在各个班组群都在转这个消息")]
    [InlineData("下個禮拜三 全廠二百幾人 一齊唔返工")]
    [InlineData("About 120 couriers plan to stop delivering first thing tomorrow.")]
    [InlineData("The 12 of us agreed to stop work the day after tomorrow at 8am.")]
    [InlineData("They're threatening to strike if they are not paid by the end of the month.")]
    [InlineData("tmrw 6am the whole night crew wont clock in, 90 of us, boss knows")]
    [InlineData("Around 70 van drivers say they'll go offline together from noon tomorrow.")]
    [InlineData("后天一早 三个站的人在区政府门口集合 一起去要说法")]
    public void An_arrangement_for_a_day_to_come_is_planned(string text) =>
        Assert.Equal(ActionStatus.Planned, SignalDetector.Detect(text).Action);

    [Theory]
    [InlineData("现在七十多个人在外包公司楼下 电动车把公司大门堵死了")]
    [InlineData("今日朝早 装卸嘅七十几个人 全部唔开工 坐喺仓库度")]
    [InlineData("今天已经是第二天了 网点八十多个人还是没出车")]
    [InlineData("现在我们有八十来个人在区劳动局门口坐着呢")]
    [InlineData("About 80 of us logged off at noon today and are sitting outside the Meituan office.")]
    [InlineData("Some 60 sanitation workers have been on strike since Monday.")]
    [InlineData("Hundreds of workers strike over unpaid wages")]
    [InlineData("Right now about 60 couriers have their trikes parked across the depot gate, no trucks in or out.")]
    [InlineData("the whole shift is sitting in the canteen since 6, nobody goes back to the line")]
    [InlineData("A hundred-odd riders massed outside the platform's city office this afternoon, chanting.")]
    [InlineData("现在厂门口一百多号人堵着 不让拉设备的车出去")]
    [InlineData("而家成个仓二百几人企喺度唔郁 主管嗌都冇用")]
    public void A_stoppage_or_gathering_going_on_is_under_way(string text) =>
        Assert.Equal(ActionStatus.Underway, SignalDetector.Detect(text).Action);

    [Theory]
    [InlineData("听说好几百人要一起停跑 但是问了一圈 谁也说不清楚是哪天 也没看到谁在组织")]
    [InlineData("有人在传月底转运中心三百多人要一起辞职 我问了几个班长都说没听说")]
    [InlineData("Rumour has it the whole depot might walk out next week, but nobody is organising it.")]
    public void Talk_that_nobody_has_settled_is_rumoured(string text) =>
        Assert.Equal(ActionStatus.Rumoured, SignalDetector.Detect(text).Action);

    [Theory]
    [InlineData("潜山路高架下面刚才两辆小车追尾 就是堵死了 往天鹅湖那边的兄弟绕一下")]
    [InlineData("今儿上午俺们四五十个人到区政府门口要工钱 下午警察来了 剩下的人都散了")]
    [InlineData("I'm owed 4,500 yuan in wages for March.")]
    [InlineData("说好月底发工资到现在没发 大家都很着急")]
    [InlineData("明早七点 全班在村口集合 一起去吃喜酒 别迟到")]
    [InlineData("Typhoon warning: all deliveries paused, riders are told not to go out until it is lifted.")]
    public void Traffic_an_action_that_is_over_or_a_month_name_is_no_action(string text) =>
        Assert.NotEqual(ActionStatus.Underway, SignalDetector.Detect(text).Action);

    [Fact]
    public void One_worker_acting_alone_is_no_collective_action()
    {
        var facts = ReportFacts.Of(Reports.Informant("我要去市里上访 我一个人去 就是那个老板欠我的工伤赔偿 判了也不给 明天就去"));
        Assert.Equal(1, facts.Workers);
        Assert.Equal(ActionStatus.None, facts.Action);
    }

    [Fact]
    public void A_planned_action_gets_its_hours_from_the_text_when_the_report_gives_no_time()
    {
        var facts = ReportFacts.Of(Reports.Informant("我们站四五十个人 约好明天早上九点都不上线"));
        Assert.Equal(ActionStatus.Planned, facts.Action);
        Assert.Equal(24.5, facts.HoursUntilAction!.Value, precision: 1);
        Assert.Equal(45, facts.Workers);
    }
}
