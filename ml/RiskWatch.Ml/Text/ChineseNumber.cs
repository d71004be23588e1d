using System.Buffers;
using System.Globalization;

namespace RiskWatch.Ml.Text;

/// <summary>
/// A number as someone wrote it: where it sits in the text (<see cref="Start"/> up to, not including,
/// <see cref="End"/>), the value it stands for, and whether the writer gave it loosely (一百多, 两三百,
/// 上百, about 80). <see cref="Multiplied"/> is set when a 万/亿 (or w, k) unit came after the number.
/// </summary>
public readonly record struct NumberReading(int Start, int End, decimal Value, bool Approximate, bool Multiplied);

/// <summary>
/// Reads the numbers people type in Chinese: numerals (三百五十, 两千三), the colloquial short forms
/// (一百二 = 120, 一万二 = 12,000), digits mixed with 万/千 (3.5万, 2千多, 3w), and the loose forms:
/// 一百多, 四十来个, 八百三十多, 十几万 (N多/N来/N余/N几/N出头/N左右/N外: at least N and below its next order,
/// read as N); 两三百, 五六十, 一百二三十 (ranges, read as their middle); 几十 30, 几百 200, 几千 2,000,
/// 好几十 30, 好几百 300, 大几十 70, 大几百 700 (fixed values that keep the MODEL-211 band); 上百 100,
/// 上千 1,000, 上万 10,000; 不到N 0.9 N; 廿 20, 卅 30, 卌 40; traditional forms (兩, 萬, 幾, 個) as well.
/// </summary>
public static class ChineseNumber
{
    private static int Digit(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' or '壹' or '幺' => 1,
        '二' or '两' or '兩' or '贰' or '貳' => 2,
        '三' or '叁' => 3,
        '四' or '肆' => 4,
        '五' or '伍' => 5,
        '六' or '陆' or '陸' => 6,
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
        '万' or '萬' => 10_000,
        '亿' or '億' => 100_000_000,
        _ => 0,
    };

    /// <summary>廿 20, 卅 30, 卌 40: one character for two.</summary>
    private static int Tens(char c) => c switch
    {
        '廿' => 2,
        '卅' => 3,
        '卌' => 4,
        _ => 0,
    };

    private static bool IsVague(char c) => c is '几' or '幾';

    public static bool IsNumeralChar(char c) => Digit(c) >= 0 || Unit(c) > 0 || Tens(c) > 0;

    /// <summary>Every character a number can begin with: ASCII digits, numerals, 几 (几十), 数 (数百), 俩, 仨.</summary>
    internal static readonly SearchValues<char> Starts =
        SearchValues.Create("0123456789零〇一壹幺二两兩贰貳三叁四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億廿卅卌几幾数數俩倆仨");

    /// <summary>Value of a pure Chinese numeral, or null when the string is not one.</summary>
    public static long? Parse(string s) => s is null ? null : Parse(s.AsSpan());

