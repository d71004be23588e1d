using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml;

public enum TrainerKind
{
    SdcaMaximumEntropy = 0,
    LightGbm = 1,
    FastTreeOva = 2,
}

public sealed record TrainingOptions
{
    public TrainerKind Trainer { get; init; } = TrainerKind.SdcaMaximumEntropy;

    /// <summary>Which parts of the corpus to train on. The default keeps validation and test unseen;
    /// the shipped model may train on train and validation once the trainer has been chosen.</summary>
    public IReadOnlySet<CorpusPart> TrainOn { get; init; } = new HashSet<CorpusPart> { CorpusPart.Train };

    public int Seed { get; init; } = 211;

    /// <summary>Cap on the threads trainers use: the product trains on a shared 2-core machine.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Clock for the version's date; tests pin it.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>The version to stamp; null means <c>m-YYYYMMDD-&lt;first 8 hex of the data hash&gt;</c>.</summary>
    public string? Version { get; init; }
}

public sealed record TrainingResult(
    string Version,
    string ModelPath,
    TrainerKind Trainer,
    int TrainCount,
    TimeSpan Elapsed,
    EvaluationResult? Validation);

/// <summary>Metadata stored inside model.zip (entry <see cref="ModelTrainer.MetadataEntry"/>).</summary>
public sealed record ModelMetadata(string Version, string Trainer, DateTimeOffset TrainedAt, string TrainingDataSha256, int TrainCount, int FeatureVersion);

/// <summary>Trains the grading model from the labelled corpus.</summary>
public static class ModelTrainer
{
    public const string MetadataEntry = "riskwatch/metadata.json";

    /// <summary>Bumped whenever <see cref="FeatureBuilder"/> changes meaning, so that an old model.zip is not fed new features.
    /// 3: hashed n-grams (<see cref="TextNgramHasher"/>) in place of ML.NET's dictionary FeaturizeText.</summary>
    public const int FeatureVersion = 3;

    public static TrainingResult Train(string corpusPath, string outputModelPath, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        var sha = Sha256OfFile(corpusPath);
        var corpus = LabelledCorpus.Read(corpusPath);
        var train = corpus.Where(r => options.TrainOn.Contains(CorpusSplit.Of(r.Report.ReportId))).ToList();
        if (train.Count == 0)
        {
            throw new InvalidOperationException($"No report of {corpusPath} falls in the parts to train on.");
        }

        var result = TrainRows(train, sha, outputModelPath, options);
        var elapsed = sw.Elapsed;

        EvaluationResult? validation = null;
        if (!options.TrainOn.Contains(CorpusPart.Validation))
        {
            using var trained = RiskModel.Load(outputModelPath);
            validation = ModelEvaluator.Evaluate(trained, corpus.Where(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Validation));
        }

        return result with { Elapsed = elapsed, Validation = validation };
    }

    /// <summary>
    /// Trains on exactly the given rows (the caller chose them: corpus parts, responders' feedback) and
    /// saves the model; <paramref name="dataSha256"/> identifies the training data in the model's metadata.
    /// </summary>
    public static TrainingResult TrainRows(
        IReadOnlyList<(ReportV1 Report, Grade Label)> train, string dataSha256, string outputModelPath, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataSha256);
        if (train.Count == 0)
        {
            throw new InvalidOperationException("Nothing to train on.");
        }

        var sw = Stopwatch.StartNew();
        var sha = dataSha256;
        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(ToInputs(train));
        var model = BuildPipeline(ml, options.Trainer, options.Threads).Fit(data);

        var now = options.Now ?? DateTimeOffset.UtcNow;
        var version = options.Version ?? string.Create(CultureInfo.InvariantCulture, $"m-{now:yyyyMMdd}-{sha[..Math.Min(8, sha.Length)]}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(outputModelPath));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        // Write next to the target and move into place, so a reader never sees half a model.
        var temp = outputModelPath + ".tmp";
        ml.Model.Save(model, data.Schema, temp);
        var meta = new ModelMetadata(version, options.Trainer.ToString(), now, sha, train.Count, FeatureVersion);
        using (var zip = ZipFile.Open(temp, ZipArchiveMode.Update))
        {
            var entry = zip.CreateEntry(MetadataEntry);
            using var stream = entry.Open();
            JsonSerializer.Serialize(stream, meta, LabelledCorpus.JsonOptions);
        }

        File.Move(temp, outputModelPath, overwrite: true);
        return new TrainingResult(version, outputModelPath, options.Trainer, train.Count, sw.Elapsed, null);
    }

