using BenchmarkDotNet.Attributes;
using RiskWatch.Core.Contract;
using RiskWatch.Ml;

namespace RiskWatch.Benchmarks;

/// <summary>
/// RiskModel.Predict and PredictBatch on corpus reports with the default (SDCA) model, per report, with and without the
/// grade decision (<see cref="TrainingOptions.Decision"/>). Each model is trained once into the temp folder (one to three
/// minutes) and reused by later runs of the same feature version and corpus.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int Batch = 1000;

    private RiskModel model = null!;

    /// <summary>The model the benchmarks grade with (after <see cref="Setup"/>).</summary>
    internal RiskModel Model => model;
    private List<ReportV1> reports = [];
    private int next;

    /// <summary>PredictBatch's threads (RiskModel.BatchThreads); Predict is one thread either way.</summary>
    [Params(1, 2)]
    public int BatchThreads { get; set; }

    [Params(false, true)]
    public bool Decision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var training = TrainingCorpus.Default();
        var path = Path.Combine(Path.GetTempPath(), $"riskwatch-bench-model-f{ModelTrainer.FeatureVersion}-{training.Sha256[..8]}{(Decision ? "-decision" : "")}.zip");
        if (!File.Exists(path))
        {
            ModelTrainer.Train(training.Examples, training.Sha256, path, new TrainingOptions { Decision = Decision });
        }

        model = RiskModel.Load(path);
        model.BatchThreads = BatchThreads;
        reports = LabelledCorpus.ReadReports(SeedCorpus.DefaultPath).ToList();
    }

    [GlobalCleanup]
    public void Cleanup() => model.Dispose();

    /// <summary>One report at a time, cycling through the corpus.</summary>
    [Benchmark]
    public GradePrediction Predict()
    {
        next = (next + 1) % reports.Count;
        return model.Predict(reports[next]);
    }

    /// <summary>A batch of 1,000 corpus reports; the time shown is per report.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public IReadOnlyList<GradePrediction> PredictBatch()
    {
        next = (next + Batch) % (reports.Count - Batch);
        return model.PredictBatch(reports.GetRange(next, Batch));
    }
}
