using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskWatch.Ml.Text;

/// <summary>
/// When a report's text says something will happen, as hours from the report's time. Days relative to
/// it (明天, 后天, 大后天, 下礼拜一, 周五, 月底, 十五号, 3月8日, tomorrow, "this Friday", "day after
/// tomorrow", "end of the month", "in two days", "on the 15th"), a part of the day (明早, 今晚, 明天一早,
/// 后天上午, "first thing tomorrow", "Friday night") and an hour (明早七点, 晚上十点半, "at 7am tomorrow").
/// A day with no hour is 09:00; a part of the day without one is its usual hour (early morning 08:00,
/// morning 09:00, noon 12:00, afternoon 14:00, evening 18:00, night 20:00); "within N hours/days" is
/// half-way through the window (within 48 hours = 24 hours ahead). Of several times the first that is
/// not already past wins; a time already past today ("tonight" written at 22:00) is half an hour ahead.
/// </summary>
public static partial class ActionTimes
{
    private const RegexOptions Opts = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>Hours from <paramref name="occurredAt"/> to the first time the text names that is not past, or null.</summary>
    public static double? HoursUntil(string text, DateTimeOffset occurredAt) => HoursUntil(PreparedText.Of(text), occurredAt);

    /// <inheritdoc cref="HoursUntil(string, DateTimeOffset)"/>
    public static double? HoursUntil(PreparedText text, DateTimeOffset occurredAt) =>
        HoursUntil(text, occurredAt, Prefilter.PossibleMatches(text?.Folded ?? throw new ArgumentNullException(nameof(text))));

    /// <param name="possible">Which of <see cref="PrefilteredPatterns"/> can match (<see cref="RegexPrefilter.PossibleMatches"/>).</param>
    internal static double? HoursUntil(PreparedText text, DateTimeOffset occurredAt, ulong possible)
    {
        var t = text.Text;
        DateTimeOffset? firstFuture = null;
        var firstFutureIndex = int.MaxValue;
        DateTimeOffset? firstAny = null;
        var firstAnyIndex = int.MaxValue;

        void Consider(DateTimeOffset? when, int index)
        {
            if (when is not { } w)
            {
                return;
            }

            if (index < firstAnyIndex)
            {
                (firstAny, firstAnyIndex) = (w, index);
            }

            // More than an hour past: a time something happened, not when it will.
            if (w >= occurredAt.AddHours(-1) && index < firstFutureIndex)
            {
                (firstFuture, firstFutureIndex) = (w, index);
            }
        }

        if (RegexPrefilter.Includes(possible, ZhWhenPattern))
        {
            for (var m = ZhWhenRegex().Match(t); m.Success; m = m.NextMatch())
            {
                Consider(ResolveZh(m, t, occurredAt), m.Index);
                if (firstFutureIndex < m.Index)
                {
                    break;
                }
            }
        }

        if (RegexPrefilter.Includes(possible, ZhDatePattern))
        {
            for (var m = ZhDateRegex().Match(t); m.Success && m.Index < firstFutureIndex; m = m.NextMatch())
            {
                Consider(ResolveZh(m, t, occurredAt), m.Index);
            }
        }

        if (RegexPrefilter.Includes(possible, EnWhenPattern))
        {
            for (var m = EnWhenRegex().Match(t); m.Success; m = m.NextMatch())
            {
                if (m.Index > firstFutureIndex)
                {
                    break;
                }

                Consider(ResolveEn(m, t, occurredAt), m.Index);
            }
        }

        var chosen = firstFuture ?? firstAny;
        return chosen is { } c ? Math.Max(0.5, (c - occurredAt).TotalHours) : null;
    }

    // Each pattern yields something only when one of its words is in the text, so it is run only
    // then (RegexPrefilter); the results are the same, the time on most texts is not.
    internal const int ZhWhenPattern = 0, EnWhenPattern = 1, ZhDatePattern = 2;

    internal static readonly IReadOnlyList<Regex> PrefilteredPatterns = [ZhWhenRegex(), EnWhenRegex(), ZhDateRegex()];

    internal static readonly RegexPrefilter Prefilter = new(PrefilteredPatterns);

    private const string ZhNum = @"\d{1,2}|[一二两三四五六七八九十廿]{1,3}";

