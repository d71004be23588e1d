namespace RiskWatch.Ml.Tests;

/// <summary>Trains the model once per test run, into a temporary folder, from the committed corpus.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "riskwatch-ml-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        ModelPath = Path.Combine(Folder, "model.zip");
        Training = ModelTrainer.Train(RepoPaths.Corpus, ModelPath, new TrainingOptions());
        Model = RiskModel.Load(ModelPath);
        Corpus = LabelledCorpus.Read(RepoPaths.Corpus);
    }

    public string Folder { get; }
    public string ModelPath { get; }
    public TrainingResult Training { get; }
    public RiskModel Model { get; }
    public IReadOnlyList<(RiskWatch.Core.Contract.ReportV1 Report, RiskWatch.Core.Grading.Grade Label)> Corpus { get; }

    public void Dispose()
    {
        Model.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the run over it is not.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained model";
}
