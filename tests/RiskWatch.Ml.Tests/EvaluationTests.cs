using Xunit.Abstractions;

namespace RiskWatch.Ml.Tests;

/// <summary>The figures the model is judged by on data in the repository (the CLB incidents are measured by <c>riskwatch model evaluate --clb</c>).</summary>
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
}