    /// <inheritdoc cref="Parse(string)"/>
    public static long? Parse(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
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
            if (Tens(c) is > 0 and var tens)
            {
                // 廿一 = 二十一.
                if (pending >= 0)
                {
                    return null;
                }

                section += tens * 10;
                lastUnit = 10;
                sawZero = false;
                continue;
            }

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
                    // "三五" or "两三百" are ranges, not numerals: TryRead reads those.
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
        ArgumentNullException.ThrowIfNull(s);
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

        if (!decimal.TryParse(s.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        decimal multiplier = 1;
        foreach (var c in s.AsSpan(i))
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

    /// <summary>Every number in <paramref name="text"/>, left to right, each read as <see cref="TryRead"/> reads it; the
    /// scan goes on after a number's end, so no digit is read twice. <c>foreach (var number in ChineseNumber.ReadAll(span))</c>.</summary>
    public static NumberScan ReadAll(ReadOnlySpan<char> text) => new(text);

    /// <summary>The allocation-free enumerator of <see cref="ReadAll"/>.</summary>
    public ref struct NumberScan(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> text = text;
        private int position;

        public NumberReading Current { get; private set; }

        public readonly NumberScan GetEnumerator() => this;

        public bool MoveNext()
        {
            while (this.position < this.text.Length)
            {
                var k = this.text[this.position..].IndexOfAny(Starts);
                if (k < 0)
                {
                    break;
                }

                var start = this.position + k;
                if (TryRead(this.text, start, out var number) && number.End > start)
                {
                    this.position = number.End;
                    Current = number;
                    return true;
                }

                this.position = start + 1;
            }

            this.position = this.text.Length;
            return false;
        }
    }

    /// <summary>
    /// The number written at <paramref name="start"/> of <paramref name="text"/> (which must be one of
    /// <see cref="Starts"/>), with the loose forms around it: a prefix just before it (上百, 近千, 大几百,
    /// 不到十) and a suffix after it (多, 来, 余, 几, 出头, 左右, 外, then 万/亿, w or k). False when the
    /// characters there make no number (数 not followed by a unit, a lone 几 is read as 3: 几个).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> text, int start, out NumberReading reading)
    {
        reading = default;
        if ((uint)start >= (uint)text.Length)
        {
            return false;
        }

        var first = text[start];
        var approximate = false;
        var bigInside = false;
        decimal value;
        int i;
        if (char.IsAsciiDigit(first))
        {
            if (!TryReadDigits(text, start, out value, out i))
            {
                return false;
            }

            // 20-30人, 20~30个, 20到30: a range, read as its middle.
            if (i + 1 < text.Length && text[i] is '-' or '~' or '～' or '到' or '至' && char.IsAsciiDigit(text[i + 1])
                && TryReadDigits(text, i + 1, out var high, out var afterHigh) && high > value)
            {
                value = (value + high) / 2;
                approximate = true;
                i = afterHigh;
            }

            // 3千, 2百: digits with a unit below 万 (万 and 亿 are read below, with the loose forms).
            if (i < text.Length && Unit(text[i]) is 100 or 1000)
            {
                value *= Unit(text[i]);
                i++;
            }
        }
        else if (first is '俩' or '倆' or '仨')
        {
            // 咱俩, 俺们仨: a count on its own.
            reading = new NumberReading(start, start + 1, first == '仨' ? 3 : 2, false, false);
            return true;
        }
        else
        {
            if (!TryReadChinese(text, start, out value, out i, out approximate))
            {
                return false;
            }

            bigInside = text[start..i].IndexOfAny('万', '萬', '亿') >= 0;
        }

        var multiplied = bigInside;
        approximate |= ReadLooseSuffix(text, ref i, afterUnit: EndsWithUnit(text, start, i));

        // 三十多万, 五百多万, 十几万, 两千多万, 2.5万, 3w, 5k: a multiplier after the number (and after 多).
        if (i < text.Length)
        {
            var m = text[i] switch
            {
                '万' or '萬' => 10_000m,
                '亿' or '億' => 100_000_000m,
                'w' or 'W' when char.IsAsciiDigit(text[i - 1]) && !NextIsAsciiLetter(text, i + 1) => 10_000m,
                'k' or 'K' when char.IsAsciiDigit(text[i - 1]) && !NextIsAsciiLetter(text, i + 1) => 1000m,
                _ => 0m,
            };
            if (m > 0)
            {
                value *= m;
                multiplied = true;
                i++;

                // 一万二 (12,000) after 万: read as the colloquial numeral.
                if (m == 10_000m && !char.IsAsciiDigit(first) && i < text.Length && Digit(text[i]) > 0 && (i + 1 >= text.Length || (Unit(text[i + 1]) == 0 && Digit(text[i + 1]) < 0)))
                {
                    value += Digit(text[i]) * 1000m;
                    i++;
                }

                approximate |= ReadLooseSuffix(text, ref i, afterUnit: true);
            }
        }

        var begin = start;
        value = ApplyPrefix(text, ref begin, value, ref approximate);
        reading = new NumberReading(begin, i, value, approximate, multiplied);
        return true;
    }

    private static bool NextIsAsciiLetter(ReadOnlySpan<char> text, int i) => i < text.Length && char.IsAsciiLetter(text[i]);

    private static bool EndsWithUnit(ReadOnlySpan<char> text, int start, int end) =>
        end > start && (Unit(text[end - 1]) > 0 || char.IsAsciiDigit(text[end - 1]) || Tens(text[end - 1]) > 0);

    private static bool TryReadDigits(ReadOnlySpan<char> text, int start, out decimal value, out int end)
    {
        // 1200, 1,200, 3.5: commas only between groups of three.
        Span<char> digits = stackalloc char[32];
        var n = 0;
        var i = start;
        var sawPoint = false;
        while (i < text.Length && n < digits.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
                i++;
            }
            else if (c == ',' && !sawPoint && IsDigitGroup(text, i + 1))
            {
                i++;
            }
            else if (c == '.' && !sawPoint && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                sawPoint = true;
                digits[n++] = '.';
                i++;
            }
            else
            {
                break;
            }
        }

        end = i;
        return decimal.TryParse(digits[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsDigitGroup(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2])
        && (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 3]));

    /// <summary>A run of numeral characters (with 几 and two-digit ranges), without the 万/亿 read after it.</summary>
    private static bool TryReadChinese(ReadOnlySpan<char> text, int start, out decimal value, out int end, out bool approximate)
    {
        value = 0;
        approximate = false;
        end = start;
        var before = start > 0 ? text[start - 1] : '\0';
        var i = start;
        var vagueLead = false;
        if (text[i] is '数' or '數')
        {
            // 数十, 数百, 数千, 数万: 数 counts only before a unit (人数, 数字 are no numbers).
            if (i + 1 >= text.Length || Unit(text[i + 1]) == 0)
            {
                return false;
            }

            vagueLead = true;
            i++;
        }

        if (Unit(text[i]) >= 10_000)
        {
            // 上万, 近万, 数万, 成千上万: 万 or 亿 with nothing before it is one of it, but only after one
            // of these (万一 is "in case", 千万 "by all means").
            if (!vagueLead && before is not ('上' or '近' or '成' or '过' or '破' or '逾'))
            {
                return false;
            }

            value = vagueLead ? 2 : 1;
            approximate = true;
            end = i;
            return true;
        }

        // The run: digits, units below 万, 几, 廿/卅/卌. 万 and 亿 end it unless more numerals of the same
        // number follow (一万二千, 九十九万八千); 三十多万 is read as 三十, then 多, then 万 by the caller.
        Span<char> run = stackalloc char[24];
        var n = 0;
        while (i < text.Length && n < run.Length)
        {
            var c = text[i];
            if (Digit(c) >= 0 || Tens(c) > 0 || Unit(c) is > 0 and < 10_000)
            {
                run[n++] = c;
                i++;
            }
            else if (IsVague(c))
            {
                run[n++] = '几';
                i++;
            }
            else if (Unit(c) >= 10_000 && n > 0 && ContinuesAfterBigUnit(text, i + 1))
            {
                run[n++] = c;
                i++;
            }
            else
            {
                break;
            }
        }

        end = i;
        var r = run[..n];
        if (r.IsEmpty)
        {
            return false;
        }

        if (r[0] == '几')
        {
            vagueLead = true;
            r = r[1..];
        }

        // A lone 百 or 千 is a number only in the loose forms (上百, 近千, 百来号, 千把块): 百分之, 千万别 are not.
        if (!vagueLead && r.Length == 1 && Unit(r[0]) is 100 or 1000
            && before is not ('上' or '近' or '成')
            && !(i < text.Length && text[i] is '多' or '来' or '來' or '余' or '餘' or '把'))
        {
            return false;
        }

        // 几 inside or at the end (十几 = 十, 二十几 = 二十, 一百几十 = 一百十) is dropped: at least the rest.
        Span<char> clean = stackalloc char[24];
        var m = 0;
        foreach (var c in r)
        {
            if (c == '几')
            {
                approximate = true;
            }
            else
            {
                clean[m++] = c;
            }
        }

        var core = clean[..m];
        if (vagueLead)
        {
            // 几十 30, 几百 200, 几千 2,000; 好几 3, 大几 7, 小几 2 times the unit; 几个 3, 好几个 4.
            approximate = true;
            var lead = before switch
            {
                '大' => 7,
                '小' => 2,
                '好' => 3,
                _ => core.IsEmpty || Unit(core[0]) == 10 ? 3 : 2,
            };
            if (core.IsEmpty)
            {
                value = before == '好' ? 4 : 3;
                return true;
            }

            var scale = Parse(core);
            if (Unit(core[0]) == 0 || scale is null)
            {
                return false;
            }

            value = lead * scale.Value;
            return true;
        }

        if (RangeAt(core) is var k && k >= 0)
        {
            // 两三百: read 两百 and 三百, take the middle.
            Span<char> low = stackalloc char[24];
            Span<char> high = stackalloc char[24];
            core[..(k + 1)].CopyTo(low);
            core[(k + 2)..].CopyTo(low[(k + 1)..]);
            core[..k].CopyTo(high);
            core[(k + 1)..].CopyTo(high[k..]);
            var lowValue = Parse(low[..(core.Length - 1)]);
            var highValue = Parse(high[..(core.Length - 1)]);
            if (lowValue is null || highValue is null)
            {
                return false;
            }

            value = (lowValue.Value + highValue.Value) / 2m;
            approximate = true;
            return true;
        }

        var parsed = Parse(core);
        if (parsed is null)
        {
            return false;
        }

        value = parsed.Value;
        return true;
    }

    /// <summary>After 万 or 亿: 零 or a digit with its unit (一万二千, 三万零五百) continue the same number.</summary>
    private static bool ContinuesAfterBigUnit(ReadOnlySpan<char> text, int j) =>
        j < text.Length && (Digit(text[j]) == 0
            || (Digit(text[j]) > 0 && j + 1 < text.Length && Unit(text[j + 1]) is > 0 and < 10_000)
            || Tens(text[j]) > 0);

    /// <summary>Index of the first of two adjacent digits that make a range (一两, 两三, 三四, 三五, 七八, 八九), or -1.</summary>
    private static int RangeAt(ReadOnlySpan<char> core)
    {
        for (var k = 0; k + 1 < core.Length; k++)
        {
            var a = Digit(core[k]);
            var b = Digit(core[k + 1]);
            if (a > 0 && b > 0 && (b == a + 1 || (a == 3 && b == 5)))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>多, 余, 来, 几 (after a unit or digits), 出头, 开外, 左右, 上下, 把, 外: at least the number, below its next order.</summary>
    private static bool ReadLooseSuffix(ReadOnlySpan<char> text, ref int i, bool afterUnit)
    {
        if (i >= text.Length)
        {
            return false;
        }

        var c = text[i];
        var countAfter = i + 1 < text.Length && text[i + 1] is '名' or '个' or '個' or '人' or '位' or '号';
        if ((afterUnit || countAfter) && c is '多' or '余' or '餘' or '来' or '來' or '几' or '幾' or '把')
        {
            i++;
            return true;
        }

        var rest = text[i..];
        if (afterUnit && rest.StartsWith("好几", StringComparison.Ordinal))
        {
            // 十好几个: more than ten.
            i += 2;
            return true;
        }

        if (rest.StartsWith("出头", StringComparison.Ordinal) || rest.StartsWith("开外", StringComparison.Ordinal) || rest.StartsWith("左右", StringComparison.Ordinal)
            || (rest.StartsWith("上下", StringComparison.Ordinal) && !(rest.Length > 2 && rest[2] is '班' or '楼' or '车' or '线' or '午')))
        {
            i += 2;
            return true;
        }

        if (afterUnit && c == '外' && !(rest.Length > 1 && rest[1] is '面' or '地' or '省' or '卖' or '包' or '边' or '头' or '国' or '围' or '出'))
        {
            // 二百六十外个 (Min: more than 260), 三十外万.
            i++;
            return true;
        }

        return false;
    }

    /// <summary>上百/上千/上万, 近, 约, 不到 (0.9 of it), 成 (成千上万) just before the number.</summary>
    private static decimal ApplyPrefix(ReadOnlySpan<char> text, ref int begin, decimal value, ref bool approximate)
    {
        if (begin == 0)
        {
            return value;
        }

        var before = text[..begin];
        if (before.EndsWith("不到", StringComparison.Ordinal) || before.EndsWith("不足", StringComparison.Ordinal) || before.EndsWith("不满", StringComparison.Ordinal))
        {
            begin -= 2;
            approximate = true;
            return value * 0.9m;
        }

        if (before.EndsWith("将近", StringComparison.Ordinal) || before.EndsWith("接近", StringComparison.Ordinal) || before.EndsWith("差点就", StringComparison.Ordinal)
            || before.EndsWith("差一点就", StringComparison.Ordinal) || before.EndsWith("快到", StringComparison.Ordinal) || before[^1] is '近' or '快')
        {
            // 近百 = nearly a hundred, 差点就一百万: just under it.
            begin -= before[^1] is '近' or '快' && !(before.Length > 1 && before[^2] is '将' or '接') ? 1 : 2;
            approximate = true;
            return value * 0.95m;
        }

        var c = before[^1];
        var first = text[begin];
        if (c is '约'
            || (c is '上' or '成' && Unit(first) > 0)
            || (c is '好' or '大' or '小' && IsVague(first)))
        {
            begin--;
            approximate = true;
        }

        return value;
    }
}
