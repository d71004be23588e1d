using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>When a report says something will happen, in hours from the report's time.</summary>
public sealed class ActionTimesTests
{
    // A Wednesday, 08:30 in China.
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 18, 8, 30, 0, TimeSpan.FromHours(8));

    /// <summary>Report times over a few years, any minute of the day.</summary>
    private static readonly Gen<DateTimeOffset> ReportTimes =
        Gen.Choose(0, 3 * 365 * 24 * 60).Select(minutes => new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMinutes(minutes));

    /// <summary>A phrase naming a day by its distance from today, in either language.</summary>
    private static readonly (string Phrase, int Days)[] RelativeDays =
    [
        ("明天", 1), ("明早", 1), ("明晚", 1), ("明天一早", 1), ("明天下午三点", 1), ("明儿个早上八点", 1), ("后天", 2), ("后天上午", 2),
        ("後日朝早七點", 2), ("大后天", 3), ("3天后", 3), ("tomorrow", 1), ("first thing tomorrow", 1), ("tomorrow at 7pm", 1),
        ("the day after tomorrow", 2), ("in two days", 2), ("in three days' time", 3),
    ];

    [Property(MaxTest = 1000)]
    public Property A_relative_day_gives_a_time_on_that_day_after_the_report() =>
        Prop.ForAll(ReportTimes.ToArbitrary(), Gen.Elements(RelativeDays).ToArbitrary(), (at, day) =>
        {
            var hours = ActionTimes.HoursUntil("大家约好" + day.Phrase + "一起停工 / we will strike " + day.Phrase, at);
            var when = at.AddHours(hours ?? double.NaN);
            return (hours > 0 && hours <= (day.Days + 1) * 24 && when.Date == at.Date.AddDays(day.Days)).Label($"{day.Phrase} at {at:yyyy-MM-dd ddd HH:mm}: {hours} h, {when:yyyy-MM-dd HH:mm}");
        });

    /// <summary>
    /// 周五, 下礼拜一, this Friday, next Monday: that weekday, within a week (this) or two (next); named on that very day
    /// it is next week's, so up to a day more.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property A_weekday_gives_that_weekday_within_its_week() =>
        Prop.ForAll(
            ReportTimes.ToArbitrary(),
            (from day in Gen.Choose(0, 6) from next in Gen.Elements(false, true) from english in Gen.Elements(false, true) select (day, next, english)).ToArbitrary(),
            (at, c) =>
            {
                string[] zh = ["一", "二", "三", "四", "五", "六", "日"];
                string[] en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
                var phrase = c.english ? (c.next ? "next " : "this ") + en[c.day] : (c.next ? "下礼拜" : "周") + zh[c.day];
                var hours = ActionTimes.HoursUntil("we will strike " + phrase + " / 大家约好" + phrase + "一起停工", at);
                var when = at.AddHours(hours ?? double.NaN);
                var dayOfWeek = ((int)when.DayOfWeek + 6) % 7;
                var limit = c.next ? 15 * 24 : 8 * 24;
                return (hours > 0 && hours <= limit && dayOfWeek == c.day).Label($"{phrase} at {at:yyyy-MM-dd ddd HH:mm}: {hours} h, {when:yyyy-MM-dd ddd HH:mm}");
            });

    [Property(MaxTest = 500)]
    public Property Within_n_hours_is_half_way_through_the_window() =>
        Prop.ForAll(ReportTimes.ToArbitrary(), Gen.Choose(2, 96).ToArbitrary(), (at, n) =>
            (ActionTimes.HoursUntil($"they will stop work within {n} hours", at) == n / 2.0).Label($"within {n} hours"));

    [Theory]
    [InlineData("明早七点我们站四十几个人都不打卡", 22.5)]          // Thursday 07:00
    [InlineData("今晚大家统一下线", 11.5)]                        // Wednesday 20:00
    [InlineData("今晚十点开始停工", 13.5)]                        // Wednesday 22:00
    [InlineData("明天一早全部停派", 23.5)]                        // Thursday 08:00
    [InlineData("后天上午去区政府", 48.5)]                        // Friday 09:00
    [InlineData("下礼拜一开始集体不上班", 120.5)]                  // next Monday 09:00
    [InlineData("大家约好周五去讨薪", 48.5)]                      // Friday 09:00
    [InlineData("大后天就是月底了", 72.5)]                        // Saturday 09:00
    [InlineData("月底最后一天全区不跑", 288.5)]                    // Monday 30 November 09:00
    [InlineData("十五号早上十点开始停跑", 649.5)]                  // 15 December 10:00 (the 15th of this month has passed)
    [InlineData("约好明天集体罢工", 24.5)]
    [InlineData("明天下午2点去公司门口", 29.5)]
    [InlineData("first thing tomorrow we stop", 23.5)]
    [InlineData("they will strike this Friday", 48.5)]
    [InlineData("the day after tomorrow at 8am", 47.5)]
    [InlineData("at the end of the month we walk out", 288.5)]
    [InlineData("plan to block the road in two days", 48.5)]
    [InlineData("will stop work within 48 hours", 24)]
    [InlineData("are organising a walkout next week", 168.5)]
    [InlineData("we will strike at 7 tomorrow morning", 22.5)]
    [InlineData("on the 15th", 648.5)]
    public void Hours_count_from_the_report_time(string text, double expected) =>
        Assert.Equal(expected, ActionTimes.HoursUntil(text, Wednesday)!.Value, precision: 1);

    [Fact]
    public void Of_several_times_the_first_that_is_not_past_wins()
    {
        // 今天下午 is already past at 21:30; 明天早上五点 is when they stop.
        var evening = new DateTimeOffset(2026, 11, 18, 21, 30, 0, TimeSpan.FromHours(8));
        Assert.Equal(7.5, ActionTimes.HoursUntil("今天下午开了个会 说好了明天早上五点都不出工", evening)!.Value, precision: 1);
    }

    [Fact]
    public void Today_written_late_at_night_still_resolves()
    {
        var lateNight = new DateTimeOffset(2026, 11, 18, 23, 30, 0, TimeSpan.FromHours(8));
        Assert.InRange(ActionTimes.HoursUntil("今天就要罢工", lateNight)!.Value, 0, 1);
    }

    [Fact]
    public void A_text_without_a_time_gives_no_hours() =>
        Assert.Null(ActionTimes.HoursUntil("工资三个月没发了", Wednesday));
}
