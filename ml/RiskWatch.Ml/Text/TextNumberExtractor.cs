using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskWatch.Ml.Text;

/// <summary>The numbers a report's text carries, for when its structured fields are missing.</summary>
public sealed record ExtractedNumbers(int? Workers, decimal? AmountCny, double? HoursUntilAction);

/// <summary>
/// Reads workers affected, money owed (CNY) and the hours until a planned action out of free
/// Chinese or English text. Pure and deterministic: the same text and report time always give the
/// same numbers. Vague quantities map to fixed values that keep them in the right MODEL-211 band:
/// 上百/over a hundred = 100, 几百/hundreds = 200, several hundred = 300, 上千/近千/thousands = 1000,
/// 几十/dozens = 30, 十几 = 10, a dozen = 12, 几个/a few = 3, several = 5.
/// A day named without an hour means 09:00 of that day; "within 48 hours" means 24 hours ahead.
/// </summary>
public static partial class TextNumberExtractor
{
    private const RegexOptions Opts = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    // ------------------------------------------------------------------ public API

    public static ExtractedNumbers Extract(string text, DateTimeOffset occurredAt) => Extract(PreparedText.Of(text), occurredAt);

    /// <summary><see cref="Extract(string, DateTimeOffset)"/> of a text prepared once for all extractors.</summary>
    public static ExtractedNumbers Extract(PreparedText text, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(text);
        var possible = Prefilter.PossibleMatches(text.Folded);
        return new(WorkersPrepared(text, possible), AmountPrepared(text, possible), HoursPrepared(text, possible, occurredAt));
    }

    /// <summary>The largest count of workers the text mentions, or null when it gives none.</summary>
    public static int? Workers(string text) => WorkersPrepared(PreparedText.Of(text), ulong.MaxValue);

    /// <summary>The largest amount of money in CNY the text mentions (amounts under 10 CNY are ignored: 一块 often means "together").</summary>
    public static decimal? AmountCny(string text) => AmountPrepared(PreparedText.Of(text), ulong.MaxValue);

    /// <summary>Hours from <paramref name="occurredAt"/> to the first point in time the text names, or null.</summary>
    public static double? HoursUntilAction(string text, DateTimeOffset occurredAt) => HoursPrepared(PreparedText.Of(text), ulong.MaxValue, occurredAt);

    // Each pattern below yields something only when one of its words is in the text, so it is run
    // only then (RegexPrefilter); the results are the same, the time on most texts is not.
    private const int ZhWorkersPattern = 0, ZhVagueWorkersPattern = 1, ZhNounFirstWorkersPattern = 2, EnMoneyPattern = 3, ZhWhenPattern = 4, EnWhenPattern = 5;

    internal static readonly IReadOnlyList<Regex> PrefilteredPatterns =
        [ZhWorkersRegex(), ZhVagueWorkersRegex(), ZhNounFirstWorkersRegex(), EnMoneyRegex(), ZhWhenRegex(), EnWhenRegex()];

    internal static readonly RegexPrefilter Prefilter = new(PrefilteredPatterns);

    private static readonly IEnumerable<Match> NoMatches = [];

    private static IEnumerable<Match> MatchesIfPossible(ulong possible, int pattern, Regex regex, string text) =>
        RegexPrefilter.Includes(possible, pattern) ? regex.Matches(text) : NoMatches;

