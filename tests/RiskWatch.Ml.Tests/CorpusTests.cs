using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Tests;

public sealed class CorpusTests
{
    private static readonly IReadOnlyList<(ReportV1 Report, Grade Label)> Corpus = LabelledCorpus.Read(RepoPaths.Corpus);

    [Fact]
    public void The_corpus_has_hundreds_of_reports_in_both_languages_and_every_grade()
    {
        Assert.True(Corpus.Count >= 300, $"only {Corpus.Count} reports");
        Assert.Contains(Corpus, r => FeatureBuilder.IsChinese(r.Report));
        Assert.Contains(Corpus, r => !FeatureBuilder.IsChinese(r.Report));
        Assert.All(Grades.All, g => Assert.Contains(Corpus, r => r.Label == g));
    }

    [Fact]
    public void Red_and_orange_are_well_represented()
    {
        Assert.True(Corpus.Count(r => r.Label == Grade.Red) >= Corpus.Count / 8);
        Assert.True(Corpus.Count(r => r.Label == Grade.Orange) >= Corpus.Count / 8);
    }

    [Fact]
    public void Every_source_category_and_sector_appears()
    {
        Assert.All(ContractValues.Sources, v => Assert.Contains(Corpus, r => r.Report.Source == v));
        Assert.All(ContractValues.Categories, v => Assert.Contains(Corpus, r => r.Report.Category == v));
        Assert.All(ContractValues.Sectors, v => Assert.Contains(Corpus, r => r.Report.Sector == v));
    }

    [Fact]
    public void Reports_use_contract_values_and_unique_ids()
    {
        Assert.Equal(Corpus.Count, Corpus.Select(r => r.Report.ReportId).Distinct().Count());
        Assert.All(Corpus, r =>
        {
            Assert.Contains(r.Report.Source, (IReadOnlySet<string>)ContractValues.Sources);
            Assert.Contains(r.Report.Subject.Kind, (IReadOnlySet<string>)ContractValues.SubjectKinds);
            Assert.InRange(r.Report.Text.Length, 1, ContractValues.MaxTextLength);
            Assert.True(r.Report.Category is null || ContractValues.Categories.Contains(r.Report.Category));
            Assert.True(r.Report.CollectiveAction is null || ContractValues.ActionStatuses.Contains(r.Report.CollectiveAction.Status));
            Assert.Equal(TimeSpan.FromHours(8), r.Report.OccurredAt.Offset);
        });
    }

    [Fact]
    public void Structured_numbers_are_missing_on_many_reports_so_the_text_must_carry_them()
    {
        var labour = Corpus.Where(r => r.Label != Grade.None).ToList();
        Assert.InRange(labour.Count(r => r.Report.WorkersAffected is null) / (double)labour.Count, 0.3, 0.9);
    }

    [Fact]
    public void An_independent_rule_checker_agrees_with_at_least_95_percent_of_the_labels()
    {
        var agreement = ModelEvaluator.FromPairs(Corpus.Select(r => (r.Label, RuleBasedGrader.Grade(r.Report))));
        Assert.True(agreement.Accuracy >= 0.95, agreement.Format());
    }

    [Fact]
    public void The_split_is_about_70_15_15_and_stable()
    {
        var parts = Corpus.GroupBy(r => CorpusSplit.Of(r.Report.ReportId)).ToDictionary(g => g.Key, g => g.Count() / (double)Corpus.Count);
        Assert.InRange(parts[CorpusPart.Train], 0.65, 0.75);
        Assert.InRange(parts[CorpusPart.Validation], 0.12, 0.18);
        Assert.InRange(parts[CorpusPart.Test], 0.12, 0.18);
        Assert.Equal(CorpusSplit.Of(Corpus[0].Report.ReportId), CorpusSplit.Of(Corpus[0].Report.ReportId));
    }
}
