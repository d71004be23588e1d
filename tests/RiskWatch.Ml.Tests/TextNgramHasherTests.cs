using RiskWatch.Ml.Model;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

public sealed partial class TextNgramHasherTests
{
    private static readonly IReadOnlyList<string> Texts =
    [
        .. LabelledCorpus.ReadReports(RepoPaths.Corpus).Take(600).Select(r => r.Text),
        "", " ", "a", "罢工", "Café ÉLAN 120 workers  on strike, on strike!", "约好明天上午150名骑手去区政府门口讨薪",
    ];

    [Fact]
    public void Features_are_the_l2_normalised_counts_of_char_1_3_grams_and_word_1_2_grams_with_latin_stems()
    {
        var hasher = new TextNgramHasher();
        foreach (var text in Texts)
        {
            var normalized = TextNumberExtractor.Normalize(text);
            var expected = Reference(normalized);
            hasher.Featurise(normalized);
            Assert.True(expected.Keys.SequenceEqual(hasher.Indices.ToArray()), $"{text}: missing {string.Join(',', expected.Keys.Except(hasher.Indices.ToArray()).Select(k => TextNgramHasher.Describe(normalized).GetValueOrDefault(k, k.ToString(System.Globalization.CultureInfo.InvariantCulture))))}, extra {string.Join(',', hasher.Indices.ToArray().Except(expected.Keys).Select(k => TextNgramHasher.Describe(normalized).GetValueOrDefault(k, k.ToString(System.Globalization.CultureInfo.InvariantCulture))))}");
            Assert.Equal(expected.Values, hasher.Values.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Fact]
    public void Slots_ascend_within_the_text_part_and_each_family_has_unit_norm_without_collisions()
    {
        var hasher = new TextNgramHasher();
        hasher.Featurise(TextNumberExtractor.Normalize("Two hundred riders plan to block the road tomorrow"));
        var indices = hasher.Indices.ToArray();
        Assert.All(indices.Zip(indices.Skip(1)), p => Assert.True(p.First < p.Second));
        Assert.All(indices, i => Assert.InRange(i, 0, TextNgramHasher.Slots - 1));

        // Char and word vectors are each of norm 1; their sum of squares is 2 when no slot is shared.
        Assert.Equal(2.0, hasher.Values.ToArray().Sum(v => (double)v * v), precision: 3);
    }

    [Fact]
    public void Text_is_lower_cased_with_digits_as_0_and_latin_diacritics_dropped() =>
        Assert.Equal("cafe elan 0000 workers", TextNgramHasher.FoldText("Café ÉLAN 1200 Workers"));

    [Fact]
    public void A_slot_is_named_by_the_ngrams_of_the_text_that_hash_to_it()
    {
        var names = TextNgramHasher.Describe("工人罢工 on strike");
        Assert.Equal("罢工", names[TextNgramHasher.SlotOfChars("罢工")]);
        Assert.Equal("on strike", names[TextNgramHasher.SlotOfWords("on", "strike")]);
        Assert.Equal("strike", names[TextNgramHasher.SlotOfWords("strike")]);
    }

    [Fact]
    public void Slots_are_fixed_by_the_code_not_the_process()
    {
        // A model stores weights by slot; these values change only with the hash, and then
        // ModelTrainer.FeatureVersion must change too.
        Assert.Equal(7, ModelTrainer.FeatureVersion);
        Assert.Equal(11876, TextNgramHasher.SlotOfChars("罢"));
        Assert.Equal(33683, TextNgramHasher.SlotOfChars("罢工"));
        Assert.Equal(227989, TextNgramHasher.SlotOfWords("strike"));
        Assert.Equal(162190, TextNgramHasher.SlotOfWords("on", "strike"));
        Assert.Equal(TextNgramHasher.SlotOfStem("strike"), TextNgramHasher.SlotOfStem("strikes"));
        Assert.Equal(TextNgramHasher.SlotOfStem("kill"), TextNgramHasher.SlotOfStem("killed"));
        Assert.NotEqual(TextNgramHasher.SlotOfWords("strike"), TextNgramHasher.SlotOfStem("strike"));
    }

    /// <summary>The features by their definition: count every n-gram as a string, sum per slot, normalise each family.</summary>
    private static SortedDictionary<int, float> Reference(string normalized)
    {
        var folded = "\u0002" + TextNgramHasher.FoldText(normalized) + "\u0003";
        var chars = new Dictionary<int, int>();
        for (var i = 0; i < folded.Length; i++)
        {
            for (var n = 1; n <= 3 && i + n <= folded.Length; n++)
            {
                var slot = TextNgramHasher.SlotOfChars(folded.AsSpan(i, n));
                chars[slot] = chars.GetValueOrDefault(slot) + 1;
            }
        }

        // Words: runs of Latin letters and digits (with their stems), and jieba's words of the ideograph runs; pairs of
        // neighbours in each kind (jieba words only when nothing lies between them).
        var words = new Dictionary<int, int>();
        void Count(int slot) => words[slot] = words.GetValueOrDefault(slot) + 1;
        var latin = LatinWord().Matches(folded).Select(m => m.Value).ToList();
        for (var i = 0; i < latin.Count; i++)
        {
            Count(TextNgramHasher.SlotOfWords(latin[i]));
            Count(TextNgramHasher.SlotOfStem(latin[i]));
            if (i + 1 < latin.Count)
            {
                Count(TextNgramHasher.SlotOfWords(latin[i], latin[i + 1]));
            }
        }

        var body = folded[1..^1];
        var at = 0;
        (string Word, int End)? previous = null;
        foreach (var word in ChineseSegmenter.Default.Cut(body))
        {
            var start = body.IndexOf(word, at, StringComparison.Ordinal);
            Count(TextNgramHasher.SlotOfWords(word));
            if (previous is { } p && p.End == start)
            {
                Count(TextNgramHasher.SlotOfWords(p.Word, word));
            }

            previous = (word, start + word.Length);
            at = start + word.Length;
        }

        var result = new SortedDictionary<int, float>();
        foreach (var family in new[] { chars, words })
        {
            var norm = Math.Sqrt(family.Values.Sum(c => (double)c * c));
            foreach (var (slot, count) in family)
            {
                result[slot] = result.GetValueOrDefault(slot) + (float)(count / norm);
            }
        }

        return result;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[a-z0-9\u00C0-\u024F]+(?:'[a-z0-9\u00C0-\u024F]+)*")]
    private static partial System.Text.RegularExpressions.Regex LatinWord();
}
