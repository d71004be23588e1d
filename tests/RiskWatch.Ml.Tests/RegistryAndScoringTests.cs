using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Registry;

namespace RiskWatch.Ml.Tests;

/// <summary>Batch scoring output, evaluation output, the trainer choice and the promotion gate.</summary>
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
        var expected = fixture.Model.PredictBatch(LabelledCorpus.ReadReports(RepoPaths.Corpus).Take(300).ToList());
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
            Assert.Equal(expected[i].Grade > expected[i].ModelGrade ? "rule" : "model", line["decidedBy"]!.GetValue<string>());
            Assert.Equal(expected[i].Reasons, line["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));
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
    public void The_promotion_gate_needs_both_macro_f1_and_red_recall_at_least_as_good()
    {
        var current = ModelEvaluator.FromPairs([(Grade.Red, Grade.Red), (Grade.Blue, Grade.Blue), (Grade.None, Grade.Blue)]);
        var same = ModelEvaluator.FromPairs([(Grade.Red, Grade.Red), (Grade.Blue, Grade.Blue), (Grade.None, Grade.Blue)]);
        var missesRed = ModelEvaluator.FromPairs([(Grade.Red, Grade.Orange), (Grade.Blue, Grade.Blue), (Grade.None, Grade.None)]);
        var better = ModelEvaluator.FromPairs([(Grade.Red, Grade.Red), (Grade.Blue, Grade.Blue), (Grade.None, Grade.None)]);

        Assert.True(PromotionGate.Decide(same, current).Allowed);
        Assert.True(PromotionGate.Decide(better, current).Allowed);
        Assert.True(PromotionGate.Decide(better, null).Allowed);
        var refused = PromotionGate.Decide(missesRed, current);
        Assert.False(refused.Allowed);
        Assert.Contains("red recall", refused.Reason, StringComparison.Ordinal);
        Assert.False(PromotionGate.Decide(current, better).Allowed);
    }

    [Fact]
    public void The_trainer_is_chosen_on_validation_macro_f1_then_red_recall_then_training_time()
    {
        static TrainerCandidate C(TrainerKind k, double cv, int wrongReds, int wrongBlues, double seconds)
        {
            var pairs = Enumerable.Repeat((Grade.Red, Grade.Red), 100 - wrongReds).Concat(Enumerable.Repeat((Grade.Red, Grade.Orange), wrongReds))
                .Concat(Enumerable.Repeat((Grade.Blue, Grade.Blue), 100 - wrongBlues)).Concat(Enumerable.Repeat((Grade.Blue, Grade.Yellow), wrongBlues));
            return new TrainerCandidate(k, cv, ModelEvaluator.FromPairs(pairs), TimeSpan.FromSeconds(seconds));
        }

        // The highest cross-validation figure does not decide; validation does.
        Assert.Equal(TrainerKind.LightGbm, TrainerSelection.Pick([C(TrainerKind.SdcaMaximumEntropy, 0.99, 0, 20, 10), C(TrainerKind.LightGbm, 0.90, 0, 0, 50)]));
        // Within a tie on macro-F1, the better red recall; then the faster.
        Assert.Equal(TrainerKind.FastTreeOva, TrainerSelection.Pick([C(TrainerKind.SdcaMaximumEntropy, 0.9, 1, 0, 10), C(TrainerKind.FastTreeOva, 0.9, 0, 1, 100)]));
        Assert.Equal(TrainerKind.SdcaMaximumEntropy, TrainerSelection.Pick([C(TrainerKind.LightGbm, 0.9, 0, 0, 50), C(TrainerKind.SdcaMaximumEntropy, 0.9, 0, 0, 10)]));
    }

    [Fact]
    public void Feedback_in_the_test_split_is_held_out_and_the_rest_trains_replacing_the_corpus_label()
    {
        var corpus = fixture.Corpus;
        var inTrain = corpus.First(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Train);
        var inTest = corpus.First(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Test);
        var feedback = new List<FeedbackExample>
        {
            new(inTrain.Report, inTrain.Label == Grade.Red ? Grade.Blue : Grade.Red, 1),
            new(inTest.Report, inTest.Label == Grade.Red ? Grade.Blue : Grade.Red, 2),
        };

        var without = TrainingData.Create(RepoPaths.Corpus, feedback, includeFeedback: false);
        var with = TrainingData.Create(RepoPaths.Corpus, feedback, includeFeedback: true);

        Assert.Equal(without.Rows(CorpusPart.Train).Count, with.Rows(CorpusPart.Train).Count);
        Assert.Equal(feedback[0].Label, with.Rows(CorpusPart.Train).Single(r => r.Report.ReportId == inTrain.Report.ReportId).Label);
        Assert.Equal(inTrain.Label, without.Rows(CorpusPart.Train).Single(r => r.Report.ReportId == inTrain.Report.ReportId).Label);
        Assert.DoesNotContain(with.Rows(CorpusPart.Train, CorpusPart.Validation), r => r.Report.ReportId == inTest.Report.ReportId);
        Assert.Equal(feedback[1].Label, with.HeldOut().Single(r => r.Report.ReportId == inTest.Report.ReportId).Label);
        Assert.Equal(feedback[1].Label, without.HeldOut().Single(r => r.Report.ReportId == inTest.Report.ReportId).Label);
        Assert.NotEqual(without.Sha256, with.Sha256);
        Assert.Equal(ModelTrainer.Sha256OfFile(RepoPaths.Corpus), without.Sha256);
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
