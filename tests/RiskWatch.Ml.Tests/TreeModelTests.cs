using Microsoft.ML;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Tests;

/// <summary>A tree model (LightGbm on part of the corpus, to stay quick) through the same scoring path as the default model.</summary>
public sealed class TreeModelTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "riskwatch-tree-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void A_lightgbm_model_scores_as_ml_net_does_and_batches_equal_single_predictions()
    {
        // The generated corpus carries no sign labels, so this model has no sign models and no grade decision: its grade is
        // the engine's, raised to the highest floor.
        var corpus = LabelledCorpus.Read(RepoPaths.Corpus);
        var path = Path.Combine(folder, "model.zip");
        var examples = corpus.Take(1200).Select(r => new TrainingExample(r.Report, r.Label, null, WrittenCorpus.GeneratedWriter)).ToList();
        ModelTrainer.Train(examples, "test", path, new TrainingOptions { Trainer = TrainerKind.LightGbm });
        using var model = RiskModel.Load(path);
        Assert.Equal(FeatureBuilder.TextSlots, model.TextSlotsRead);
        Assert.Null(model.Signals);
        Assert.Null(model.Decision);

        var ml = new MLContext(seed: 211);
        using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(ml.Model.Load(path, out _));
        var held = corpus.Skip(1200).Take(300).ToList();
        var batch = model.PredictBatch(held.Select(r => r.Report).ToList());
        var compared = 0;
        for (var i = 0; i < held.Count; i++)
        {
            var single = model.Predict(held[i].Report);
            Assert.Equal(single.Probabilities, batch[i].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.True(single.Grade >= single.ModelGrade);
            Assert.All(single.Floors, f => Assert.True(single.Grade >= f.Grade));
            if (single.Grade == single.ModelGrade)
            {
                var score = engine.Predict(FeatureBuilder.Build(held[i].Report, ReportFacts.Of(held[i].Report))).Score;
                Assert.Equal(score, single.Probabilities, (a, b) => Math.Abs(a - b) < 1e-5);
                compared++;
            }
        }

        Assert.True(compared > 50, $"only {compared} reports without a raising floor");
        Assert.True(ModelEvaluator.FromPairs(held.Select((r, i) => (r.Label, batch[i].Grade))).MacroF1 >= 0.9);
        Assert.Empty(model.Explain(held[0].Report)); // no linear decomposition for trees
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }
}