    /// <summary>SHA-256 (lower-case hex) of a file: the corpus's identity in a model's metadata.</summary>
    public static string Sha256OfFile(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>k-fold cross-validated macro-F1 of the learned model (without floors) on the given reports.</summary>
    public static double CrossValidateMacroF1(IReadOnlyList<(ReportV1 Report, Grade Label)> rows, TrainerKind trainer, int folds = 5, int seed = 211)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(ToInputs(rows));
        var results = ml.MulticlassClassification.CrossValidate(data, BuildPipeline(ml, trainer, 2), folds, "Label", seed: seed);
        return results.Average(r => MacroF1(r.Metrics.ConfusionMatrix));
    }

    private static double MacroF1(Microsoft.ML.Data.ConfusionMatrix cm)
    {
        var f1s = new List<double>();
        for (var c = 0; c < cm.NumberOfClasses; c++)
        {
            double tp = cm.Counts[c][c], fp = 0, fn = 0;
            for (var o = 0; o < cm.NumberOfClasses; o++)
            {
                if (o != c)
                {
                    fp += cm.Counts[o][c];
                    fn += cm.Counts[c][o];
                }
            }

            if (tp + fn > 0)
            {
                var p = tp + fp == 0 ? 0 : tp / (tp + fp);
                var r = tp / (tp + fn);
                f1s.Add(p + r == 0 ? 0 : 2 * p * r / (p + r));
            }
        }

        return f1s.Count == 0 ? 0 : f1s.Average();
    }

    internal static IEnumerable<ModelInput> ToInputs(IEnumerable<(ReportV1 Report, Grade Label)> rows) =>
        rows.Select(r => FeatureBuilder.Build(r.Report, ReportFacts.Of(r.Report), r.Label));

    /// <summary>The feature slots tree trainers see: those non-zero in at least one training report.</summary>
    private const string TreeFeatures = "UsedFeatures";

    internal static IEstimator<ITransformer> BuildPipeline(MLContext ml, TrainerKind kind, int threads)
    {
        // The features come ready-made from FeatureBuilder (hashed n-grams + dense block, one sparse
        // vector): ML.NET only maps the label to a key and trains. Keys follow the order of
        // Grades.All, so score slot i is grade i; RiskModel still checks the slot names on load.
        var keys = ml.Data.LoadFromEnumerable(Grades.All.Select(g => new GradeKeyRow { Grade = g.ToWire() }));
        IEstimator<ITransformer> features = ml.Transforms.Conversion.MapValueToKey("Label", nameof(ModelInput.Grade), keyData: keys);
        if (kind != TrainerKind.SdcaMaximumEntropy)
        {
            // Tree trainers pay per column: LightGbm took 83 s on the 262,222-slot vector against 14 s on
            // the dictionary's 46,720, though about 216,000 hashed slots are zero in every training
            // report. Dropping the slots that are never non-zero in training (saved in the pipeline,
            // applied at scoring too) gives the trees the same splits on a vector of the dictionary's
            // size. SDCA handles the sparse vector at no such cost and keeps the full one.
            features = features.Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(TreeFeatures, nameof(ModelInput.Features), count: 1));
        }

        IEstimator<ITransformer> trainer = kind switch
        {
            TrainerKind.SdcaMaximumEntropy => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = nameof(ModelInput.Features),
                MaximumNumberOfIterations = 15,
                NumberOfThreads = threads,
            }),
            TrainerKind.LightGbm => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = TreeFeatures,
                NumberOfIterations = 150,
                LearningRate = 0.1,
                NumberOfLeaves = 31,
                MinimumExampleCountPerLeaf = 10,
                NumberOfThreads = threads,
                Seed = 211,
                UseSoftmax = true,
            }),
            TrainerKind.FastTreeOva => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    LabelColumnName = "Label",
                    FeatureColumnName = TreeFeatures,
                    NumberOfTrees = 100,
                    NumberOfLeaves = 20,
                    NumberOfThreads = threads,
                }),
                labelColumnName: "Label"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return features.Append(trainer);
    }
}