    /// <summary>Full-width digits and punctuation to ASCII, so one set of patterns serves every keyboard.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Most texts have none of these characters: then the text itself is the result, with no copy.
        if (text.AsSpan().IndexOfAny(FullWidthForms) < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = NormalizeChar(t[i]);
            }
        });
    }

    private static readonly SearchValues<char> ZhMoneyUnits = SearchValues.Create("元块万亿");

    private static readonly SearchValues<char> FullWidthForms = SearchValues.Create("０１２３４５６７８９：．％￥\u00A0\u3000");

    private static char NormalizeChar(char c) => c switch
    {
        >= '０' and <= '９' => (char)('0' + (c - '０')),
        '：' => ':',
        '．' => '.',
        '％' => '%',
        '￥' => '¥',
        '\u00A0' or '\u3000' => ' ',
        _ => c,
    };

    // ------------------------------------------------------------------ workers

    private const string ZhWorkerNouns =
        "外卖骑手|骑手|外卖员|外卖小哥|快递小哥|小哥|送餐员|配送员|快递员|分拣员|派件员|司机|的哥|师傅|农民工|工人|员工|普工|女工|保洁员|保洁|阿姨|家政工|月嫂|育儿嫂|护工|保安|教师|老师|护士|搬运工|钢筋工|泥水工|木工|工友|职工|劳务工|环卫工|清洁工|装卸工|人";

    private const string ZhNum = @"\d+(?:,\d{3})*|[零〇一二两三四五六七八九十百千万]+";

    // 三百多个外卖骑手, 35名快递员, 二十来名, 上百人, 近千名工人: number, approximation, measure word, up to six
    // characters of description, then a worker noun. Units of time and money right after the number are not workers.
    [GeneratedRegex(@"(?<pre>上|近|约|大约|超过|将近|差不多)?(?<num>" + ZhNum + @")(?<approx>多|余|来|几)?(?<mw>个|名|位|号(?=人))?(?!多?月(?!嫂)|多?小时|多?天|年|块|元|钱|单|次|点|号|日|周|星期|公里|岁|%|倍|栋|层|家(?!政)|批|成|[个名位多余来零〇一二两三四五六七八九十百千万\d])(?<mid>[\u4e00-\u9fff]{0,6}?)(?<noun>" + ZhWorkerNouns + ")", Opts)]
    private static partial Regex ZhWorkersRegex();

    // 几十个骑手, 数百名工人, 两三百人, 十几个: vague counts with fixed values.
    [GeneratedRegex(@"(?<![零〇一二两三四五六七八九十百千万\d])(?<vague>几十|数十|十几|十多|几百|数百|两三百|二三百|三四百|几千|数千|上万|数万|几)(?<mw>个|名|位|号(?=人))?(?!多?月(?!嫂)|多?小时|多?天|年|块|元|钱|单|次|点)(?<mid>[\u4e00-\u9fff]{0,6}?)(?<noun>" + ZhWorkerNouns + ")", Opts)]
    private static partial Regex ZhVagueWorkersRegex();

    // 普工120名, 骑手约35人, 涉及人数:300: the count after the noun.
    [GeneratedRegex(@"(?:(?:" + ZhWorkerNouns + @")(?:约|大约|共|有|共有)?|人数\s*:?\s*(?:约|大约)?)(?<num>\d+(?:,\d{3})*|[零一二两三四五六七八九十百千]+)(?<approx>多|余)?(?<mw>名|人|位)?", Opts)]
    private static partial Regex ZhNounFirstWorkersRegex();

    [GeneratedRegex(@"[a-z]+|\d{1,3}(?:,\d{3})+|\d+", Opts)]
    private static partial Regex EnTokenRegex();

    private static readonly HashSet<string> EnNouns = new(
        ["worker", "workers", "rider", "riders", "courier", "couriers", "driver", "drivers", "employee", "employees", "staff",
         "staffers", "labourer", "labourers", "laborer", "laborers", "builder", "builders", "cleaner", "cleaners", "nanny", "nannies",
         "housekeeper", "housekeepers", "teacher", "teachers", "nurse", "nurses", "guard", "guards", "sorter", "sorters", "porter",
         "porters", "operator", "operators", "miner", "miners", "people", "persons", "protester", "protesters", "protestors",
         "janitor", "janitors", "cabbies", "members", "technicians", "doctors", "migrants", "deliverymen", "trucker", "truckers",
         "electricians", "welders", "painters", "carpenters", "loaders", "dockers", "sanitation", "villagers", "retirees"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> EnUnits = new(
        ["yuan", "rmb", "cny", "month", "months", "day", "days", "hour", "hours", "year", "years", "week", "weeks", "percent",
         "km", "order", "orders", "minute", "minutes", "times", "am", "pm", "floor", "floors", "storey", "million", "billion"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// English counts of workers, read token by token: a quantity ("1,200", "over a hundred",
    /// "dozens of", "two hundred") followed within four words by a worker noun. A token scan rather
    /// than one large pattern, because the compiled regex engine backtracks badly on that pattern.
    /// </summary>
    private static long? EnglishWorkers(string t)
    {
        var tokens = new List<string>();
        foreach (var m in EnTokenRegex().EnumerateMatches(t))
        {
            tokens.Add(t.Substring(m.Index, m.Length).ToLowerInvariant());
        }

        long? best = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!TryQuantity(tokens, i, out var value, out var length))
            {
                continue;
            }

            var j = i + length;
            if (j < tokens.Count && tokens[j] == "odd")
            {
                j++;
            }

            if (j >= tokens.Count || EnUnits.Contains(tokens[j]))
            {
                continue;
            }

            for (var k = j; k < Math.Min(tokens.Count, j + 5); k++)
            {
                if (EnNouns.Contains(tokens[k]))
                {
                    best = best is null ? value : Math.Max(best.Value, value);
                    break;
                }

                if (EnUnits.Contains(tokens[k]) || char.IsAsciiDigit(tokens[k][0]))
                {
                    break;
                }
            }
        }

        return best;
    }

    private static readonly (string[] Words, long Value)[] QuantityPhrases =
    [
        (["tens", "of", "thousands"], 10_000), (["several", "thousand"], 3000), (["a", "few", "thousand"], 3000),
        (["several", "hundred"], 300), (["a", "few", "hundred"], 300), (["a", "hundred"], 100), (["one", "hundred"], 100),
        (["a", "thousand"], 1000), (["one", "thousand"], 1000), (["thousands"], 1000), (["hundreds"], 200),
        (["a", "dozen"], 12), (["dozens"], 30), (["a", "few"], 3), (["several"], 5),
    ];

    private static bool TryQuantity(List<string> tk, int i, out long value, out int length)
    {
        value = 0;
        length = 0;
        string At(int k) => i + k < tk.Count ? tk[i + k] : "";
        var w = tk[i];
        if (!char.IsAsciiDigit(w[0]) && !QuantityFirstWords.Contains(w) && !w.Contains('-', StringComparison.Ordinal))
        {
            // Every quantity below starts with digits, a phrase's first word, a number word or a
            // hyphenated number ("forty-five"): most tokens are none of these.
            return false;
        }

        if (char.IsAsciiDigit(w[0]))
        {
            if (!long.TryParse(w.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out value) || value == 0)
            {
                return false;
            }

            length = 1;
            if (At(1) == "thousand")
            {
                value *= 1000;
                length = 2;
            }

            return true;
        }

        foreach (var (words, v) in QuantityPhrases)
        {
            var ok = true;
            for (var k = 0; k < words.Length && ok; k++)
            {
                ok = At(k) == words[k];
            }

            if (ok)
            {
                value = v;
                length = words.Length;
                return true;
            }
        }

        // Spelled-out numbers: "two hundred", "forty-five", "twenty five".
        var n = 0;
        var parts = new List<string>();
        while (n < 4 && (Small.ContainsKey(At(n)) || (At(n) is "hundred" or "thousand" && n > 0) || (At(n).Contains('-', StringComparison.Ordinal) && At(n).Split('-').All(Small.ContainsKey))))
        {
            parts.Add(At(n));
            n++;
        }

        if (n == 0 || (n == 1 && parts[0] == "one"))
        {
            // "one" alone is nearly always "one of", "one rider": an individual, which callers treat as no count.
            return false;
        }

        var parsed = EnglishWords(string.Join(' ', parts));
        if (parsed is null)
        {
            return false;
        }

        value = parsed.Value;
        length = n;
        return true;
    }

    /// <param name="possible">The patterns that can match (<see cref="RegexPrefilter.PossibleMatches"/>); all bits run every pattern.</param>
    private static int? WorkersPrepared(PreparedText text, ulong possible)
    {
        var t = text.Text;
        long? best = null;
        void Take(long? v)
        {
            if (v is > 0 and < 1_000_000 && (best is null || v > best))
            {
                best = v;
            }
        }

        foreach (var m in MatchesIfPossible(possible, ZhVagueWorkersPattern, ZhVagueWorkersRegex(), t))
        {
            Take(m.Groups["vague"].Value switch
            {
                "几十" or "数十" => 30,
                "十几" or "十多" => 10,
                "几百" or "数百" or "两三百" or "二三百" => 200,
                "三四百" => 300,
                "几千" or "数千" => 2000,
                "上万" or "数万" => 10_000,
                "几" => m.Groups["mw"].Success ? 3 : null,
                _ => null,
            });
        }

        foreach (var m in MatchesIfPossible(possible, ZhWorkersPattern, ZhWorkersRegex(), t))
        {
            // A bare 人 needs the number to be glued to it or a measure word (三人, 三个人), so that
            // "一帮人" or "第一人" do not count.
            if (m.Groups["noun"].Value == "人" && m.Groups["mid"].Length > 0)
            {
                continue;
            }

            var v = ChineseNumber.ParseMixed(m.Groups["num"].Value);
            if (v is null)
            {
                continue;
            }

            // "一" with no measure word is usually part of a word (一起, 一线工人), not a count.
            if (v == 1 && !m.Groups["mw"].Success)
            {
                continue;
            }

            Take((long)v.Value);
        }

        foreach (var m in MatchesIfPossible(possible, ZhNounFirstWorkersPattern, ZhNounFirstWorkersRegex(), t))
        {
            if (!m.Groups["mw"].Success && !m.Value.Contains("人数", StringComparison.Ordinal))
            {
                continue;
            }

            var v = ChineseNumber.ParseMixed(m.Groups["num"].Value);
            if (v is not null)
            {
                Take((long)v.Value);
            }
        }

        // Every worker noun is a word of ASCII letters: a text without one names no English count.
        if (text.HasAsciiLetter)
        {
            Take(EnglishWorkers(t));
        }

        return best is null ? null : (int)best.Value;
    }

    private static long? EnglishQuantity(string q)
    {
        q = q.ToLowerInvariant().Trim();
        switch (q)
        {
            case "a hundred" or "one hundred": return 100;
            case "a thousand" or "one thousand" or "thousands": return 1000;
            case "several thousand": return 3000;
            case "tens of thousands": return 10_000;
            case "several hundred" or "a few hundred": return 300;
            case "hundreds": return 200;
            case "a dozen": return 12;
            case "dozens": return 30;
            case "a few": return 3;
            case "several": return 5;
        }

        if (long.TryParse(q.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        return EnglishWords(q);
    }

    private static readonly Dictionary<string, long> Small = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
        ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16,
        ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50,
        ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    // After Small and QuantityPhrases: static fields are set in the order they are written.
    private static readonly HashSet<string> QuantityFirstWords =
        new(QuantityPhrases.Select(p => p.Words[0]).Concat(Small.Keys), StringComparer.Ordinal);

    private static long? EnglishWords(string q)
    {
        long total = 0;
        long current = 0;
        foreach (var word in q.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Small.TryGetValue(word, out var v))
            {
                current += v;
            }
            else if (word == "hundred")
            {
                current = Math.Max(current, 1) * 100;
            }
            else if (word == "thousand")
            {
                total += Math.Max(current, 1) * 1000;
                current = 0;
            }
            else
            {
                return null;
            }
        }

        var result = total + current;
        return result > 0 ? result : null;
    }

    // ------------------------------------------------------------------ money

    // 120万, 3.5万元, 2千多元, 两千多块, 五百多万, 一百二十万元, 人民币500000元.
    [GeneratedRegex(@"(?<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)(?<u1>[百千万亿]*)(?<approx>多|余)?(?<u2>万|千|亿)?(?<cur>万元|元|块钱|块)?(?<after>[个名位人]?)", Opts)]
    private static partial Regex ZhMoneyRegex();

    // RMB 500,000, ¥80,000, CNY 1.2 million, 1.2 million yuan, 45,000 RMB.
    [GeneratedRegex(@"(?:(?:rmb|cny|¥)\s?(?<num>\d[\d,]*(?:\.\d+)?)\s*(?<mult>million|billion|thousand|mn|bn|m|k|万)?\b|\b(?<num2>\d[\d,]*(?:\.\d+)?)\s*(?<mult2>million|billion|thousand|k)?\s*(?:yuan|rmb|cny|元)\b)", Opts)]
    private static partial Regex EnMoneyRegex();

    private static decimal? AmountPrepared(PreparedText text, ulong possible)
    {
        var t = text.Text;
        decimal? best = null;
        void Take(decimal? v)
        {
            if (v is >= 10 && (best is null || v > best))
            {
                best = v;
            }
        }

        // A match counts only with a currency word (元, 块) or 万/亿 in it: a text without any of these
        // four characters has none, and most Chinese texts' numbers are counts, not money.
        foreach (var m in t.AsSpan().IndexOfAny(ZhMoneyUnits) >= 0 ? ZhMoneyRegex().Matches(t) : NoMatches)
        {
            var units = m.Groups["u1"].Value + m.Groups["u2"].Value;
            var cur = m.Groups["cur"].Value;
            var hasBigUnit = units.Contains('万', StringComparison.Ordinal) || units.Contains('亿', StringComparison.Ordinal) || cur == "万元";
            if (cur.Length == 0 && (!hasBigUnit || m.Groups["after"].Length > 0))
            {
                // Without a currency word only 万/亿 make a number money, and not when a measure word follows (上万名工人).
                continue;
            }

            var num = m.Groups["num"].Value;
            var value = ChineseNumber.ParseMixed(num + m.Groups["u1"].Value + m.Groups["u2"].Value + (cur == "万元" ? "万" : ""));
            if (value is null && m.Groups["u2"].Success && m.Groups["approx"].Success)
            {
                // 五百多万: the approximation sits between the number and its unit.
                value = ChineseNumber.ParseMixed(num + m.Groups["u1"].Value) * (m.Groups["u2"].Value == "万" ? 10_000 : m.Groups["u2"].Value == "亿" ? 100_000_000 : 1000);
            }

            Take(value);
        }

        foreach (var m in MatchesIfPossible(possible, EnMoneyPattern, EnMoneyRegex(), t))
        {
            var raw = m.Groups["num"].Success ? m.Groups["num"].Value : m.Groups["num2"].Value;
            var mult = (m.Groups["mult"].Success ? m.Groups["mult"].Value : m.Groups["mult2"].Value).ToLowerInvariant();
            if (!decimal.TryParse(raw.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
            {
                continue;
            }

            v *= mult switch
            {
                "million" or "mn" or "m" => 1_000_000m,
                "billion" or "bn" => 1_000_000_000m,
                "thousand" or "k" => 1000m,
                "万" => 10_000m,
                _ => 1m,
            };
            Take(v);
        }

        return best;
    }

    // ------------------------------------------------------------------ time until a planned action

    private static readonly string[] ZhWeekdays = ["一", "二", "三", "四", "五", "六", "日"];

    [GeneratedRegex(@"大后天|后天|明天晚上|明晚|明天|明早|明日|今晚|今天晚上|今天下午|今天上午|今天|(?:48|四十八)个?小时内|这两天|两天内|一两天内|下个?(?:周|星期|礼拜)(?<nw>[一二三四五六日天])|(?:这周|本周|周|星期|礼拜)(?<w>[一二三四五六日天])|下个?(?:周|星期|礼拜)|这周末|周末|(?<nd>\d+|[一二两三四五六七八九十]+)天后|下个?月初?|月底|(?<mo>\d{1,2})月(?<dd>\d{1,2})[日号]", Opts)]
    private static partial Regex ZhWhenRegex();

    [GeneratedRegex(@"the day after tomorrow|tomorrow (?:night|evening)|tomorrow(?: morning)?|tonight|this evening|this afternoon|this morning|within (?<wh>\d+|forty-eight) hours|in the next (?<nh>\d+) hours|in the next day or two|within (?:a day or two|two days)|next (?<nw>monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:on |this )?(?<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)|next week|this weekend|in (?<nd>\d+|two|three|four|five|six|seven|ten) days|(?:early )?next month|(?:at )?the end of the month", Opts)]
    private static partial Regex EnWhenRegex();

    [GeneratedRegex(@"^\s*(?<ampm>早上|上午|中午|下午|晚上)?(?<h>\d{1,2}|[一二两三四五六七八九十]+)点", Opts)]
    private static partial Regex ZhHourRegex();

    [GeneratedRegex(@"^\s*(?:at\s+)?(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ampm>am|pm)\b", Opts)]
    private static partial Regex EnHourRegex();

    private static readonly string[] EnWeekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    private static double? HoursPrepared(PreparedText text, ulong possible, DateTimeOffset occurredAt)
    {
        var t = text.Text;
        var zh = RegexPrefilter.Includes(possible, ZhWhenPattern) ? ZhWhenRegex().Match(t) : Match.Empty;
        var en = RegexPrefilter.Includes(possible, EnWhenPattern) ? EnWhenRegex().Match(t) : Match.Empty;
        DateTimeOffset? when = null;
        if (zh.Success && (!en.Success || zh.Index <= en.Index))
        {
            when = ResolveZh(zh, t, occurredAt);
        }
        else if (en.Success)
        {
            when = ResolveEn(en, t, occurredAt);
        }

        if (when is null)
        {
            return null;
        }

        // An hour already past ("tonight" written at 22:00) still means "now", not yesterday.
        return Math.Max(0.5, (when.Value - occurredAt).TotalHours);
    }

    private static int MondayIndex(DayOfWeek d) => ((int)d + 6) % 7;

    private static DateTimeOffset At(DateTimeOffset occurredAt, int addDays, int hour)
    {
        // Hours past 23 ("今天" at 23:30 means within the hour) roll over into the next day.
        var d = occurredAt.Date.AddDays(addDays);
        return new DateTimeOffset(d.Year, d.Month, d.Day, 0, 0, 0, occurredAt.Offset).AddHours(hour);
    }

    private static int DaysToWeekday(DateTimeOffset occurredAt, int target)
    {
        var ahead = (target - MondayIndex(occurredAt.DayOfWeek) + 7) % 7;
        return ahead == 0 ? 7 : ahead;
    }

    private static int DaysToNextWeeksDay(DateTimeOffset occurredAt, int target) => 7 - MondayIndex(occurredAt.DayOfWeek) + target;

    private static int ZhHourAfter(string t, int index, int fallback)
    {
        var m = ZhHourRegex().Match(t[index..Math.Min(t.Length, index + 8)]);
        if (!m.Success)
        {
            return fallback;
        }

        var h = (int)(ChineseNumber.ParseMixed(m.Groups["h"].Value) ?? fallback);
        if (m.Groups["ampm"].Value is "下午" or "晚上" && h < 12)
        {
            h += 12;
        }

        return Math.Clamp(h, 0, 23);
    }

    private static int EnHourAfter(string t, int index, int fallback)
    {
        var m = EnHourRegex().Match(t[index..Math.Min(t.Length, index + 12)]);
        if (!m.Success)
        {
            return fallback;
        }

        var h = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) % 12;
        if (m.Groups["ampm"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase))
        {
            h += 12;
        }

        return h;
    }

    private static DateTimeOffset? ResolveZh(Match m, string t, DateTimeOffset at)
    {
        var s = m.Value;
        var after = m.Index + m.Length;
        int Hour(int fallback) => ZhHourAfter(t, after, fallback);
        if (m.Groups["nw"].Success)
        {
            return At(at, DaysToNextWeeksDay(at, ZhWeekdayIndex(m.Groups["nw"].Value)), Hour(9));
        }

        if (m.Groups["w"].Success)
        {
            return At(at, DaysToWeekday(at, ZhWeekdayIndex(m.Groups["w"].Value)), Hour(9));
        }

        if (m.Groups["nd"].Success)
        {
            var n = (int)(ChineseNumber.ParseMixed(m.Groups["nd"].Value) ?? 1);
            return At(at, n, Hour(9));
        }

        if (m.Groups["mo"].Success)
        {
            var mo = int.Parse(m.Groups["mo"].Value, CultureInfo.InvariantCulture);
            var dd = int.Parse(m.Groups["dd"].Value, CultureInfo.InvariantCulture);
            if (mo is < 1 or > 12 || dd < 1 || dd > DateTime.DaysInMonth(at.Year, mo))
            {
                return null;
            }

            var target = new DateTimeOffset(at.Year, mo, dd, Hour(9), 0, 0, at.Offset);
            return target < at.AddDays(-1) ? target.AddYears(1) : target;
        }

        return s switch
        {
            "大后天" => At(at, 3, Hour(9)),
            "后天" => At(at, 2, Hour(9)),
            "明天晚上" or "明晚" => At(at, 1, 20),
            "明天" or "明早" or "明日" => At(at, 1, Hour(9)),
            "今晚" or "今天晚上" => At(at, 0, 20),
            "今天下午" => At(at, 0, 15),
            "今天上午" => At(at, 0, 10),
            "今天" => At(at, 0, Hour(at.Hour + 1)),
            "这两天" or "两天内" or "一两天内" => at.AddHours(24),
            "这周末" or "周末" => At(at, DaysToWeekday(at, 5), 9),
            "月底" => At(at, DateTime.DaysInMonth(at.Year, at.Month) - at.Day, 9),
            _ when s.EndsWith("小时内", StringComparison.Ordinal) => at.AddHours(24),
            _ when s.StartsWith('下') && (s.EndsWith('周') || s.EndsWith("星期", StringComparison.Ordinal) || s.EndsWith("礼拜", StringComparison.Ordinal)) => At(at, 7, 9),
            _ when s.StartsWith('下') && s.Contains('月', StringComparison.Ordinal) => At(at, 30, 9),
            _ => null,
        };
    }

    private static int ZhWeekdayIndex(string w) => w == "天" ? 6 : Array.IndexOf(ZhWeekdays, w);

    private static DateTimeOffset? ResolveEn(Match m, string t, DateTimeOffset at)
    {
        var s = m.Value.ToLowerInvariant();
        var after = m.Index + m.Length;
        int Hour(int fallback) => EnHourAfter(t, after, fallback);
        if (m.Groups["nw"].Success)
        {
            return At(at, DaysToNextWeeksDay(at, Array.IndexOf(EnWeekdays, m.Groups["nw"].Value.ToLowerInvariant())), Hour(9));
        }

        if (m.Groups["w"].Success)
        {
            return At(at, DaysToWeekday(at, Array.IndexOf(EnWeekdays, m.Groups["w"].Value.ToLowerInvariant())), Hour(9));
        }

        if (m.Groups["nd"].Success)
        {
            var n = EnglishQuantity(m.Groups["nd"].Value) ?? 1;
            return At(at, (int)n, Hour(9));
        }

        if (m.Groups["wh"].Success || m.Groups["nh"].Success)
        {
            var raw = m.Groups["wh"].Success ? m.Groups["wh"].Value : m.Groups["nh"].Value;
            var n = raw.Equals("forty-eight", StringComparison.OrdinalIgnoreCase) ? 48 : int.Parse(raw, CultureInfo.InvariantCulture);

            // "within N hours" is read as half-way through the window: within 48 hours = 24 hours ahead.
            return at.AddHours(n / 2.0);
        }

        return s switch
        {
            "the day after tomorrow" => At(at, 2, Hour(9)),
            "tomorrow night" or "tomorrow evening" => At(at, 1, 20),
            "tomorrow" or "tomorrow morning" => At(at, 1, Hour(9)),
            "tonight" or "this evening" => At(at, 0, 20),
            "this afternoon" => At(at, 0, 15),
            "this morning" => At(at, 0, 10),
            "in the next day or two" or "within a day or two" or "within two days" => at.AddHours(24),
            "next week" => At(at, 7, 9),
            "this weekend" => At(at, DaysToWeekday(at, 5), 9),
            _ when s.Contains("next month", StringComparison.Ordinal) => At(at, 30, 9),
            _ when s.Contains("end of the month", StringComparison.Ordinal) => At(at, DateTime.DaysInMonth(at.Year, at.Month) - at.Day, 9),
            _ => null,
        };
    }
}
