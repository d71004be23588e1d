using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>English numbers as people write them: number words read back, and the loose forms read within their range.</summary>
public sealed class EnglishNumberTests
{
    [Property(MaxTest = 2000)]
    public Property Any_integer_written_out_in_english_words_reads_back_as_that_integer() =>
        Prop.ForAll(Gen.Choose(1, 999_999).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (n, and, hyphen) =>
        {
            var written = Words(n, and, hyphen);
            return (EnglishNumber.ParseWords(written) == n).Label($"{n} written as \"{written}\" read as {EnglishNumber.ParseWords(written)}");
        });

    /// <summary>"about N", "over N", "N-odd", "N+", "some N" riders: a count of N workers whatever the qualifier.</summary>
    [Property(MaxTest = 500)]
    public Property A_qualified_count_of_riders_reads_as_the_count() =>
        Prop.ForAll(Gen.Choose(2, 9_999).ToArbitrary(), Gen.Elements("about {0}", "around {0}", "some {0}", "over {0}", "more than {0}", "at least {0}", "{0}-odd", "{0}+", "roughly {0}",
            "{0} something", "{0} or so", "{0} or more", "{0}-ish", "{0} more").ToArbitrary(),
            (n, form) =>
            {
                var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)) + " riders logged off";
                return (WorkerCounts.Read(text) == n).Label($"\"{text}\" read as {WorkerCounts.Read(text)}");
            });

    /// <summary>The noun first and a loose count after it, as chats put it: "riders (~120, going by the group)", "workers from the plant - 200 or more."</summary>
    [Property(MaxTest = 300)]
    public Property A_loose_count_after_the_worker_noun_reads_as_the_count() =>
        Prop.ForAll(Gen.Choose(2, 9_999).ToArbitrary(), Gen.Elements("couriers (~{0}, going by the group) logged off", "workers from the plant - {0} or more. The gate is shut",
            "riders at the square, {0} something, more coming", "drivers, {0}-ish from three fleets, parked on the road", "sorters in the yard, I'd say {0} at least.", "the tyre plant workers (about {0}) set Friday to down tools").ToArbitrary(),
            (n, form) =>
            {
                var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                return (WorkerCounts.Read(text) == n).Label($"\"{text}\" read as {WorkerCounts.Read(text)}");
            });

    /// <summary>Digits with the scale as a word, and two digits before it as a range typed without "or": "3 hundred", "4 5 hundred".</summary>
    [Property(MaxTest = 100)]
    public Property Digits_before_hundred_scale_the_count() =>
        Prop.ForAll(Gen.Choose(1, 8).ToArbitrary(), n =>
            (WorkerCounts.Read($"{n} hundred riders logged off") == n * 100 && WorkerCounts.Read($"{n} {n + 1} hundred riders logged off") == n * 100 + 50)
                .Label($"{n} hundred: {WorkerCounts.Read($"{n} hundred riders logged off")}; {n} {n + 1} hundred: {WorkerCounts.Read($"{n} {n + 1} hundred riders logged off")}"));

    [Theory]
    [InlineData("a couple hundred", 200)]
    [InlineData("a couple of hundred", 200)]
    [InlineData("a couple", 2)]
    [InlineData("a few", 3)]
    [InlineData("a handful of", 4)]
    [InlineData("several", 5)]
    [InlineData("a dozen", 12)]
    [InlineData("two dozen", 24)]
    [InlineData("dozens", 30)]
    [InlineData("a few dozen", 36)]
    [InlineData("hundreds", 200)]
    [InlineData("several hundred", 300)]
    [InlineData("thousands", 1000)]
    [InlineData("tens of thousands", 10_000)]
    [InlineData("a hundred and fifty", 150)]
    [InlineData("forty-five", 45)]
    public void Loose_english_quantities_read_as_a_value_in_their_band(string quantity, int expected) =>
        Assert.Equal(expected, WorkerCounts.Read(quantity + " workers"));

    [Theory]
    [InlineData("1.2m", 1_200_000)]
    [InlineData("2.3 million", 2_300_000)]
    [InlineData("40k", 40_000)]
    [InlineData("1,200", 1_200)]
    [InlineData("half a million", 500_000)]
    public void Digits_with_scales_read_as_their_value(string text, int expected)
    {
        Span<Token> tokens = stackalloc Token[16];
        var n = EnglishNumber.Tokenize(text, tokens);
        Assert.True(EnglishNumber.TryRead(text, tokens[..n], 0, out var r));
        Assert.Equal(expected, r.Value);
    }

    [Theory]
    [InlineData("nearly 100 workers", 95)]
    [InlineData("fewer than ten riders", 9)]
    public void Nearly_and_fewer_than_read_just_below_the_number(string text, int expected) =>
        Assert.Equal(expected, WorkerCounts.Read(text));

    private static readonly string[] Ones = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    /// <summary>"two hundred and thirty-one thousand four hundred five": "and" after hundreds and hyphens in tens as <paramref name="and"/>, <paramref name="hyphen"/> say.</summary>
    private static string Words(int n, bool and, bool hyphen)
    {
        var parts = new List<string>();
        if (n >= 1000)
        {
            parts.Add(Below1000(n / 1000, and, hyphen) + " thousand");
            n %= 1000;
        }

        if (n > 0)
        {
            parts.Add(Below1000(n, and, hyphen));
        }

        return string.Join(' ', parts);
    }

    private static string Below1000(int n, bool and, bool hyphen)
    {
        var sb = new StringBuilder();
        if (n >= 100)
        {
            sb.Append(Ones[n / 100]).Append(" hundred");
            n %= 100;
            if (n > 0)
            {
                sb.Append(and ? " and " : " ");
            }
        }

        if (n >= 20)
        {
            sb.Append(Tens[n / 10]);
            if (n % 10 > 0)
            {
                sb.Append(hyphen ? '-' : ' ').Append(Ones[n % 10]);
            }
        }
        else if (n > 0)
        {
            sb.Append(Ones[n]);
        }

        return sb.ToString();
    }
}