    // Days, then (in ResolveZh) a part of the day and an hour after them.
    [GeneratedRegex(
        @"(?<day>大后天|大後天|大後日|后天|後天|後日|后日|明天|明儿个|明儿|明日|明早|明晚|明朝|明仔载|明仔|听日|聽日|今天|今儿个|今儿|今日|今早|今晚|今夜|今个|今朝|当晚|當晚|当天|即日)"
        + @"|(?<next>下周|下个周|下一周|下星期|下个星期|下一个星期|下個星期|下礼拜|下个礼拜|下一个礼拜|下禮拜|下個禮拜|下週)(?<nw>[一二三四五六日天1-7])"
        + @"|(?:这个?|這個?|本|今个)?(?<w>周一|周二|周三|周四|周五|周六|周日|周天|星期一|星期二|星期三|星期四|星期五|星期六|星期日|星期天|礼拜一|礼拜二|礼拜三|礼拜四|礼拜五|礼拜六|礼拜日|礼拜天|禮拜一|禮拜二|禮拜三|禮拜四|禮拜五|禮拜六|禮拜日|禮拜天|週一|週二|週三|週四|週五|週六|週日)"
        + @"|(?<nextweek>下周|下个周|下星期|下个星期|下個星期|下礼拜|下个礼拜|下禮拜|下個禮拜|下週)(?![一二三四五六日天1-7几])"
        + @"|(?<weekend>(?:这个?|本)?(?:周末|週末))"
        + @"|(?<nd>\d{1,2}|[一二两三四五六七八九十]{1,2})(?:天后|天以后|天之后|天後)"
        + @"|(?<pass>过两天|过三天|过几天|過兩天|過幾天|过一两天)"
        + @"|(?<within>这两天|這兩天|一两天内|两天内|兩天內|(?<wd>\d{1,2}|[一二两三四五六七八九十]{1,2})(?:天之内|天以内|天内|天內))"
        + @"|(?<hours>(?<hn>\d{1,3}|[一二两三四五六七八九十]{1,3})个?(?<hk>小时之内|小时以内|小时内|小时后|小时以后|小时之后|钟头之内|钟头内|钟头后|鐘頭內|鐘頭後))"
        + @"|(?<month>下个月|下月|下個月)(?<ms>初|底|中)?(?:(?<md>\d{1,2}|[一二三四五六七八九十廿]{1,3})[号號日])?"
        + @"|(?<eom>月底|月尾|月末)"
        + @"|(?<clock>(?:早上|上午|中午|下午|傍晚|晚上|夜里|凌晨)(?:" + ZhNum + @")(?:点|點|:))",
        Opts)]
    private static partial Regex ZhWhenRegex();

    // Dates by the month and day (3月8日) or the day alone (十五号): 月 and 号 are in most Chinese texts, so
    // this small pattern is kept apart from the large one above, which its anchors then let skip most texts.
    [GeneratedRegex(
        @"(?<mo>\d{1,2}|[一二三四五六七八九十]{1,3})月(?<dd>\d{1,2}|[一二三四五六七八九十廿卅]{1,3})[日号號]"
        + @"|(?<![\d一二两三四五六七八九十百千万个多来])(?<dom>\d{1,2}|[一二三四五六七八九十廿卅]{1,3})(?:号|號)(?![人兄骑线楼房码])",
        Opts)]
    private static partial Regex ZhDateRegex();

    // The part of the day and hour right after a day: 明天早上七点, 后天上午, 今晚八点半, 周五晚上.
    [GeneratedRegex(
        @"\G\s*(?:的)?(?<pod>一大早|一早|大清早|清早|早上|早晨|早起|朝早|上午|中午|午高峰|下午|下昼|晏昼|傍晚|晚高峰|晚上|夜里|夜间|夜晚|半夜|凌晨|白天|早班|晚班|夜班|早|晚)?\s*(?:(?<h>"
        + ZhNum + @")\s*(?:点|點|:)(?<half>半|30|三十)?)?",
        Opts)]
    private static partial Regex ZhHourRegex();

