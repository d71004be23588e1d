using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>How much money a report says is owed, withheld or fined, in CNY.</summary>
public sealed class MoneyAmountsTests
{
    [Theory]
    [InlineData("老板欠了120万", 1_200_000)]
    [InlineData("一共3.5万元", 35_000)]
    [InlineData("两千多块钱工资没给", 2_000)]
    [InlineData("欠款五百多万", 5_000_000)]
    [InlineData("每人被扣下的都有两万多", 20_000)]
    [InlineData("拖了十来万的运费", 100_000)]
    [InlineData("外包欠的钱大几十万", 700_000)]
    [InlineData("运费一共拖了两百三十多万", 2_300_000)]
    [InlineData("佢仲差成十五万", 150_000)]
    [InlineData("那个老板欠我两个w", 20_000)]
    [InlineData("owed 1.2 million yuan in wages", 1_200_000)]
    [InlineData("the agent owes us RMB 1.2m", 1_200_000)]
    [InlineData("2.3 million yuan of wages are unpaid", 2_300_000)]
    [InlineData("the boss owes about 2 mil in back pay", 2_000_000)]
    [InlineData("arrears of RMB 500,000", 500_000)]
    [InlineData("about ¥80,000 owed", 80_000)]
    [InlineData("they owe us half a million yuan", 500_000)]
    public void Amounts_are_read_in_the_forms_people_write(string text, double expected) =>
        Assert.Equal((decimal)expected, MoneyAmounts.Read(text));

    [Theory]
    [InlineData("扣我200 说是管理费", 200)]
    [InlineData("站长又罚了五百", 500)]
    [InlineData("老板欠俺两千八 干了十来天的活", 2_800)]
    [InlineData("I was fined 200 because a customer complained", 200)]
    [InlineData("the agent still owes us 80,000", 80_000)]
    public void A_bare_number_right_after_a_money_verb_is_money(string text, double expected) =>
        Assert.Equal((decimal)expected, MoneyAmounts.Read(text));

    [Theory]
    [InlineData("顺丰同城这边代理欠的高温补贴 一人三百 两百来号人都没拿到", 60_000)]
    [InlineData("我们八个人每人交了两千押金", 16_000)]
    [InlineData("成都至少八百人没拿到 一人三千左右", 2_400_000)]
    [InlineData("The agency owes each of the 40 cleaners 3,000 yuan.", 120_000)]
    public void An_amount_per_head_is_multiplied_by_the_workers(string text, double expected) =>
        Assert.Equal((decimal)expected, TextNumberExtractor.AmountCny(text));

    [Theory]
    [InlineData("跟这家商贸物流对了账,四十个司机拖欠的运费加起来九十九万九千多,差点就一百万了", 900_000, 999_999)]
    [InlineData("一个月才挣两千八 这个月被扣了三百", 100, 3_000)]
    public void Nearly_a_round_sum_stays_below_it(string text, double min, double max) =>
        Assert.InRange(MoneyAmounts.Read(text)!.Value, (decimal)min, (decimal)max);

    [Theory]
    [InlineData("上万名工人聚集")]
    [InlineData("大家一块去讨薪")]
    [InlineData("月入过万，多劳多得")]
    [InlineData("深圳跑这个平台的十几万司机")]
    [InlineData("出一台雅迪冠能，两块60V电池")]
    [InlineData("千万别去这个站")]
    public void Counts_of_people_idioms_and_measure_words_are_not_money(string text) =>
        Assert.Null(MoneyAmounts.Read(text));
}
