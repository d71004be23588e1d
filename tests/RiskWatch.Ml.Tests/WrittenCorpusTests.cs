using System.Globalization;
using System.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>The written corpus as leave-one-writer-out needs it: no report of one writer may train the model that tests another.</summary>
public sealed class WrittenCorpusTests
{
    [Fact]
    public void No_text_stands_twice_in_the_corpus_even_with_other_spaces_case_width_or_punctuation()
    {
        // The same text under two writers would sit in training and in test at once ("测试 测试123" and "测试测试123,").
        // ml/corpus/written/assemble.py leaves repeats out with the same key.
        var repeated = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory)
            .GroupBy(r => SameTextKey(r.Report.Text))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g.Select(r => $"{r.Writer}: {r.Report.Text}")))
            .ToList();
        Assert.Empty(repeated);
    }

    [Fact]
    public void The_shipped_training_data_holds_the_generated_headlines_but_not_its_chinese_templates()
    {
        // The templates taught the grade model that a text about work is a risk; the English headlines keep real
        // incidents alerting (ml/README.md, figures).
        var generated = TrainingCorpus.Default().Examples.Where(e => e.Writer == WrittenCorpus.GeneratedWriter).ToList();
        var seed = LabelledCorpus.ReadReports(SeedCorpus.DefaultPath);
        Assert.DoesNotContain(generated, e => e.Report.Language == "zh");
        Assert.Equal(seed.Count(r => r.Language != "zh"), generated.Count);
        Assert.True(generated.Count >= 2_000, $"{generated.Count} generated reports train");
    }

    private static string SameTextKey(string text)
    {
        var key = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                key.Append(c);
            }
        }

        return key.ToString();
    }
}
