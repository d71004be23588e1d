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

    private RiskModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ModelMetadata metadata)
    {
        _ml = ml;
        _transformer = transformer;
        Metadata = metadata;
        _slotGrades = SlotGrades(transformer.GetOutputSchema(inputSchema));
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
    }
}
