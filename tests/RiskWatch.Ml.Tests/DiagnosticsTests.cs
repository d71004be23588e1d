using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

/// <summary>Prints the training figures into the test log, where a reviewer reads them.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class DiagnosticsTests(TrainedModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Training_reports_its_version_time_and_validation_figures()
    {
        var t = fixture.Training;
        output.WriteLine($"version {t.Version}, {t.Trainer} trained on {t.TrainCount} reports in {t.Elapsed.TotalSeconds:F1}s");
        Assert.NotNull(t.Validation);
        output.WriteLine(t.Validation.Format());
        Assert.True(t.Validation.Count > 0);

        var rule = ModelEvaluator.FromPairs(fixture.Corpus.Select(r => (r.Label, RuleBasedGrader.Grade(r.Report))));
        output.WriteLine("rule-based checker vs corpus labels:");
        output.WriteLine(rule.Format());
        foreach (var (report, label) in fixture.Corpus.Where(r => RuleBasedGrader.Grade(r.Report) != r.Label).Take(20))
        {
            output.WriteLine($"label {label.ToWire()} / rules {RuleBasedGrader.Grade(report).ToWire()} | {report.Text}");
        }
    }
}
