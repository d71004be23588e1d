using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using System.Text.Json;
using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

/// <summary>The figures the model is judged by: the held-out test split and the CLB replay.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class EvaluationTests(TrainedModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void On_the_unseen_test_split_macro_f1_is_at_least_090_and_red_recall_at_least_097()
    {
        var test = fixture.Corpus.Where(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Test).ToList();
        var result = ModelEvaluator.Evaluate(fixture.Model, test);
        output.WriteLine(result.Format());
        Assert.True(result.MacroF1 >= 0.90, result.Format());
        Assert.True(result.RedRecall >= 0.97, result.Format());
    }

    [Fact]
    public void On_real_clb_incidents_almost_none_are_missed_and_most_critical_ones_are_orange_or_red()
    {
        var reportsPath = Path.Combine(RepoPaths.ClbDirectory, "clb-reports-2011-2015.jsonl");
        var labelsPath = Path.Combine(RepoPaths.ClbDirectory, "clb-labels-2011-2015.jsonl");
        if (!File.Exists(reportsPath) || !File.Exists(labelsPath))
        {
            output.WriteLine($"CLB data not found at {RepoPaths.ClbDirectory}; nothing measured.");
            return;
        }

        // The label file lists the same ids line by line (a few ids repeat, so pair by line, not by id).
        var labelRows = File.ReadLines(labelsPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // Text only: the replay's structured fields are guesses from CLB's columns, so they are dropped.
        var reports = LabelledCorpus.ReadReports(reportsPath)
            .Select(r => r with { Category = null, Sector = null })
            .ToList();
        Assert.Equal(reports.Count, labelRows.Count);
        var floors = labelRows.Select((e, i) =>
        {
            Assert.Equal(reports[i].ReportId, Guid.Parse(e.GetProperty("reportId").GetString()!));
            return Grades.Parse(e.GetProperty("gradeFloor").GetString()!);
        }).ToList();
        var predictions = fixture.Model.PredictBatch(reports);
        var clb = ClbFigures.From(floors.Select((f, i) => (f, predictions[i].Grade)).ToList());
        output.WriteLine(clb.ToString());
        foreach (var (r, _) in reports.Zip(predictions).Where(x => x.Second.Grade == Grade.None).Take(25))
        {
            output.WriteLine($"none: {r.Text}");
        }

        for (int i = 0, shown = 0; i < reports.Count && shown < 25; i++)
        {
            if (floors[i] == Grade.Red && predictions[i].Grade < Grade.Orange)
            {
                output.WriteLine($"red floor graded {predictions[i].Grade.ToWire()}: {reports[i].Text}");
                shown++;
            }
        }

        Assert.True(clb.NoneRate <= 0.02, clb.ToString());
        Assert.True(clb.RedFloorOrangeOrRedRate >= 0.75, clb.ToString());
    }
}

internal sealed record ClbFigures(int Count, double NoneRate, int RedFloorCount, double RedFloorOrangeOrRedRate, double RedFloorRedRate, IReadOnlyDictionary<Grade, int> Distribution)
{
    public static ClbFigures From(IReadOnlyList<(Grade Floor, Grade Predicted)> rows)
    {
        var red = rows.Where(r => r.Floor == Grade.Red).ToList();
        return new ClbFigures(
            rows.Count,
            rows.Count(r => r.Predicted == Grade.None) / (double)rows.Count,
            red.Count,
            red.Count(r => r.Predicted >= Grade.Orange) / (double)red.Count,
            red.Count(r => r.Predicted == Grade.Red) / (double)red.Count,
            Grades.All.ToDictionary(g => g, g => rows.Count(r => r.Predicted == g)));
    }

    public override string ToString() =>
        $"CLB: {Count} incidents, graded none {NoneRate:P1}; red-floor rows {RedFloorCount}: orange or red {RedFloorOrangeOrRedRate:P1}, red {RedFloorRedRate:P1}; " +
        string.Join(", ", Distribution.Select(kv => $"{kv.Key.ToWire()} {kv.Value}"));
}
