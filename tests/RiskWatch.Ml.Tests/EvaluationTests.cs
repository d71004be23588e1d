using RiskWatch.Core.Grading;
using RiskWatch.Testing;
using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

/// <summary>
/// The model on reports of a writer it never read (<see cref="TestModel.HeldOutWriter"/>: 100 reports, 20 per grade, by a
/// writer whose reports train no test model). A model that reads only keywords and the dense facts again, instead of what
/// people write, misses the reds told in its own words and fails here. The full leave-one-writer-out figures are
/// <c>riskwatch model evaluate --by-writer</c>'s (ml/README.md).
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed class EvaluationTests(TrainedModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void On_a_writer_the_model_never_read_red_recall_is_at_least_090_and_macro_f1_at_least_070()
    {
        var heldOut = WrittenCorpus.Read(WrittenCorpus.DefaultDirectory).Where(r => r.Writer == TestModel.HeldOutWriter).ToList();
        Assert.Equal(100, heldOut.Count);
        Assert.All(Grades.All, g => Assert.Equal(20, heldOut.Count(r => r.Label == g)));

        var result = ModelEvaluator.Evaluate(fixture.Model, heldOut.Select(r => (r.Report, r.Label)).ToList());
        output.WriteLine(result.Format());
        Assert.True(result.RedRecall >= 0.90, result.Format());
        Assert.True(result.MacroF1 >= 0.70, result.Format());
    }
}
