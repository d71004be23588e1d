using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Testing;

namespace RiskWatch.Ml.Tests;

/// <summary>The test model (<see cref="TestModel"/>: trained once per corpus and build, shared by every test project) and the generated corpus as input.</summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    public string ModelPath { get; private set; } = "";

    public RiskModel Model { get; private set; } = null!;

    /// <summary>The generated seed corpus: reports of every contract shape to feed the model (its labels measure the templates only).</summary>
    public IReadOnlyList<(ReportV1 Report, Grade Label)> Corpus { get; } = LabelledCorpus.Read(RepoPaths.Corpus);

    public async Task InitializeAsync()
    {
        ModelPath = await TestModel.PathAsync();
        Model = RiskModel.Load(ModelPath);
    }

    public Task DisposeAsync()
    {
        Model.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained model";
}
