using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Tests;

public sealed class GradeDecisionTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "riskwatch-decision-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void A_model_trained_with_the_decision_grades_by_it_and_flags_the_signs_it_overrules()
    {
        // Eight writers, so that four writer groups each give the decision reports the stages before had not read.
        var writers = new[] { "w01", "w02", "w03", "w04", "w13", "w14", "w15", "w16" };
        var corpus = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory);
        var examples = corpus.Where(r => writers.Contains(r.Writer)).GroupBy(r => r.Writer).SelectMany(g => g.Take(90)).Select(TrainingExample.From).ToList();
        var path = Path.Combine(folder, "model.zip");
        ModelTrainer.Train(examples, "test", path, new TrainingOptions { Decision = true });
        using var model = RiskModel.Load(path);
        var decision = Assert.IsType<GradeDecision>(model.Decision);

        // The evaluation regrades held-out predictions from these same figures and floors (WriterCrossValidation): they
        // must be all the decision reads. A sign whose floor the grade did not follow is flagged for a person, never dropped.
        var inputs = new float[GradeDecision.InputCount];
        var probabilities = new float[Grades.All.Count];
        foreach (var report in corpus.Where(r => r.Writer is "w05" or "w17").Select(r => r.Report).Take(300))
        {
            var p = model.Predict(report);
            GradeDecision.Inputs(p.ModelProbabilities, p.SignProbabilities, p.FactProbabilities, report.Language == "en", inputs);
            var decided = decision.Decide(inputs, probabilities);
            Assert.Equal(GradeFloors.UnderDecision(decided, p.Floors), p.Grade);
            if (p.Grade == decided)
            {
                Assert.Equal(probabilities, p.Probabilities);
            }

            Assert.All(p.Floors.Where(f => f.Grade > p.Grade), f =>
                Assert.DoesNotContain(HardSignalNames.All.Where(s => (p.Signs & s) != 0), s => s.ToWire() == f.Rule));
        }
    }

    [Fact]
    public void Its_flattened_trees_give_the_margins_ml_net_gives()
    {
        var rows = Rows(600, seed: 1).Select(r => new Row { Label = r.Label >= Grade.Orange, Features = r.Inputs }).ToList();
        var ml = new MLContext(seed: 5);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, GradeDecision.InputCount);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var model = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 30, NumberOfLeaves = 7, MinimumExampleCountPerLeaf = 5, Silent = true }).Fit(data);
        var decision = GradeDecision.FromEnsembles([.. Grades.All.Select(_ => model.Model.SubModel.TrainedTreeEnsemble)]);

        var scores = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToList();
        Assert.Equal(rows.Count, scores.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(scores[i].Score, decision.Margin(0, rows[i].Features), 1e-4f);
        }
    }

    [Fact]
    public void It_learns_a_grade_that_no_single_input_decides_and_reads_back_the_same()
    {
        var decision = GradeDecision.Train(Rows(3000, seed: 2), seed: 211, threads: 1)!;
        var held = Rows(500, seed: 3);
        var p = new float[Grades.All.Count];
        var right = held.Count(r => decision.Decide(r.Inputs, p) == r.Label);
        Assert.True(right >= 0.9 * held.Count, $"{right} of {held.Count} right");

        using var stream = new MemoryStream();
        decision.Write(stream);
        stream.Position = 0;
        var read = GradeDecision.Read(stream);
        var q = new float[Grades.All.Count];
        Assert.All(held, r =>
        {
            Assert.Equal(decision.Decide(r.Inputs, p), read.Decide(r.Inputs, q));
            Assert.Equal(p, q);
        });
    }

    [Fact]
    public void Without_a_report_of_every_grade_there_is_nothing_to_decide_between() =>
        Assert.Null(GradeDecision.Train([.. Rows(500, seed: 4).Where(r => r.Label != Grade.Yellow)], seed: 211, threads: 1));

    [Fact]
    public void A_damaged_decision_is_refused_with_the_way_out()
    {
        using var stream = new MemoryStream([1, 0, 0, 0, 3, 0, 0, 0]);
        var error = Assert.Throws<InvalidDataException>(() => GradeDecision.Read(stream));
        Assert.Contains("Retrain the model", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, false)] // a split whose child is itself: a walk that never ends
    [InlineData(-1, true)] // the same split leading to a leaf
    public void A_tree_whose_child_points_back_is_refused(int left, bool readable)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(1); // format
            writer.Write(GradeDecision.InputCount);
            writer.Write(1); // one node: input 0, threshold 0.5, left as given, right leaf 0
            writer.Write(0);
            writer.Write(0.5f);
            writer.Write(left);
            writer.Write(~0);
            writer.Write(1); // one leaf
            writer.Write(0.25f);
            writer.Write(1); // one tree, rooted at the node, for the first grade
            writer.Write(0);
            writer.Write(Grades.All.Count + 1);
            writer.Write(0);
            for (var g = 0; g < Grades.All.Count; g++)
            {
                writer.Write(1);
            }

            writer.Write(Grades.All.Count);
            for (var g = 0; g < Grades.All.Count; g++)
            {
                writer.Write(0f);
            }
        }

        stream.Position = 0;
        if (readable)
        {
            Assert.Equal(0.25f, GradeDecision.Read(stream).Margin(0, new float[GradeDecision.InputCount]));
        }
        else
        {
            Assert.Throws<InvalidDataException>(() => GradeDecision.Read(stream));
        }
    }

    /// <summary>
    /// Reports as the stages before would describe them: the grade model's view is a noisy copy of the truth, and a death
    /// sign makes a report red only when the report is in Chinese (the kind of interplay a floor cannot express).
    /// </summary>
    private static List<(float[] Inputs, Grade Label)> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(float[], Grade)>(count);
        for (var n = 0; n < count; n++)
        {
            var inputs = new float[GradeDecision.InputCount];
            var english = random.Next(2) == 1;
            var death = random.NextDouble() < 0.3 ? 0.6f + (0.4f * random.NextSingle()) : 0.2f * random.NextSingle();
            var said = (Grade)random.Next(Grades.All.Count);
            var label = death > 0.5f && !english ? Grade.Red : said;
            var own = new float[Grades.All.Count];
            own[(int)said] = 0.6f + (0.3f * random.NextSingle());
            own[random.Next(own.Length)] += 0.1f;
            var signs = new float[HardSignalNames.All.Count];
            signs[HardSignalNames.IndexOf(HardSignals.Death)] = death;
            GradeDecision.Inputs(own, signs, new float[Signals.FactSignNames.All.Count], english, inputs);
            rows.Add((inputs, label));
        }

        return rows;
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }
}
