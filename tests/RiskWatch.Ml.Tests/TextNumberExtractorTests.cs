using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

public sealed class TextNumberExtractorTests
{
    // A Wednesday, 08:30 in China.
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 18, 8, 30, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("站里三百多个骑手都没拿到工资", 300)]
    [InlineData("二十来名工人在门口", 20)]
    [InlineData("上百人聚集在厂门口", 100)]
    [InlineData("近千名工人停工", 950)]             // nearly a thousand: just under it
    [InlineData("约35名快递员被拖欠工资", 35)]
    [InlineData("四百五名外卖小哥欠薪三个月", 450)]
    [InlineData("一百二十多名流水线工人", 120)]
    [InlineData("几十个骑手关App", 30)]
    [InlineData("两三百位教师对降薪不满", 250)]     // between two and three hundred
    [InlineData("十几个司机去讨说法", 10)]
    [InlineData("普工120名急需处理", 120)]
    [InlineData("我们工地六十几个人过年前的工钱还没结", 60)]
    [InlineData("今天上午有两百来号人没上班", 200)]
    [InlineData("200月嫂工服押金不退", 200)]
    [InlineData("1,200 workers walked out", 1200)]
    [InlineData("over a hundred riders logged off", 100)]
    [InlineData("about 40 couriers have not been paid", 40)]
    [InlineData("Dozens of delivery riders protest pay cut", 30)]
    [InlineData("Hundreds of workers strike over unpaid wages", 200)]
    [InlineData("several hundred steel plant workers strike", 300)]
    [InlineData("Over 70 private bus drivers went on strike", 70)]
    [InlineData("two hundred construction workers block road", 200)]
    public void Workers_are_read_from_chinese_and_english_counts(string text, int expected) =>
        Assert.Equal(expected, TextNumberExtractor.Workers(text));

    [Theory]
    [InlineData("被拖欠3个月工资，一个月只休一天")]
    [InlineData("每天要干十四个小时，连续上班二十多天")]
    [InlineData("the per-order fee dropped from 7 to 5 yuan for 12 months")]
    [InlineData("外卖送到都凉了，要求退款")]
    public void Months_hours_and_money_are_not_mistaken_for_workers(string text) =>
        Assert.Null(TextNumberExtractor.Workers(text));

    [Theory]
    [InlineData("老板欠了120万", 1_200_000)]
    [InlineData("一共3.5万元", 35_000)]
    [InlineData("欠我2千多元", 2_000)]
    [InlineData("两千多块钱工资没给", 2_000)]
    [InlineData("欠款五百多万", 5_000_000)]
    [InlineData("涉及金额一百二十万元", 1_200_000)]
    [InlineData("owed 1.2 million yuan in wages", 1_200_000)]
    [InlineData("arrears of RMB 500,000", 500_000)]
    [InlineData("about ¥80,000 owed", 80_000)]
    [InlineData("CNY 2.6 million unpaid", 2_600_000)]
    public void Money_is_read_in_yuan(string text, double expected) =>
        Assert.Equal((decimal)expected, TextNumberExtractor.AmountCny(text));

    [Theory]
    [InlineData("上万名工人聚集")]
    [InlineData("大家一块去讨薪")]
    [InlineData("月入过万，多劳多得")]
    public void Counts_of_people_and_idioms_are_not_money(string text) =>
        Assert.Null(TextNumberExtractor.AmountCny(text));

    [Theory]
    [InlineData("约好明天集体罢工", 24.5)]         // Thursday 09:00
    [InlineData("准备后天一起停工", 48.5)]          // Friday 09:00
    [InlineData("群里号召周五去讨薪", 48.5)]        // this Friday 09:00
    [InlineData("定了下周一全体停工", 120.5)]       // Monday of next week
    [InlineData("明天下午2点去公司门口", 29.5)]
    [InlineData("they plan to strike tomorrow", 24.5)]
    [InlineData("will stop work within 48 hours", 24)]
    [InlineData("are organising a walkout next week", 168.5)]
    [InlineData("called for a strike on Friday", 48.5)]
    [InlineData("plan to block the road in three days", 72.5)]
    public void Hours_until_a_planned_action_count_from_the_report_time(string text, double expected) =>
        Assert.Equal(expected, TextNumberExtractor.HoursUntilAction(text, Wednesday)!.Value, precision: 1);

    [Fact]
    public void Today_written_late_at_night_still_resolves()
    {
        var lateNight = new DateTimeOffset(2026, 11, 18, 23, 30, 0, TimeSpan.FromHours(8));
        Assert.InRange(TextNumberExtractor.HoursUntilAction("今天就要罢工", lateNight)!.Value, 0, 1);
    }

    [Fact]
    public void A_text_without_a_time_gives_no_hours() =>
        Assert.Null(TextNumberExtractor.HoursUntilAction("工资三个月没发了", Wednesday));

    [Fact]
    public void Extract_reads_all_three_numbers_as_the_readers_do()
    {
        const string text = "站点三百多名骑手被代理商拖欠两个月工资,每人四千左右,约好明天在区政府门口聚集讨薪。";
        var numbers = TextNumberExtractor.Extract(text, Wednesday);
        Assert.Equal(new ExtractedNumbers(300, 1_200_000m, 24.5), numbers);
        Assert.Equal(WorkerCounts.Read(text), numbers.Workers);
        Assert.Equal(ActionTimes.HoursUntil(text, Wednesday), numbers.HoursUntilAction);
    }

    [Fact]
    public void Full_width_digits_and_punctuation_read_like_ascii() =>
        Assert.Equal(TextNumberExtractor.Extract("三十五名快递员被拖欠３．５万元，明天１０：００去讨薪", Wednesday), TextNumberExtractor.Extract("三十五名快递员被拖欠3.5万元,明天10:00去讨薪", Wednesday));
}
