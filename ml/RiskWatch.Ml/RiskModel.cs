using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml;

/// <summary>
/// A trained grading model: the learned ML.NET pipeline plus the policy floors, which only raise
/// a grade. <see cref="Predict"/> is safe to call from many threads.
/// </summary>
public sealed class RiskModel : IDisposable
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;

    // PredictionEngine is not thread-safe; a pool gives each concurrent caller its own and keeps
    // them warm between calls instead of rebuilding one per request.
    private readonly ConcurrentBag<PredictionEngine<ModelInput, ModelOutput>> _engines = [];
    private int _disposed;

    // Score slot i holds the probability of grade _slotGrades[i].
    private readonly Grade[] _slotGrades;

    // For explanations: per-score-slot weights of a linear model (null for tree models), the
    // names of the feature slots, and how many leading slots are text n-grams.
    private readonly VBuffer<float>[]? _weights;
    private readonly string[] _featureNames;
    private readonly int _textSlots;
    private readonly Lock _explainLock = new();
    private PredictionEngine<ModelInput, FeatureRow>? _explainEngine;

    private RiskModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ModelMetadata metadata)
    {
        _ml = ml;
        _transformer = transformer;
        Metadata = metadata;
        var output = transformer.GetOutputSchema(inputSchema);
        _slotGrades = SlotGrades(output);
        (_weights, _featureNames, _textSlots) = LinearWeights(transformer, output);
    }

    private static (VBuffer<float>[]?, string[], int) LinearWeights(ITransformer transformer, DataViewSchema output)
    {
        var features = output["Features"];
        var size = features.Type is VectorDataViewType v ? v.Size : 0;
        var textSlots = output["TextFeatures"].Type is VectorDataViewType t ? t.Size : 0;
        var names = new string[size];
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        if (features.HasSlotNames())
        {
            features.GetSlotNames(ref slotNames);
            var i = 0;
            foreach (var n in slotNames.DenseValues())
            {
                if (i < size)
                {
                    names[i] = n.ToString();
                }

                i++;
            }
        }

        VBuffer<float>[]? weights = null;
        if (transformer is TransformerChain<ITransformer> chain
            && chain.LastTransformer is MulticlassPredictionTransformer<Microsoft.ML.Trainers.MaximumEntropyModelParameters> last)
        {
            last.Model.GetWeights(ref weights, out _);
        }

        return (weights, names, textSlots);
    }

    /// <summary>
    /// Reads which grade each score slot stands for from the label's key values, rather than
    /// trusting an order: a wrong order would silently swap grades.
    /// </summary>
    private static Grade[] SlotGrades(DataViewSchema output)
    {
        var score = output["Score"];
        var size = score.Type is VectorDataViewType v ? v.Size : Grades.All.Count;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        if (score.HasSlotNames())
        {
            score.GetSlotNames(ref names);
        }

        var map = new Grade[size];
        var values = names.DenseValues().ToArray();
        for (var i = 0; i < size; i++)
        {
            if (i < values.Length && Grades.TryParse(values[i].ToString(), out var g))
            {
                map[i] = g;
            }
            else if (values.Length == 0 && i < Grades.All.Count)
            {
                map[i] = (Grade)i;
            }
            else
            {
                throw new InvalidDataException($"Score slot {i} of the model is not a grade.");
            }
        }

        return map;
    }

    public string Version => Metadata.Version;

    public ModelMetadata Metadata { get; }

    public static RiskModel Load(string path)
    {
        var ml = new MLContext(seed: 211);
        ITransformer transformer;
        DataViewSchema inputSchema;
        using (var stream = File.OpenRead(path))
        {
            transformer = ml.Model.Load(stream, out inputSchema);
        }

        ModelMetadata? metadata = null;
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry(ModelTrainer.MetadataEntry);
            if (entry is not null)
            {
                using var s = entry.Open();
                metadata = JsonSerializer.Deserialize<ModelMetadata>(s, LabelledCorpus.JsonOptions);
            }
        }

        if (metadata is null)
        {
            throw new InvalidDataException($"{path} has no {ModelTrainer.MetadataEntry}: not a RiskWatch model.");
        }

        if (metadata.FeatureVersion != ModelTrainer.FeatureVersion)
        {
            throw new InvalidDataException($"{path} was trained on feature version {metadata.FeatureVersion}; this build computes version {ModelTrainer.FeatureVersion}. Retrain the model.");
        }

        return new RiskModel(ml, transformer, inputSchema, metadata);
    }

    public GradePrediction Predict(ReportV1 report)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(report);
        var facts = ReportFacts.Of(report);
        var input = FeatureBuilder.Build(report, facts);
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(_transformer);
        }

        float[] scores;
        try
        {
            scores = (float[])engine.Predict(input).Score.Clone();
        }
        finally
        {
            _engines.Add(engine);
        }

        return Combine(scores, facts);
    }

    /// <summary>Grades many reports in one pass through the pipeline; results are in input order.</summary>
    public IReadOnlyList<GradePrediction> PredictBatch(IReadOnlyList<ReportV1> reports)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            return [];
        }

        var facts = new ReportFacts[reports.Count];
        var inputs = new ModelInput[reports.Count];
        Parallel.For(0, reports.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            facts[i] = ReportFacts.Of(reports[i]);
            inputs[i] = FeatureBuilder.Build(reports[i], facts[i]);
        });
        var scored = _transformer.Transform(_ml.Data.LoadFromEnumerable(inputs));
        var results = new List<GradePrediction>(reports.Count);
        var i = 0;
        foreach (var output in _ml.Data.CreateEnumerable<ModelOutput>(scored, reuseRowObject: false))
        {
            results.Add(Combine(output.Score, facts[i]));
            i++;
        }

        return results;
    }

    private GradePrediction Combine(float[] scores, ReportFacts facts)
    {
        var p = new float[Grades.All.Count];
        var sum = 0f;
        for (var i = 0; i < scores.Length && i < _slotGrades.Length; i++)
        {
            var v = float.IsFinite(scores[i]) ? Math.Max(0, scores[i]) : 0;
            p[(int)_slotGrades[i]] += v;
            sum += v;
        }

        if (sum <= 0)
        {
            Array.Fill(p, 1f / p.Length);
        }
        else
        {
            for (var g = 0; g < p.Length; g++)
            {
                p[g] /= sum;
            }
        }

        var modelGrade = ArgMax(p);
        var floors = GradeFloors.Evaluate(facts);
        var floor = GradeFloors.Highest(floors);
        var grade = Grades.Max(modelGrade, floor);
        if (floor > modelGrade)
        {
            // Move the mass of the grades under the floor onto the floor, so the vector agrees with the grade.
            var moved = 0f;
            for (var g = 0; g < (int)floor; g++)
            {
                moved += p[g];
                p[g] = 0;
            }

            p[(int)floor] += moved;
        }

        var reasons = new List<string>();
        foreach (var f in floors.Where(f => f.Grade == grade))
        {
            reasons.Add(f.Reason);
        }

        reasons.AddRange(Explanations.Describe(facts).Where(r => !reasons.Contains(r)).Take(Math.Max(0, 4 - reasons.Count)));
        return new GradePrediction(grade, p, Version) { Floors = floors, ModelGrade = modelGrade, Reasons = reasons };
    }

    /// <summary>
    /// The features that pushed the report towards its grade, strongest first: for the linear model,
    /// weight × value for the grade minus the mean over grades, mapped back to the text n-gram or the
    /// structured feature it came from. Empty for tree models, which have no such decomposition here.
    /// </summary>
    public IReadOnlyList<FeatureContribution> Explain(ReportV1 report, int top = 5)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(report);
        if (_weights is null)
        {
            return [];
        }

        var prediction = Predict(report);
        var slot = Array.IndexOf(_slotGrades, prediction.ModelGrade);
        var input = FeatureBuilder.Build(report, ReportFacts.Of(report));
        VBuffer<float> x;
        lock (_explainLock)
        {
            _explainEngine ??= _ml.Model.CreatePredictionEngine<ModelInput, FeatureRow>(_transformer);
            x = _explainEngine.Predict(input).Features;
        }

        var contributions = new List<FeatureContribution>();
        foreach (var (j, value) in x.Items())
        {
            if (value == 0)
            {
                continue;
            }

            var mean = 0f;
            foreach (var w in _weights)
            {
                mean += w.GetItemOrDefault(j);
            }

            mean /= _weights.Length;
            var c = (_weights[slot].GetItemOrDefault(j) - mean) * value;
            if (c > 0)
            {
                contributions.Add(new FeatureContribution(FeatureName(j), c));
            }
        }

        return contributions.OrderByDescending(c => c.Contribution).Take(top).ToList();
    }

    private string FeatureName(int j)
    {
        if (j >= _textSlots)
        {
            var d = j - _textSlots;
            return d < FeatureBuilder.DenseNames.Count ? FeatureBuilder.DenseNames[d] : $"feature {j}";
        }

        var raw = j < _featureNames.Length ? _featureNames[j] ?? "" : "";
        var dot = raw.IndexOf('.', StringComparison.Ordinal);
        var kind = dot > 0 ? raw[..dot] : "";
        var gram = (dot > 0 ? raw[(dot + 1)..] : raw)
            .Replace("<␂>", "", StringComparison.Ordinal)
            .Replace("<␃>", "", StringComparison.Ordinal)
            .Replace("<␠>", " ", StringComparison.Ordinal);
        gram = kind.Contains("Char", StringComparison.OrdinalIgnoreCase) ? gram.Replace("|", "", StringComparison.Ordinal) : gram.Replace('|', ' ');
        return $"text \"{gram.Trim()}\"";
    }

    private static Grade ArgMax(float[] p)
    {
        var best = 0;
        for (var g = 1; g < p.Length; g++)
        {
            if (p[g] > p[best])
            {
                best = g;
            }
        }

        return (Grade)best;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_engines.TryTake(out var engine))
        {
            engine.Dispose();
        }

        lock (_explainLock)
        {
            _explainEngine?.Dispose();
        }
    }
}
