namespace RiskWatch.Ml.Text;

/// <summary>
/// Parses the numbers people type in Chinese reports: numerals (三百五十, 两千三), the colloquial
/// short forms (一百二 = 120, 四百五 = 450, 一千二 = 1200) and digits mixed with 万/千/百 (3.5万).
/// </summary>
public static class ChineseNumber
{
    private static int Digit(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' or '壹' => 1,
        '二' or '两' or '贰' => 2,
        '三' or '叁' => 3,
        '四' or '肆' => 4,
        '五' or '伍' => 5,
        '六' or '陆' => 6,
        '七' or '柒' => 7,
        '八' or '捌' => 8,
        '九' or '玖' => 9,
        _ => -1,
    };

    private static long Unit(char c) => c switch
    {
        '十' or '拾' => 10,
        '百' or '佰' => 100,
        '千' or '仟' => 1000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => 0,
    };

    public static bool IsNumeralChar(char c) => Digit(c) >= 0 || Unit(c) > 0;

    /// <summary>Value of a pure Chinese numeral, or null when the string is not one.</summary>
    public static long? Parse(string s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        long total = 0;     // completed 万/亿 groups
        long section = 0;   // the part below 万
        long pending = -1;  // a digit waiting for its unit
        long lastUnit = 0;
        var sawZero = false;
        foreach (var c in s)
        {
            var d = Digit(c);
            if (d == 0)
            {
                // 一百零五: after a zero the trailing digit is plain units.
                sawZero = true;
                pending = -1;
                continue;
            }

            if (d > 0)
            {
                if (pending >= 0)
                {
                    // "三五" or "两三百" are ranges, not numerals; the caller handles the ranges it knows.
                    return null;
                }

                pending = d;
                continue;
            }

            var u = Unit(c);
            if (u == 0)
            {
                return null;
            }

            if (u >= 10_000 && section == 0 && pending < 0 && total == 0)
            {
                // 万 or 亿 on its own (上万, 近亿) means one of it.
                pending = 1;
            }

            if (u == 10_000)
            {
                total += (section + Math.Max(pending, 0)) * u;
                section = 0;
            }
            else if (u == 100_000_000)
            {
                total = (total + section + Math.Max(pending, 0)) * u;
                section = 0;
            }
            else
            {
                // 十 alone means 10 (十五 = 15).
                section += (pending >= 0 ? pending : 1) * u;
            }

            pending = -1;
            lastUnit = u;
            sawZero = false;
        }

        if (pending >= 0)
        {
            // A trailing digit right after a unit of 100 or more is one order below it:
            // 一百二 = 120, 两千三 = 2300, 一万二 = 12000; after 十 it is the units digit (三十五).
            section += lastUnit >= 100 && !sawZero ? pending * (lastUnit / 10) : pending;
        }

        return total + section;
    }

    /// <summary>Value of digits optionally followed by 万/千/百/亿 or of a Chinese numeral ("3.5万", "1,200", "一百二十").</summary>
    public static decimal? ParseMixed(string s)
    {
        s = s.Replace(",", "", StringComparison.Ordinal).Replace("，", "", StringComparison.Ordinal).Trim();
        if (s.Length == 0)
        {
            return null;
        }

        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }

        if (i == 0)
        {
            var v = Parse(s);
            return v is null ? null : v.Value;
        }

        if (!decimal.TryParse(s[..i], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        decimal multiplier = 1;
        foreach (var c in s[i..])
        {
            var u = Unit(c);
            if (u == 0)
            {
                return null;
            }

            multiplier *= u;
        }

        return number * multiplier;
    }
}
