using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Signals;

/// <summary>
/// One learned hard sign: a logistic regression over which words and characters the report contains (present or not,
/// however long the report: a sign is mentioned, not a share of the text) and the dense facts and keyword flags, and
/// the threshold at which the sign counts as present. The threshold is chosen so
/// that, on reports of writers the model never saw, at least <see cref="SignalModels.TargetRecall"/> of the reports
/// with the sign reach it.
/// </summary>
public sealed class SignalModel(HardSignals signal, float bias, int[] slots, float[] weights, float threshold)
{
    public HardSignals Signal { get; } = signal;

    public float Threshold { get; } = threshold;

    /// <summary>Feature slots with a weight, ascending.</summary>
    internal int[] Slots { get; } = slots;

    internal float[] Weights { get; } = weights;

    internal float Bias { get; } = bias;

    /// <summary>The probability of the sign for one feature vector (sparse, indices ascending).</summary>
    public float Probability(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        // Both index lists ascend: one merge pass, no lookup table.
        var z = Bias;
        int i = 0, j = 0;
        var s = Slots;
        while (i < indices.Length && j < s.Length)
        {
            var a = indices[i];
            var b = s[j];
            if (a == b)
            {
                z += (a < FeatureBuilder.TextSlots ? 1f : values[i]) * Weights[j];
                i++;
                j++;
            }
            else if (a < b)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return 1f / (1f + MathF.Exp(-z));
    }

    /// <summary>This model with another threshold (chosen after training).</summary>
    public SignalModel WithThreshold(float threshold) => new(Signal, Bias, Slots, Weights, threshold);
}

/// <summary>
/// The seven hard-sign models of a grading model (<see cref="HardSignalNames.All"/>, in that order), trained on the
/// written corpus's sign labels, and stored in the model file as <see cref="Entry"/>.
/// </summary>
public sealed class SignalModels(IReadOnlyList<SignalModel> models)
{
    /// <summary>Recall each sign's threshold is chosen for, on writers the model did not see.</summary>
    public const double TargetRecall = 0.98;

    public const string Entry = "riskwatch/signals.bin";

    private const int FormatVersion = 1;

    public IReadOnlyList<SignalModel> Models { get; } = models;

    /// <summary>Each sign's probability for one feature vector, into <paramref name="probabilities"/> (one slot per sign).</summary>
    public HardSignals Detect(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        var fired = HardSignals.None;
        for (var k = 0; k < Models.Count; k++)
        {
            var p = Models[k].Probability(indices, values);
            probabilities[k] = p;
            if (p >= Models[k].Threshold)
            {
                fired |= Models[k].Signal;
            }
        }

        return fired;
    }

    /// <summary>
    /// Trains one logistic regression per sign on the examples that carry sign labels (the written corpus; the generated
    /// corpus has none). Thresholds are 0.5 here; <see cref="ChooseThresholds"/> sets them from held-out scores.
    /// </summary>
    public static SignalModels Train(IReadOnlyList<(VBuffer<float> Features, HardSignals Signals)> examples, int seed, int threads) =>
        TrainWith(examples, seed, threads, 0f, 0.05f);

    public static SignalModels TrainWith(IReadOnlyList<(VBuffer<float> Features, HardSignals Signals)> examples, int seed, int threads, float l1, float l2)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var ml = new MLContext(seed);
        var models = new List<SignalModel>(HardSignalNames.All.Count);
        foreach (var signal in HardSignalNames.All)
        {
            var rows = examples.Select(e => new SignalRow { Label = (e.Signals & signal) != 0, Features = Presence(e.Features) });
            var data = ml.Data.LoadFromEnumerable(rows);
            var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(SignalRow.Label),
                FeatureColumnName = nameof(SignalRow.Features),
                L1Regularization = l1,
                L2Regularization = l2,
                NumberOfThreads = threads,
            });
            var transformer = trainer.Fit(data);
            var parameters = (CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>)transformer.Model;
            var weights = parameters.SubModel.Weights;
            var slots = new List<int>();
            var values = new List<float>();
            var index = 0;
            foreach (var w in weights)
            {
                if (w != 0)
                {
                    slots.Add(index);
                    values.Add(w);
                }

                index++;
            }

            models.Add(new SignalModel(signal, parameters.SubModel.Bias, [.. slots], [.. values], 0.5f));
        }

        return new SignalModels(models);
    }

    /// <summary>The vector with every text slot as 1 (present) and the dense block as it is: what the sign models read.</summary>
    internal static VBuffer<float> Presence(VBuffer<float> features)
    {
        var indices = features.GetIndices();
        var values = features.GetValues().ToArray();
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < FeatureBuilder.TextSlots)
            {
                values[i] = 1f;
            }
        }

        return new VBuffer<float>(features.Length, indices.Length, values, indices.ToArray());
    }

    /// <summary>
    /// For each sign, the highest threshold at which at least <see cref="TargetRecall"/> of the held-out reports that have
    /// the sign score at or above it; a sign no held-out report has keeps its threshold.
    /// </summary>
    public SignalModels ChooseThresholds(IReadOnlyList<(float[] Probabilities, HardSignals Signals)> heldOut)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        var chosen = new List<SignalModel>(Models.Count);
        for (var k = 0; k < Models.Count; k++)
        {
            var signal = Models[k].Signal;
            var positives = heldOut.Where(h => (h.Signals & signal) != 0).Select(h => h.Probabilities[k]).Order().ToList();
            chosen.Add(positives.Count == 0 ? Models[k] : Models[k].WithThreshold(ThresholdFor(positives, TargetRecall)));
        }

        return new SignalModels(chosen);
    }

    /// <summary>The highest threshold that keeps <paramref name="recall"/> of the (ascending) positive scores.</summary>
    public static float ThresholdFor(IReadOnlyList<float> ascendingPositives, double recall)
    {
        ArgumentNullException.ThrowIfNull(ascendingPositives);
        var missable = (int)Math.Floor(ascendingPositives.Count * (1 - recall) + 1e-9);
        return ascendingPositives[Math.Min(missable, ascendingPositives.Count - 1)];
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatVersion);
        writer.Write(Models.Count);
        foreach (var m in Models)
        {
            writer.Write((int)m.Signal);
            writer.Write(m.Bias);
            writer.Write(m.Threshold);
            writer.Write(m.Slots.Length);
            foreach (var slot in m.Slots)
            {
                writer.Write(slot);
            }

            foreach (var w in m.Weights)
            {
                writer.Write(w);
            }
        }
    }

    public static SignalModels Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException($"{Entry} has a format this build does not read. Retrain the model.");
        }

        var count = reader.ReadInt32();
        var models = new List<SignalModel>(count);
        for (var k = 0; k < count; k++)
        {
            var signal = (HardSignals)reader.ReadInt32();
            var bias = reader.ReadSingle();
            var threshold = reader.ReadSingle();
            var n = reader.ReadInt32();
            var slots = new int[n];
            var weights = new float[n];
            for (var i = 0; i < n; i++)
            {
                slots[i] = reader.ReadInt32();
            }

            for (var i = 0; i < n; i++)
            {
                weights[i] = reader.ReadSingle();
            }

            models.Add(new SignalModel(signal, bias, slots, weights, threshold));
        }

        if (!models.Select(m => m.Signal).SequenceEqual(HardSignalNames.All))
        {
            throw new InvalidDataException($"{Entry} does not hold the hard signs this build expects. Retrain the model.");
        }

        return new SignalModels(models);
    }

    private sealed class SignalRow
    {
        public bool Label { get; set; }

        [VectorType(FeatureBuilder.Length)]
        public VBuffer<float> Features { get; set; }
    }
}
