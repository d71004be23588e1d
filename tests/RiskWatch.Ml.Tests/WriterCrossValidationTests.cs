using System.Text.Json;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Evaluation;

namespace RiskWatch.Ml.Tests;

/// <summary>Leave-writers-out on a small slice of the written corpus: each report is graded once, by a model that never read its writer.</summary>
public sealed class WriterCrossValidationTests
{
    [Fact]
    public void The_in_corpus_split_deals_the_written_reports_into_random_folds_and_leaves_the_generated_ones_to_training()
    {
        var written = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory).Where(r => r.Writer == "w01").Select(TrainingExample.From).ToList();
        var generated = WrittenCorpus.ReadGenerated(SeedCorpus.DefaultPath).Take(10).Select(TrainingExample.From).ToList();
        var folded = WriterCrossValidation.AsRandomFolds([.. written, .. generated], 5);

        Assert.Equal(["fold1", "fold2", "fold3", "fold4", "fold5"], folded.Take(written.Count).Select(e => e.Writer).Distinct().Order(StringComparer.Ordinal));
        Assert.All(folded.Skip(written.Count), e => Assert.Equal(WrittenCorpus.GeneratedWriter, e.Writer));
        Assert.All(folded.Take(written.Count).GroupBy(e => e.Writer), g => Assert.InRange(g.Count(), written.Count / 10, written.Count / 2));
        Assert.Equal(folded.Select(e => e.Writer), WriterCrossValidation.AsRandomFolds([.. written, .. generated], 5).Select(e => e.Writer));
    }

    [Fact]
    public void A_writer_is_shown_in_their_language_and_a_fold_of_both_languages_as_both()
    {
        var corpus = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory);
        var chinese = corpus.Where(r => r.Writer == "w01").Select(TrainingExample.From).ToList();
        var english = corpus.Where(r => r.Writer == "w13").Select(TrainingExample.From).ToList();

        Assert.Equal("zh", WriterCrossValidation.Language(chinese));
        Assert.Equal("en", WriterCrossValidation.Language(english));
        Assert.Equal("both", WriterCrossValidation.Language([.. chinese.Take(60), .. english.Take(40)]));
    }

    private static readonly string[] FourWriters = ["w01", "w02", "w13", "w14"];

    private static List<TrainingExample> FortyEach() => WrittenCorpus.Read(WrittenCorpus.DefaultDirectory)
        .Where(r => FourWriters.Contains(r.Writer))
        .GroupBy(r => r.Writer).SelectMany(g => g.Take(40))
        .Select(TrainingExample.From).ToList();

    [Fact]
    public void With_the_grade_decision_each_report_is_graded_by_a_decision_that_never_read_its_writer_beside_the_default_grading()
    {
        var examples = FortyEach();
        var work = Path.Combine(Path.GetTempPath(), "riskwatch-cv-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = WriterCrossValidation.Run(examples, new TrainingOptions { Now = DateTimeOffset.UnixEpoch, Decision = true }, work, groups: 2);

            var without = Assert.IsType<CrossValidationReport>(report.WithoutDecision);
            Assert.Equal(without.Predictions.Select(p => p.Example.Report.ReportId), report.Predictions.Select(p => p.Example.Report.ReportId));
            Assert.Contains("The same folds without the grade decision:", report.Format(), StringComparison.Ordinal);
            foreach (var ((_, decided), (_, plain)) in report.Predictions.Zip(without.Predictions))
            {
                // The decision's probabilities replace the weighted grade model's, under the floors it may not overrule.
                var argMax = (Grade)Array.IndexOf(decided.Probabilities, decided.Probabilities.Max());
                Assert.Equal(Grading.GradeFloors.UnderDecision(argMax, plain.Floors), decided.Grade);
            }

            Assert.Contains(report.Predictions.Zip(without.Predictions), p => !p.First.Prediction.Probabilities.SequenceEqual(p.Second.Prediction.Probabilities));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [Fact]
    public void In_writer_groups_each_report_is_graded_once_by_the_model_trained_without_its_writer()
    {
        var writers = FourWriters;
        var examples = FortyEach();
        var work = Path.Combine(Path.GetTempPath(), "riskwatch-cv-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = WriterCrossValidation.Run(examples, new TrainingOptions { Now = DateTimeOffset.UnixEpoch }, work, groups: 2);

            Assert.Equal(writers.Order(StringComparer.Ordinal), report.ByWriter.Select(w => w.Writer).Order(StringComparer.Ordinal));
            Assert.Equal(examples.Select(e => e.Report.ReportId).Order(), report.Predictions.Select(p => p.Example.Report.ReportId).Order());

            // A fold's model is named after the writers it left out: each report's grade came from the one without its writer.
            Assert.All(report.Predictions, p => Assert.Contains(p.Example.Writer, p.Prediction.ModelVersion, StringComparison.Ordinal));
            Assert.Equal(2, report.Predictions.Select(p => p.Prediction.ModelVersion).Distinct().Count());
            Assert.All(report.Predictions, p => Assert.Equal(Signals.FactSignNames.All.Count, p.Prediction.FactProbabilities.Length));

            using var lines = new StringWriter();
            report.WritePredictions(lines);
            var written = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(examples.Count, written.Count);
            Assert.All(written, w => Assert.Contains(w.GetProperty("writer").GetString(), writers));
            Assert.Contains("learned fact", report.Format(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
