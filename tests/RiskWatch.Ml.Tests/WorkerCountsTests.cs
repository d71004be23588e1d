using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>How many workers a report says are affected or acting, in the forms people write.</summary>
public sealed class WorkerCountsTests
{
    [Theory]
    [InlineData("现在望京站门口一百多号兄弟把车横在路口", 100)]
    [InlineData("上百号骑手拿着纸板写着还我血汗钱", 100)]
    [InlineData("深圳这边大几百个跑男都被停了", 700)]
    [InlineData("几十个兄弟已经上去坐着了", 30)]
    [InlineData("成都这边跟车的师傅少说也有两三百个", 250)]
    [InlineData("一百二三十人明天都不上线", 125)]
    [InlineData("商场这边五六十个骑手现在都不接这个商场的单了", 55)]
    [InlineData("三四十辆货车把物流园大门堵了", 35)]
    [InlineData("我们站四十来个兄弟晚上跑的多", 40)]
    [InlineData("现在登记的司机八百三十多个", 830)]
    [InlineData("深圳跑这个平台的十几万司机晚高峰少一大截收入", 100_000)]
    [InlineData("阿拉班组廿一个人三个月勿发工资", 21)]
    [InlineData("伲车间卅几个人全部做夜班", 30)]
    [InlineData("承包商欠的是五六百号人的钱", 550)]
    [InlineData("合作的月嫂六十来个", 60)]
    [InlineData("我们三个上个月离职的", 3)]
    [InlineData("停了三百多个号", 300)]
    [InlineData("三百五十个车间工人提成比例改了", 350)]
    [InlineData("七十来个跑专线的司机都在", 70)]
    [InlineData("十来个讨钱的打起来了", 10)]
    [InlineData("俺们仨在厂门口把老板的车给堵住了", 3)]
    [InlineData("门口全是人 两三百号吧 老板不敢出来", 250)]
    [InlineData("下礼拜一 三百來號 一齊請假", 300)]
    [InlineData("琴晚夜班三百幾個騎手冇上線", 300)]
    [InlineData("收费站口排咗两百几架,全部停晒", 200)]
    public void Chinese_counts_are_read_in_the_forms_people_write(string text, int expected) =>
        Assert.Equal(expected, WorkerCounts.Read(text));

    [Theory]
    [InlineData("A couple hundred riders logged off at noon", 200)]
    [InlineData("Dozens of couriers blocked the depot gate", 30)]
    [InlineData("Hundreds of workers strike over unpaid wages", 200)]
    [InlineData("about 80 drivers switched off the app", 80)]
    [InlineData("About 80 of us are sitting outside the office", 80)]
    [InlineData("200 delivery workers at the station have not been paid", 200)]
    [InlineData("Some 60 sanitation workers have been on strike since Monday", 60)]
    [InlineData("Sixty-odd cleaners walked off the job", 60)]
    [InlineData("30 trucks are blocking the logistics park", 30)]
    [InlineData("Over 300 accounts were deactivated this week", 300)]
    [InlineData("about 3 hundred worker sitting at the gate", 300)]
    [InlineData("all the Lalamove drivers in town, 4 5 hundred, stop at noon", 450)]
    [InlineData("the whole night crew, 2 hundred something people, stay home", 200)]
    [InlineData("near thousand riders joined the group", 950)]
    [InlineData("now we 80 more driver waiting in the lobby", 80)]
    [InlineData("Some 150 J&T couriers and 40 Ele.me riders", 150)]
    [InlineData("the sorters (~140, going by the roster) walked off", 140)]
    [InlineData("loaders from both shifts - 120 or so. Nobody is working", 120)]
    [InlineData("about hundred worker at the gate", 100)]
    public void English_counts_are_read_in_the_forms_people_write(string text, int expected) =>
        Assert.Equal(expected, WorkerCounts.Read(text));

    [Theory]
    [InlineData("我们站一百多个骑手,别的都还好,就老李一个人的事:上个月他工资少算了八百多", 1)]
    [InlineData("我们公司一千多个保安 就我们这个岗四个人 一直没给交社保", 4)]
    [InlineData("俺们厂三千多人 年终奖都发了 就俺一个没发", 1)]
    [InlineData("We have 300 riders at our station but only me and two others were docked", 1)]
    public void A_few_set_apart_from_a_larger_whole_are_the_ones_affected(string text, int expected) =>
        Assert.Equal(expected, WorkerCounts.Read(text));

    [Theory]
    [InlineData("加盟商下面四个网点的快递员说好了,明天早上开始全部停派,差不多一百二三十人", 120, 130)]
    [InlineData("我们这几个站八九十个人都不上线", 80, 90)]
    [InlineData("站长今天开会的时候扇了小吴一个耳光 当着二十几个人 小吴没还手", 1, 1)]
    [InlineData("住着七十多个老人,晚上就我们四个值班", 4, 4)]
    public void Counts_of_outlets_stations_audiences_and_others_are_not_workers(string text, int min, int max) =>
        Assert.InRange(WorkerCounts.Read(text)!.Value, min, max);

    [Theory]
    [InlineData("被拖欠3个月工资，一个月只休一天")]
    [InlineData("每天要干十四个小时，连续上班二十多天")]
    [InlineData("the per-order fee dropped from 7 to 5 yuan for 12 months")]
    [InlineData("外卖送到都凉了，要求退款")]
    [InlineData("一人罚200 大家都不服")]
    [InlineData("drivers earn about 200, not enough for fuel")]
    [InlineData("riders get 200 or more a day in the peak season")]
    [InlineData("下个月十五号发工资")]
    [InlineData("双十一打工人 凌晨三点还在卸车")]
    public void Months_hours_money_and_dates_are_not_workers(string text) =>
        Assert.True(WorkerCounts.Read(text) is null or 1, $"read {WorkerCounts.Read(text)}");

    [Theory]
    [InlineData("今天中午超时2分钟扣我5块 申诉直接驳回")]
    [InlineData("我们站小唐中午送单 电瓶车电池在路上炸了 腿和手大面积烧伤")]
    [InlineData("My boss fined me 500 yuan for a late order")]
    [InlineData("My husband, a delivery rider, was hit by a car and is in hospital")]
    public void A_report_about_one_worker_without_a_number_reads_as_one(string text) =>
        Assert.Equal(1, WorkerCounts.Read(text));

    [Theory]
    [InlineData("谁捡到一个黑色头盔 后面贴了个皮卡丘贴纸")]
    [InlineData("Workers at a Shenzhen electronics factory protest over unpaid wages")]
    [InlineData("全站都炸锅了 大家都在骂")]
    public void A_group_without_a_number_or_a_text_without_a_grievance_gives_no_count(string text) =>
        Assert.Null(WorkerCounts.Read(text));
}
