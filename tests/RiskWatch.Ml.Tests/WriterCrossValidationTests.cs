using System.Text.Json;
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
    public void In_writer_groups_each_report_is_graded_once_by_the_model_trained_without_its_writer()
    {
        var writers = new[] { "w01", "w02", "w13", "w14" };
        var examples = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory)
            .Where(r => writers.Contains(r.Writer))
            .GroupBy(r => r.Writer).SelectMany(g => g.Take(40))
            .Select(TrainingExample.From).ToList();
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
