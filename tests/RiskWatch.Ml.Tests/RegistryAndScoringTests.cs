using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Registry;

namespace RiskWatch.Ml.Tests;

/// <summary>Batch scoring output, evaluation output, the promotion gate and what a model trains on.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class RegistryAndScoringTests(TrainedModelFixture fixture)
{
    [Fact]
    public void Batch_scoring_keeps_input_order_keeps_every_input_field_and_adds_the_grade_fields()
    {
        var lines = File.ReadLines(RepoPaths.Corpus).Take(300).ToList();
        var input = string.Join("\n", lines) + "\n";
        var output = new StringWriter();

        var summary = BatchScorer.Score(fixture.Model, new StringReader(input), output, chunkSize: 64);

        Assert.Equal(300, summary.Scored);
        Assert.Equal(0, summary.Invalid);
        var scored = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Count, scored.Length);
        var reports = LabelledCorpus.ReadReports(RepoPaths.Corpus).Take(300).ToList();
        var expected = fixture.Model.PredictBatch(reports);
        for (var i = 0; i < lines.Count; i++)
        {
            var original = JsonNode.Parse(lines[i])!.AsObject();
            var line = JsonNode.Parse(scored[i])!.AsObject();
            foreach (var (key, value) in original)
            {
                Assert.True(JsonNode.DeepEquals(value, line[key]), $"line {i + 1}: {key} changed");
            }

            Assert.Equal(expected[i].Grade.ToWire(), line["grade"]!.GetValue<string>());
            Assert.Equal(["none", "blue", "yellow", "orange", "red"], line["probabilities"]!.AsObject().Select(p => p.Key));
            Assert.Equal(1.0, line["probabilities"]!.AsObject().Sum(p => p.Value!.GetValue<double>()), 2);
            Assert.Equal(fixture.Model.Version, line["modelVersion"]!.GetValue<string>());
            Assert.Equal(expected[i].Grade > expected[i].ModelGrade && expected[i].Floors.Any(f => f.Grade == expected[i].Grade) ? "rule" : "model", line["decidedBy"]!.GetValue<string>());
            // Reasons in the report's own language.
            Assert.Equal(expected[i].Reasons.Select(r => r.In(reports[i].Language ?? RiskWatch.Core.Contract.LanguageDetector.Detect(reports[i].Text))), line["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));
        }
    }

    [Fact]
    public void An_invalid_line_gives_an_error_object_naming_the_line_and_field_in_its_place()
    {
        var good = File.ReadLines(RepoPaths.Corpus).First();
        var noSource = JsonNode.Parse(good)!.AsObject();
        noSource.Remove("source");
        noSource["reportId"] = "0f8fad5b-d9cb-469f-a165-70867728950e";
        var input = string.Join("\n", good, "{not json", noSource.ToJsonString(), "", good);
        var output = new StringWriter();

        var summary = BatchScorer.Score(fixture.Model, new StringReader(input), output);

        Assert.Equal((4, 2, 2), (summary.Lines, summary.Scored, summary.Invalid));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(4, lines.Count);
        Assert.NotNull(lines[0]["grade"]);
        Assert.Equal(2, lines[1]["line"]!.GetValue<int>());
        Assert.Equal("$", lines[1]["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(3, lines[2]["line"]!.GetValue<int>());
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", lines[2]["reportId"]!.GetValue<string>());
        Assert.Contains(lines[2]["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "source");
        Assert.NotNull(lines[3]["grade"]);
    }

    [Fact]
    public void A_scored_file_scored_again_has_its_grade_fields_replaced_not_duplicated()
    {
        var first = new StringWriter();
        BatchScorer.Score(fixture.Model, new StringReader(File.ReadLines(RepoPaths.Corpus).First()), first);
        var second = new StringWriter();
        BatchScorer.Score(fixture.Model, new StringReader(first.ToString()), second);
        var text = second.ToString().Trim();
        Assert.Equal(1, CountOf(text, "\"grade\""));
        Assert.Equal(JsonNode.Parse(first.ToString())!["grade"]!.GetValue<string>(), JsonNode.Parse(text)!["grade"]!.GetValue<string>());
    }

    [Fact]
    public void Evaluation_output_shows_per_grade_figures_macro_f1_red_recall_and_the_confusion_matrix()
    {
        var result = ModelEvaluator.FromPairs([(Grade.Red, Grade.Red), (Grade.Red, Grade.Orange), (Grade.None, Grade.None), (Grade.Blue, Grade.Yellow)]);
        var text = result.Format();
        Assert.Contains("macro-F1", text, StringComparison.Ordinal);
        Assert.Contains("red recall = 0.500", text, StringComparison.Ordinal);
        Assert.Contains("confusion (rows = actual, columns = predicted)", text, StringComparison.Ordinal);
        foreach (var g in Grades.All)
        {
            Assert.Contains(g.ToWire(), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_promotion_gate_needs_leave_one_writer_out_macro_f1_red_recall_and_none_recall_each_at_least_as_good()
    {
        var current = new GateFigures(0.80, 0.95, 0.85);
        Assert.True(PromotionGate.Decide(current with { }, current).Allowed);
        Assert.True(PromotionGate.Decide(new GateFigures(0.82, 0.96, 0.86), current).Allowed);
        Assert.True(PromotionGate.Decide(new GateFigures(0.5, 0.5, 0.5), null).Allowed);

        var missesRed = PromotionGate.Decide(new GateFigures(0.85, 0.94, 0.90), current);
        Assert.False(missesRed.Allowed);
        Assert.Contains("red recall", missesRed.Reason, StringComparison.Ordinal);
        var alertsOnNoise = PromotionGate.Decide(new GateFigures(0.85, 0.97, 0.84), current);
        Assert.False(alertsOnNoise.Allowed);
        Assert.Contains("none recall", alertsOnNoise.Reason, StringComparison.Ordinal);

        var unmeasured = PromotionGate.Decide(null, current);
        Assert.False(unmeasured.Allowed);
        Assert.Contains("--no-evaluation", unmeasured.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Held_out_corrections_are_judged_too_and_a_candidate_worse_on_them_is_refused()
    {
        var figures = new GateFigures(0.80, 0.95, 0.85);
        var good = ModelEvaluator.FromPairs([(Grade.Red, Grade.Red), (Grade.Blue, Grade.Blue)]);
        var missesRed = ModelEvaluator.FromPairs([(Grade.Red, Grade.Orange), (Grade.Blue, Grade.Blue)]);
        Assert.True(PromotionGate.Decide(figures, figures, good, good).Allowed);
        var refused = PromotionGate.Decide(figures, figures, missesRed, good);
        Assert.False(refused.Allowed);
        Assert.Contains("held-out corrections red recall", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_figures_are_read_back_from_a_registry_entrys_metrics()
    {
        var figures = GateFigures.FromMetrics("""{"byWriter": {"macroF1": 0.81, "redRecall": 0.96, "noneRecall": 0.87}, "evaluatedOn": 6440}""");
        Assert.Equal(new GateFigures(0.81, 0.96, 0.87), figures);
        Assert.Null(GateFigures.FromMetrics("{}"));
        Assert.Null(GateFigures.FromMetrics(""));
    }

    [Fact]
    public void Feedback_in_the_test_split_is_held_out_and_the_rest_trains_replacing_the_corpus_label()
    {
        var corpus = new TrainingCorpus(fixture.Corpus.Select(r => new TrainingExample(r.Report, r.Label, null, WrittenCorpus.GeneratedWriter)).ToList(), "corpus-sha");
        var inTrain = fixture.Corpus.First(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Train);
        var inTest = fixture.Corpus.First(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Test);
        var feedback = new List<FeedbackExample>
        {
            new(inTrain.Report, inTrain.Label == Grade.Red ? Grade.Blue : Grade.Red, 1),
            new(inTest.Report, inTest.Label == Grade.Red ? Grade.Blue : Grade.Red, 2),
        };

        var without = TrainingData.Create(corpus, feedback, includeFeedback: false);
        var with = TrainingData.Create(corpus, feedback, includeFeedback: true);

        Assert.Equal(corpus.Examples.Count, without.Examples.Count);
        Assert.Equal(corpus.Examples.Count, with.Examples.Count);
        var corrected = with.Examples.Single(e => e.Report.ReportId == inTrain.Report.ReportId);
        Assert.Equal((feedback[0].Label, TrainingData.FeedbackWriter), (corrected.Label, corrected.Writer));
        Assert.Equal(inTrain.Label, without.Examples.Single(e => e.Report.ReportId == inTrain.Report.ReportId).Label);
        Assert.Equal(inTest.Label, with.Examples.Single(e => e.Report.ReportId == inTest.Report.ReportId).Label);
        Assert.Equal(feedback[1].Label, with.HeldOutFeedback.Single(r => r.Report.ReportId == inTest.Report.ReportId).Label);
        Assert.Equal(feedback[1].Label, without.HeldOutFeedback.Single(r => r.Report.ReportId == inTest.Report.ReportId).Label);
        Assert.Equal("corpus-sha", without.Sha256);
        Assert.NotEqual(without.Sha256, with.Sha256);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