    [GeneratedRegex(
        @"\b(?:(?<day>the day after tomorrow|day after tomorrow|tomorrow|tmrw|tmr|tonight|this evening|this afternoon|this morning|today|first thing tomorrow)"
        + @"|(?<next>next|the following)\s+(?<nw>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        + @"|(?<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        + @"|(?<nextweek>next week|the following week)"
        + @"|(?<weekend>this weekend|the weekend|next weekend)"
        + @"|(?:in|within)\s+(?:the\s+next\s+)?(?<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|ten|twelve|twenty-four|forty-eight|seventy-two|a couple of|a few)\s+(?<u>days?|hours?|weeks?)"
        + @"|(?<dayortwo>(?:in|within)\s+(?:the\s+next\s+)?(?:a\s+|one\s+)?day\s+or\s+two)"
        + @"|(?<fromnow>(?<fn>\d{1,3}|one|two|three|four|five|six|seven|ten|twelve|twenty-four|forty-eight|seventy-two)\s+(?<fu>hours?|days?)\s+from\s+now)"
        + @"|(?<in>in)\s+(?<n2>\d{1,2}|two|three|four|five|six|seven|a couple of|a few)\s+days'?\s+time"
        + @"|(?<eom>(?:the\s+)?end of (?:the|this) month|month[- ]end)"
        + @"|(?<month>next month|early next month|the start of next month|the beginning of next month)"
        + @"|the (?<dom>1st|2nd|3rd|4th|5th|6th|7th|8th|9th|10th|11th|12th|13th|14th|15th|16th|17th|18th|19th|20th|21st|22nd|23rd|24th|25th|26th|27th|28th|29th|30th|31st)\b"
        + @"|(?<clock>(?:at\s+)?(?<ch>\d{1,2})(?::(?<cm>\d{2}))?\s*(?<cap>am|pm|a\.m\.|p\.m\.)\s+(?<cday>tomorrow|tonight|today|on\s+(?<cw>monday|tuesday|wednesday|thursday|friday|saturday|sunday))))\b",
        Opts)]
    private static partial Regex EnWhenRegex();

    [GeneratedRegex(
        @"\G[\s,]*(?<pod>morning|afternoon|evening|night|noon|at dawn|at noon|at midnight|first thing)?[\s,]*(?:(?:at|from|by|around|about)\s+(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ampm>am|pm|a\.m\.|p\.m\.|o'clock)?\b|(?<h2>\d{1,2})(?::(?<m2>\d{2}))?\s*(?<ampm2>am|pm|a\.m\.|p\.m\.)(?![a-z]))?",
        Opts)]
    private static partial Regex EnHourRegex();

    // ------------------------------------------------------------------ resolution

    private static int MondayIndex(DayOfWeek d) => ((int)d + 6) % 7;

    private static DateTimeOffset At(DateTimeOffset occurredAt, int addDays, double hour)
    {
        // Hours past 23 ("今天" at 23:30 means within the hour) roll over into the next day.
        var d = occurredAt.Date.AddDays(addDays);
        return new DateTimeOffset(d.Year, d.Month, d.Day, 0, 0, 0, occurredAt.Offset).AddHours(hour);
    }

    /// <summary>Days to the next <paramref name="target"/> weekday (Monday 0); named on that very day it means next week's (nobody says 周四 for today).</summary>
    private static int DaysToWeekday(DateTimeOffset occurredAt, int target)
    {
        var ahead = (target - MondayIndex(occurredAt.DayOfWeek) + 7) % 7;
        return ahead == 0 ? 7 : ahead;
    }

    private static int DaysToNextWeeksDay(DateTimeOffset occurredAt, int target) => 7 - MondayIndex(occurredAt.DayOfWeek) + target;

    private static int ZhWeekdayIndex(char w) => w switch
    {
        '一' or '1' => 0,
        '二' or '2' => 1,
        '三' or '3' => 2,
        '四' or '4' => 3,
        '五' or '5' => 4,
        '六' or '6' => 5,
        _ => 6,
    };

    private static int SmallNumber(string s)
    {
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        return (int)(ChineseNumber.Parse(s) ?? 0);
    }

    /// <summary>The hour given after a day (明天早上七点 → 7, 晚上十点半 → 22.5, 下午 → 14), or <paramref name="fallback"/>.</summary>
    private static double ZhHourAfter(string t, int index, double fallback)
    {
        var m = ZhHourRegex().Match(t, index);
        if (!m.Success || m.Length == 0)
        {
            return fallback;
        }

        var pod = m.Groups["pod"].Value;
        var podHour = PartOfDayHour(pod, fallback);
        if (!m.Groups["h"].Success)
        {
            return podHour;
        }

        double h = SmallNumber(m.Groups["h"].Value);
        if (h is < 0 or > 24)
        {
            return podHour;
        }

        var evening = pod is "下午" or "下昼" or "晏昼" or "傍晚" or "晚高峰" or "晚上" or "夜里" or "夜间" or "夜晚" or "晚" or "晚班" or "夜班";
        if ((evening && h < 12) || (pod is "中午" && h < 6) || (pod.Length == 0 && h is >= 1 and <= 5))
        {
            // 下午两点 = 14:00; a bare 两点/三点 is afternoon: nobody strikes at 3 am.
            h += 12;
        }

        if (m.Groups["half"].Success)
        {
            h += 0.5;
        }

        return Math.Min(h, 23.99);
    }

    private static double PartOfDayHour(string pod, double fallback) => pod switch
    {
        "一大早" or "一早" or "大清早" or "清早" or "早上" or "早晨" or "早起" or "朝早" or "早" or "早班" => 8,
        "上午" or "白天" => 9,
        "中午" or "午高峰" => 12,
        "下午" or "下昼" or "晏昼" => 14,
        "傍晚" or "晚高峰" => 18,
        "晚上" or "夜里" or "夜间" or "夜晚" or "晚" or "晚班" or "夜班" => 20,
        "半夜" or "凌晨" => 2,
        _ => fallback,
    };

    private static DateTimeOffset? ResolveZh(Match m, string t, DateTimeOffset at)
    {
        var after = m.Index + m.Length;
        double Hour(double fallback) => ZhHourAfter(t, after, fallback);
        var g = m.Groups;
        if (g["day"].Success)
        {
            var day = g["day"].Value;
            var days = day[0] switch
            {
                '大' => 3,
                '后' or '後' => 2,
                '明' or '听' or '聽' => 1,
                _ => 0,
            };
            var fallback = day switch
            {
                "明早" or "今早" => 8,
                "明晚" or "今晚" or "今夜" or "当晚" or "當晚" => 20,
                "今天" or "今儿" or "今儿个" or "今日" or "今个" or "当天" or "即日" or "今朝" => at.Hour + 1,
                _ => 9,
            };
            var hour = Hour(fallback);

            // 今晚十点, 明晚八点: an hour in the evening.
            return At(at, days, fallback == 20 && hour < 12 ? hour + 12 : hour);
        }

        if (g["nw"].Success)
        {
            return At(at, DaysToNextWeeksDay(at, ZhWeekdayIndex(g["nw"].Value[^1])), Hour(9));
        }

        if (g["w"].Success)
        {
            var hour = Hour(9);
            return At(at, DaysToWeekday(at, ZhWeekdayIndex(g["w"].Value[^1])), hour);
        }

        if (g["nextweek"].Success)
        {
            // Next week with no day: a week from now.
            return At(at, 7, Hour(9));
        }

        if (g["weekend"].Success)
        {
            var hour = Hour(9);
            return At(at, DaysToWeekday(at, 5), hour);
        }

        if (g["nd"].Success)
        {
            return At(at, SmallNumber(g["nd"].Value), Hour(9));
        }

        if (g["pass"].Success)
        {
            return At(at, g["pass"].Value.Contains('三', StringComparison.Ordinal) ? 3 : 2, Hour(9));
        }

        if (g["within"].Success)
        {
            var days = g["wd"].Success ? SmallNumber(g["wd"].Value) : 2;
            return at.AddHours(days * 12);
        }

        if (g["hours"].Success)
        {
            var n = SmallNumber(g["hn"].Value);
            return g["hk"].Value.Contains('后', StringComparison.Ordinal) || g["hk"].Value.Contains('後', StringComparison.Ordinal) ? at.AddHours(n) : at.AddHours(n / 2.0);
        }

        if (g["month"].Success)
        {
            var first = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, at.Offset).AddMonths(1);
            var dayOfMonth = g["md"].Success ? SmallNumber(g["md"].Value) : g["ms"].Value switch
            {
                "底" => DateTime.DaysInMonth(first.Year, first.Month),
                "中" => 15,
                _ => 1,
            };
            dayOfMonth = Math.Clamp(dayOfMonth, 1, DateTime.DaysInMonth(first.Year, first.Month));
            return first.AddDays(dayOfMonth - 1).AddHours(Hour(9));
        }

        if (g["eom"].Success)
        {
            return At(at, DateTime.DaysInMonth(at.Year, at.Month) - at.Day, Hour(9));
        }

        if (g["mo"].Success)
        {
            var mo = SmallNumber(g["mo"].Value);
            var dd = SmallNumber(g["dd"].Value);
            if (mo is < 1 or > 12 || dd < 1 || dd > DateTime.DaysInMonth(at.Year, mo))
            {
                return null;
            }

            var target = new DateTimeOffset(at.Year, mo, dd, 0, 0, 0, at.Offset).AddHours(Hour(9));
            return target < at.AddDays(-1) ? target.AddYears(1) : target;
        }

        if (g["dom"].Success)
        {
            // 十五号: this month's, or next month's when it is past.
            var dd = SmallNumber(g["dom"].Value);
            if (dd is < 1 or > 31)
            {
                return null;
            }

            var hour = Hour(9);
            var month = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, at.Offset);
            if (dd < at.Day || (dd == at.Day && month.AddDays(dd - 1).AddHours(hour) < at))
            {
                month = month.AddMonths(1);
            }

            return dd > DateTime.DaysInMonth(month.Year, month.Month) ? null : month.AddDays(dd - 1).AddHours(hour);
        }

