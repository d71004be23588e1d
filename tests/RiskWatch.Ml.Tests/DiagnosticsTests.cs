using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class DiagnosticsTests(TrainedModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Prints_training_and_validation_figures()
    {
        output.WriteLine($"version {fixture.Training.Version}, trained on {fixture.Training.TrainCount} in {fixture.Training.Elapsed.TotalSeconds:F1}s");
        output.WriteLine(fixture.Training.Validation!.Format());
        var rule = ModelEvaluator.FromPairs(fixture.Corpus.Select(r => (r.Label, RuleBasedGrader.Grade(r.Report))));
        output.WriteLine("rule-based checker vs corpus labels:");
        output.WriteLine(rule.Format());
        foreach (var (report, label) in fixture.Corpus.Where(r => RuleBasedGrader.Grade(r.Report) != r.Label).Take(60))
        {
            output.WriteLine($"{label.ToWire()} / rule {RuleBasedGrader.Grade(report).ToWire()} | w={report.WorkersAffected} ca={report.CollectiveAction?.Status} | {report.Text}");
        }
    }
}
