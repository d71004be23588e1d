using JiebaNet.Segmenter;
using RiskWatch.Ml;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

public sealed partial class ChineseSegmenterTests
{
    private static readonly Lazy<JiebaSegmenter> Jieba = new(() =>
    {
        ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "jieba");
        return new JiebaSegmenter();
    });

    [Fact]
    public void Cuts_the_written_corpus_into_the_words_jieba_net_gives_without_its_hmm()
    {
        // The product runs jieba's algorithm on jieba's dictionary itself (jieba.NET is several times slower); every run
        // of ideographs of every Chinese report of the written corpus must come out in the same words. (jieba.NET also
        // joins Latin letters and digits to neighbouring ideographs, B座; the features take those apart, as Latin words.)
        var texts = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory).Where(r => r.IsChinese).Select(r => r.Report.Text).ToList();
        Assert.True(texts.Count > 5_000);
        foreach (var text in texts)
        {
            var expected = HanRuns().Matches(text).SelectMany(run => Jieba.Value.Cut(run.Value, cutAll: false, hmm: false)).ToList();
            Assert.Equal(expected, ChineseSegmenter.Default.Cut(text));
        }
    }

    [Fact]
    public void The_word_table_finds_every_word_and_prefix_with_its_frequency_and_nothing_else()
    {
        // jieba's format: the last line of a word wins; every prefix of a word is known, with 0 unless it is a word.
        const string dictionary = "骑手 120 n\n外卖骑手 30 n\n骑手 150\n不上线 7 v\n外卖 900\nbad line\n";
        var read = ChineseSegmenter.Parse(new StringReader(dictionary));
        var expected = new Dictionary<string, int> { ["骑手"] = 150, ["骑"] = 0, ["外卖骑手"] = 30, ["外"] = 0, ["外卖"] = 900, ["外卖骑"] = 0, ["不上线"] = 7, ["不"] = 0, ["不上"] = 0 };
        Assert.Equal(expected.Count, read.Count);
        var table = read.Pack();
        foreach (var (word, frequency) in expected)
        {
            Assert.True(table.TryGetValue(word, out var found), word);
            Assert.Equal(frequency, found);
        }

        foreach (var absent in new[] { "手", "骑手们", "上线", "bad", "" })
        {
            Assert.False(table.TryGetValue(absent, out _), absent);
        }
    }

    [Fact]
    public void The_word_table_keeps_every_entry_through_its_growth_and_packing()
    {
        var read = new WordTable();
        for (var i = 0; i < 100_000; i++)
        {
            read.Set(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture), i);
        }

        Assert.Equal(100_000, read.Count);
        var table = read.Pack();
        for (var i = 0; i < 100_000; i += 7)
        {
            Assert.True(table.TryGetValue(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture), out var frequency));
            Assert.Equal(i, frequency);
        }
    }

    [Fact]
    public void A_frequency_the_packed_table_cannot_hold_is_refused_not_cut()
    {
        var read = new WordTable();
        read.Set("骑手", PackedWordTable.MaxFrequency + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => read.Pack());
    }

    [System.Text.RegularExpressions.GeneratedRegex("[\u4E00-\u9FD5]+")]
    private static partial System.Text.RegularExpressions.Regex HanRuns();
}