        if (g["clock"].Success)
        {
            // 晚上十点, 下午两点 with no day: today, or tomorrow when that hour has passed.
            var hour = ZhHourAfter(t, m.Index, 9);
            var today = At(at, 0, hour);
            return today < at.AddHours(-1) ? At(at, 1, hour) : today;
        }

        return null;
    }

    private static readonly string[] EnWeekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    private static int EnWeekdayIndex(string w) => Array.FindIndex(EnWeekdays, d => d.Equals(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>The hour after an English day ("tomorrow morning", "Friday at 7", "tomorrow 8am"), or <paramref name="fallback"/>.</summary>
    private static double EnHourAfter(string t, int index, double fallback)
    {
        var m = EnHourRegex().Match(t, index);
        if (!m.Success || m.Length == 0)
        {
            return fallback;
        }

        var pod = m.Groups["pod"].Value.ToLowerInvariant();
        var podHour = pod switch
        {
            "morning" or "first thing" or "at dawn" => 8,
            "afternoon" => 14,
            "evening" => 18,
            "night" => 20,
            "noon" or "at noon" => 12,
            "at midnight" => 23.99,
            _ => fallback,
        };
        var hourGroup = m.Groups["h"].Success ? m.Groups["h"] : m.Groups["h2"];
        if (!hourGroup.Success)
        {
            return podHour;
        }

        double h = int.Parse(hourGroup.Value, CultureInfo.InvariantCulture);
        var minutes = m.Groups["m"].Success ? m.Groups["m"].Value : m.Groups["m2"].Value;
        var ampm = (m.Groups["ampm"].Success ? m.Groups["ampm"].Value : m.Groups["ampm2"].Value).ToLowerInvariant();
        if (h > 24)
        {
            return podHour;
        }

        if ((ampm.StartsWith('p') || pod is "afternoon" or "evening" or "night" || (ampm.Length == 0 && pod.Length == 0 && h is >= 1 and <= 5)) && h < 12)
        {
            h += 12;
        }
        else if (ampm.StartsWith('a') && (int)h == 12)
        {
            h = 0;
        }

        if (minutes.Length > 0)
        {
            h += int.Parse(minutes, CultureInfo.InvariantCulture) / 60.0;
        }

        return Math.Min(h, 23.99);
    }

    private static int EnSmall(string n) => n.ToLowerInvariant() switch
    {
        "a" or "an" or "one" => 1,
        "a couple of" => 2,
        "a few" => 3,
        "twenty-four" => 24,
        "forty-eight" => 48,
        "seventy-two" => 72,
        var s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
        var s => EnglishNumber.SmallWord(s) is > 0 and var w ? w : 1,
    };

    [GeneratedRegex(@"(?:at|from|by|around)\s+(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ampm>am|pm|a\.m\.|p\.m\.|o'clock)?\s*,?\s*$", Opts)]
    private static partial Regex EnHourBeforeRegex();

    /// <summary>An hour written just before the day ("at 7 tomorrow morning", "from 6am on Friday"), or -1.</summary>
    private static double EnHourBefore(string t, int index)
    {
        var m = EnHourBeforeRegex().Match(t, Math.Max(0, index - 20), Math.Min(index, 20));
        if (!m.Success)
        {
            return -1;
        }

        double h = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        if (h > 23)
        {
            return -1;
        }

        var ampm = m.Groups["ampm"].Value.ToLowerInvariant();
        if (h < 12 && (ampm.StartsWith('p') || (ampm.Length == 0 && h is >= 1 and <= 5)))
        {
            h += 12;
        }

        return m.Groups["m"].Success ? h + (int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) / 60.0) : h;
    }

    private static DateTimeOffset? ResolveEn(Match m, string t, DateTimeOffset at)
    {
        var after = m.Index + m.Length;
        var hourBefore = EnHourBefore(t, m.Index);
        double Hour(double fallback) => hourBefore >= 0 ? hourBefore : EnHourAfter(t, after, fallback);
        var g = m.Groups;
        if (g["day"].Success)
        {
            var day = g["day"].Value.ToLowerInvariant();
            return day switch
            {
                "the day after tomorrow" or "day after tomorrow" => At(at, 2, Hour(9)),
                "first thing tomorrow" => At(at, 1, Hour(8)),
                "tomorrow" or "tmrw" or "tmr" => At(at, 1, Hour(9)),
                "tonight" or "this evening" => At(at, 0, Hour(20)),
                "this afternoon" => At(at, 0, Hour(14)),
                "this morning" => At(at, 0, Hour(9)),
                _ => At(at, 0, Hour(at.Hour + 1)),
            };
        }

        if (g["nw"].Success)
        {
            return At(at, DaysToNextWeeksDay(at, EnWeekdayIndex(g["nw"].Value)), Hour(9));
        }

        if (g["w"].Success)
        {
            // "last Friday", "on Friday we struck": a past day is more than an hour behind and is passed over by the caller.
            var before = t.AsSpan(0, m.Index).TrimEnd();
            if (before.EndsWith("last", StringComparison.OrdinalIgnoreCase) || before.EndsWith("since", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var hour = Hour(9);
            return At(at, DaysToWeekday(at, EnWeekdayIndex(g["w"].Value)), hour);
        }

        if (g["nextweek"].Success)
        {
            return At(at, 7, Hour(9));
        }

        if (g["weekend"].Success)
        {
            var hour = Hour(9);
            var days = DaysToWeekday(at, 5);
            return At(at, g["weekend"].Value.StartsWith("next", StringComparison.OrdinalIgnoreCase) && days < 7 ? days + 7 : days, hour);
        }

        if (g["n"].Success)
        {
            var n = EnSmall(g["n"].Value);
            var unit = g["u"].Value.ToLowerInvariant();
            var hours = unit.StartsWith("hour", StringComparison.Ordinal) ? n : unit.StartsWith("week", StringComparison.Ordinal) ? n * 168 : n * 24;
            var within = m.Value.StartsWith("within", StringComparison.OrdinalIgnoreCase) || m.Value.Contains("next", StringComparison.OrdinalIgnoreCase);
            if (within)
            {
                // Within N hours: half-way through the window.
                return at.AddHours(hours / 2.0);
            }

            return unit.StartsWith("hour", StringComparison.Ordinal) ? at.AddHours(hours) : At(at, hours / 24, Hour(9));
        }

        if (g["fromnow"].Success)
        {
            var n = EnSmall(g["fn"].Value);
            return g["fu"].Value.StartsWith("hour", StringComparison.OrdinalIgnoreCase) ? at.AddHours(n) : at.AddDays(n);
        }

        if (g["dayortwo"].Success)
        {
            return at.AddHours(24);
        }

        if (g["n2"].Success)
        {
            return At(at, EnSmall(g["n2"].Value), Hour(9));
        }

        if (g["eom"].Success)
        {
            return At(at, DateTime.DaysInMonth(at.Year, at.Month) - at.Day, Hour(9));
        }

        if (g["month"].Success)
        {
            var first = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, at.Offset).AddMonths(1);
            return first.AddHours(Hour(9));
        }

        if (g["dom"].Success)
        {
            var dd = int.Parse(g["dom"].ValueSpan[..^2], CultureInfo.InvariantCulture); // 15th
            if (dd is < 1 or > 31)
            {
                return null;
            }

            var hour = Hour(9);
            var month = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, at.Offset);
            if (dd < at.Day || (dd == at.Day && month.AddDays(dd - 1).AddHours(hour) < at))
            {
                month = month.AddMonths(1);
            }

            return dd > DateTime.DaysInMonth(month.Year, month.Month) ? null : month.AddDays(dd - 1).AddHours(hour);
        }

        if (g["clock"].Success)
        {
            double h = int.Parse(g["ch"].Value, CultureInfo.InvariantCulture) % 12;
            if (g["cap"].Value.StartsWith('p') || g["cap"].Value.StartsWith('P'))
            {
                h += 12;
            }

            if (g["cm"].Success)
            {
                h += int.Parse(g["cm"].Value, CultureInfo.InvariantCulture) / 60.0;
            }

            var cday = g["cday"].Value.ToLowerInvariant();
            if (cday.StartsWith("on", StringComparison.Ordinal))
            {
                var target = EnWeekdayIndex(cday[2..].Trim());
                return At(at, DaysToWeekday(at, target), h);
            }

            return At(at, cday == "tomorrow" ? 1 : 0, h);
        }

        return null;
    }
}
