using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>Chinese numerals as people write them: every integer written out reads back, and the loose forms read within their range.</summary>
public sealed class ChineseNumberTests
{
    [Property(MaxTest = 2000)]
    public Property Any_integer_written_out_in_chinese_numerals_reads_back_as_that_integer() =>
        Prop.ForAll(Gen.Choose(1, 99_999_999).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (n, liang) =>
        {
            var written = Write(n, liang);
            var read = ChineseNumber.TryRead(written, 0, out var r) ? r : default;
            return (read.Value == n && read.End == written.Length && !read.Approximate).Label($"{n} written as {written} read as {read.Value}");
        });

    /// <summary>N多, N来, N余 (一百多, 四十来, 三十多万): at least N and less than N plus its last unit (一百多 is 100 to 199).</summary>
    [Property(MaxTest = 1000)]
    public Property A_round_number_followed_by_duo_lai_or_yu_reads_as_at_least_it_and_below_its_next_step() =>
        Prop.ForAll(
            (from lead in Gen.Choose(1, 99)
             from power in Gen.Choose(1, 3)
             from suffix in Gen.Elements("多", "来", "余")
             from wan in Gen.Elements(false, true)
             select (lead, power, suffix, wan)).ToArbitrary(),
            c =>
            {
                // lead × 10^power, its last unit 10^power: 三十 (3 × 10), 九十九十 is no number, so lead < 10 unless power is 1.
                var unit = (long)Math.Pow(10, c.power);
                var n = (c.power == 1 ? c.lead : (c.lead % 9) + 1) * unit;
                var scale = c.wan ? 10_000L : 1L;
                var written = Write(n, false) + c.suffix + (c.wan ? "万" : "");
                var ok = ChineseNumber.TryRead(written, 0, out var r);
                return (ok && r.Approximate && r.Value >= n * scale && r.Value < (n + unit) * scale && r.End == written.Length)
                    .Label($"{written} read as {r.Value}");
            });

    /// <summary>两三百, 五六十, 一百二三十, 十三四: a range of two neighbouring digits reads between its ends.</summary>
    [Property(MaxTest = 500)]
    public Property Two_neighbouring_digits_read_as_a_value_between_the_two_numbers() =>
        Prop.ForAll(Gen.Choose(1, 8).ToArbitrary(), Gen.Choose(1, 3).ToArbitrary(), (d, power) =>
        {
            var unit = (long)Math.Pow(10, power);
            var written = Digits[d] + Digits[d + 1] + Units[power];
            var ok = ChineseNumber.TryRead(written, 0, out var r);
            return (ok && r.Approximate && r.Value >= d * unit && r.Value <= (d + 1) * unit).Label($"{written} read as {r.Value}");
        });

    [Theory]
    [InlineData("三百五十", 350)]
    [InlineData("一百二", 120)]
    [InlineData("两千三", 2300)]
    [InlineData("一百零五", 105)]
    [InlineData("十五", 15)]
    [InlineData("一万二", 12000)]
    [InlineData("三百万", 3_000_000)]
    [InlineData("九十九万八千", 998_000)]
    [InlineData("3.5万", 35_000)]
    [InlineData("1,200", 1200)]
    [InlineData("廿一", 21)]
    [InlineData("卅", 30)]
    [InlineData("兩萬", 20000)]
    public void Chinese_numerals_parse_as_people_type_them(string text, long expected)
    {
        Assert.True(ChineseNumber.TryRead(text, 0, out var r));
        Assert.Equal(expected, r.Value);
    }

    [Theory]
    [InlineData("一百多", 100)]
    [InlineData("八百三十多", 830)]
    [InlineData("四十来", 40)]
    [InlineData("十几", 10)]
    [InlineData("卅几", 30)]
    [InlineData("几十", 30)]
    [InlineData("大几百", 700)]
    [InlineData("大几十万", 700_000)]
    [InlineData("好几百", 300)]
    [InlineData("上百", 100)]
    [InlineData("上万", 10_000)]
    [InlineData("两三百", 250)]
    [InlineData("一百二三十", 125)]
    [InlineData("五六十", 55)]
    [InlineData("十几万", 100_000)]
    [InlineData("两万多", 20_000)]
    [InlineData("十来万", 100_000)]
    [InlineData("两百三十多万", 2_300_000)]
    [InlineData("成十五万", 150_000)]
    [InlineData("二百六十外", 260)]
    [InlineData("2千多", 2_000)]
    [InlineData("20-30", 25)]
    public void Loose_forms_read_as_a_value_in_their_band(string text, double expected)
    {
        var start = text.AsSpan().IndexOfAny(ChineseNumber.Starts);
        Assert.True(ChineseNumber.TryRead(text, start, out var r));
        Assert.Equal((decimal)expected, r.Value);
        Assert.True(r.Approximate, $"{text} is a loose form");
        Assert.Equal(0, r.Start);
        Assert.Equal(text.Length, r.End);
    }

    [Theory]
    [InlineData("近百", 95)]
    [InlineData("不到十", 9)]
    public void Nearly_and_under_read_just_below_the_number(string text, double expected)
    {
        var start = text.AsSpan().IndexOfAny(ChineseNumber.Starts);
        Assert.True(ChineseNumber.TryRead(text, start, out var r));
        Assert.Equal((decimal)expected, r.Value);
    }

    [Theory]
    [InlineData("万一")]
    [InlineData("千万别去")]
    [InlineData("百分之")]
    [InlineData("人数")]
    public void Words_made_of_numeral_characters_are_no_numbers(string text)
    {
        var start = text.AsSpan().IndexOfAny(ChineseNumber.Starts);
        Assert.False(ChineseNumber.TryRead(text, start, out var r), $"{text} read as {r.Value}");
    }

    private static readonly string[] Digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    private static readonly string[] Units = ["", "十", "百", "千"];

    /// <summary>The standard written form: 一万零五百, 十五 (not 一十五), 一百一十; two as 两 before 百, 千, 万 when <paramref name="liang"/>.</summary>
    private static string Write(long n, bool liang)
    {
        if (n >= 10_000)
        {
            var high = n / 10_000;
            var low = n % 10_000;
            var sb = new StringBuilder(Write(high, liang)).Append('万');
            if (low > 0)
            {
                sb.Append(low < 1000 ? "零" : "").Append(WriteSection(low, liang, inner: true));
            }

            return sb.ToString();
        }

        return WriteSection(n, liang, inner: false);
    }

    private static string WriteSection(long n, bool liang, bool inner)
    {
        var sb = new StringBuilder();
        var zero = false;
        for (var power = 3; power >= 0; power--)
        {
            var d = (int)(n / (long)Math.Pow(10, power) % 10);
            if (d == 0)
            {
                zero = sb.Length > 0;
                continue;
            }

            if (zero)
            {
                sb.Append('零');
                zero = false;
            }

            // 十五 rather than 一十五 at the head of a number; 一百一十 inside one.
            if (!(power == 1 && d == 1 && sb.Length == 0 && !inner))
            {
                sb.Append(d == 2 && liang && power >= 2 ? "两" : Digits[d]);
            }

            sb.Append(Units[power]);
        }

        return sb.ToString();
    }
}
