using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Signals;

/// <summary>
/// One learned hard sign: a logistic regression over which words and characters the report contains (present or not,
/// however long the report: a sign is mentioned, not a share of the text) and the dense facts and keyword flags, and two
/// thresholds, both chosen on reports of writers the model never saw. At <see cref="FlagThreshold"/> at least
/// <see cref="SignalModels.TargetRecall"/> of the reports with the sign are caught: the sign is flagged for a person to
/// check. At <see cref="FloorThreshold"/> at least <see cref="SignalModels.FloorPrecision"/> of the reports reaching it have
/// the sign: the sign raises the grade (MODEL-211's floors).
/// </summary>
public sealed class SignalModel(int target, float bias, int[] slots, float[] weights, float flagThreshold, float floorThreshold)
{
    /// <summary>The flag of what the model finds: a <see cref="HardSignals"/> or a <see cref="FactSigns"/> value.</summary>
    public int Target { get; } = target;

    public HardSignals Signal => (HardSignals)Target;

    public float FlagThreshold { get; } = flagThreshold;

    public float FloorThreshold { get; } = floorThreshold;

    /// <summary>Feature slots with a weight, ascending.</summary>
    internal int[] Slots { get; } = slots;

    internal float[] Weights { get; } = weights;

    internal float Bias { get; } = bias;

    /// <summary>This model with other thresholds (chosen after training).</summary>
    public SignalModel WithThresholds(float flag, float floor) => new(Target, Bias, Slots, Weights, flag, floor);
}

/// <summary>The hard signs one report reaches: at their flag thresholds (for a person to check) and at their floor thresholds.</summary>
public readonly record struct SignDetection(HardSignals Flagged, HardSignals Floored);

/// <summary>The targets (flags of the models' target enum) one report reaches at their flag and at their floor thresholds.</summary>
public readonly record struct LearnedDetection(int Flagged, int Floored)
{
    public SignDetection AsSigns => new((HardSignals)Flagged, (HardSignals)Floored);

    public FactSigns FlooredFacts => (FactSigns)Floored;
}

/// <summary>
/// A set of learned signs over one report's feature vector, each a flag of one target enum, trained on the written
/// corpus's labels: the seven hard signs of a grading model (<see cref="HardSignalNames.All"/>, in that order, stored in
/// the model file as <see cref="Entry"/>), and the facts behind the number floors (<see cref="FactSignNames.All"/>, stored
/// as <see cref="FactsEntry"/>).
/// </summary>
public sealed class SignalModels(IReadOnlyList<SignalModel> models)
{
    /// <summary>Recall each sign's flag threshold is chosen for, on writers the model did not see.</summary>
    public const double TargetRecall = 0.98;

    /// <summary>
    /// Precision each sign's floor threshold is chosen for, on writers the model did not see. At the flag threshold the
    /// signs' precision is 0.13-0.7 (ml/README.md): floors there would make a third of all reports red.
    /// </summary>
    public const double FloorPrecision = 0.6;

    /// <summary>
    /// Precision the learned facts' floor thresholds are chosen for. A fact like "two or more workers" holds for half of
    /// all reports, so 60% precision would be reached by almost any score; a fact completes a red floor only when the
    /// model is this sure of it.
    /// </summary>
    public const double FactFloorPrecision = 0.9;

    public const string Entry = "riskwatch/signals.bin";

    public const string FactsEntry = "riskwatch/facts.bin";

    public static IReadOnlyList<int> HardSignTargets { get; } = [.. HardSignalNames.All.Select(s => (int)s)];

    public static IReadOnlyList<int> FactTargets { get; } = [.. FactSignNames.All.Select(s => (int)s)];

    private const int FormatVersion = 2;

    public IReadOnlyList<SignalModel> Models { get; } = models;

    /// <summary>
    /// Every model's weights by feature slot, the models side by side in a row of <see cref="Stride"/> floats
    /// (<c>[tableStart + slot * Stride + k]</c>), each row starting on a 64-byte cache line: a report's few hundred non-zero
    /// slots are each one line fetched for all the models, where one table per model (or per model set) costs a fetch
    /// each. Built on first use (about 17 MB for the fifteen signs and facts, in the pinned heap so the alignment holds);
    /// the models keep their weights sparse for the file and for training.
    /// </summary>
    private SlotTable? weightsBySlot;

    private int Stride => (Models.Count + FloatsPerLine - 1) / FloatsPerLine * FloatsPerLine;

    private const int FloatsPerLine = 16;

    /// <summary>These models followed by <paramref name="other"/>'s, in one set: read together, in one pass over the slots.</summary>
    public SignalModels Concat(SignalModels other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new SignalModels([.. Models, .. other.Models]);
    }

    /// <summary>
    /// Each target's probability for one feature vector, into <paramref name="probabilities"/> (one slot per model), and
    /// the targets that reach their flag and their floor thresholds. Text slots count as present (1), whatever their
    /// value: a sign is mentioned or not, it is not a share of the text.
    /// </summary>
    public LearnedDetection Detect(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        Probabilities(indices, values, probabilities);
        return Reached(probabilities, 0, Models.Count);
    }

    /// <summary>Each model's probability for one feature vector, into <paramref name="probabilities"/> (one slot per model).</summary>
    public void Probabilities(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        var (table, start) = LazyInitializer.EnsureInitialized(ref this.weightsBySlot, WeightsBySlot);
        var stride = Stride;
        Span<float> z = stackalloc float[stride];
        z.Clear();
        var lanes = Vector<float>.Count;
        for (var i = 0; i < indices.Length; i++)
        {
            var slot = indices[i];
            var value = new Vector<float>(InputValue(slot, values[i]));
            var row = table.AsSpan(start + (slot * stride), stride);
            for (var k = 0; k < stride; k += lanes)
            {
                (new Vector<float>(z[k..]) + (value * new Vector<float>(row[k..]))).CopyTo(z[k..]);
            }
        }

        FromSums(z, probabilities);
    }

    /// <summary>What the models read of a feature slot: a text slot as present (1), whatever its value; a dense slot as it is.</summary>
    internal static float InputValue(int slot, float value) => slot < FeatureBuilder.TextSlots ? 1f : value;

    /// <summary>Each model's probability from its weighted sum over a report's slots (<paramref name="sums"/>, by model).</summary>
    internal void FromSums(ReadOnlySpan<float> sums, Span<float> probabilities)
    {
        for (var k = 0; k < Models.Count; k++)
        {
            probabilities[k] = 1f / (1f + MathF.Exp(-(sums[k] + Models[k].Bias)));
        }
    }

    /// <summary>The targets of models <paramref name="first"/> .. first + count - 1 that reach their flag and floor thresholds.</summary>
    public LearnedDetection Reached(ReadOnlySpan<float> probabilities, int first, int count)
    {
        int flagged = 0, floored = 0;
        for (var k = first; k < first + count; k++)
        {
            if (probabilities[k] >= Models[k].FlagThreshold)
            {
                flagged |= Models[k].Target;
            }

            if (probabilities[k] >= Models[k].FloorThreshold)
            {
                floored |= Models[k].Target;
            }
        }

        return new LearnedDetection(flagged, floored);
    }

    private SlotTable WeightsBySlot()
    {
        var stride = Stride;
        var (table, start) = AlignedRows.Allocate<float>(FeatureBuilder.Length * stride, FloatsPerLine * sizeof(float));
        WriteWeightsBySlot(table.AsSpan(start), stride);
        return new SlotTable(table, start);
    }

    /// <summary>Writes model k's weight for slot s at <c>rows[s * rowLength + k]</c> (the rest of <paramref name="rows"/> is left as it is).</summary>
    private void WriteWeightsBySlot(Span<float> rows, int rowLength)
    {
        for (var k = 0; k < Models.Count; k++)
        {
            var model = Models[k];
            for (var j = 0; j < model.Slots.Length; j++)
            {
                rows[(model.Slots[j] * rowLength) + k] = model.Weights[j];
            }
        }
    }

    private sealed record SlotTable(float[] Table, int Start);

    /// <summary>
    /// Trains one logistic regression per target flag on examples labelled with the flags they hold (as an int of the
    /// target's enum). Thresholds are 0.5 here; <see cref="ChooseThresholds"/> sets them from held-out scores.
    /// </summary>
    public static SignalModels Train(IReadOnlyList<(VBuffer<float> Features, int Labels)> examples, IReadOnlyList<int> targets, int seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(targets);
        var ml = new MLContext(seed);
        var models = new List<SignalModel>(targets.Count);
        var presence = examples.Select(e => Presence(e.Features)).ToList();
        foreach (var signal in targets)
        {
            var rows = examples.Select((e, i) => new SignalRow { Label = (e.Labels & signal) != 0, Features = presence[i] });
            var data = ml.Data.LoadFromEnumerable(rows);
            var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(SignalRow.Label),
                FeatureColumnName = nameof(SignalRow.Features),
                L1Regularization = 0f,
                L2Regularization = 0.05f,
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

            models.Add(new SignalModel(signal, parameters.SubModel.Bias, [.. slots], [.. values], 0.5f, 0.5f));
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
            values[i] = InputValue(indices[i], values[i]);
        }

        return new VBuffer<float>(features.Length, indices.Length, values, indices.ToArray());
    }

    /// <summary>
    /// For each sign, from held-out scores: the flag threshold, the highest at which at least <see cref="TargetRecall"/> of
    /// the reports with the sign score at or above it, and the floor threshold, the lowest at which at least
    /// <see cref="FloorPrecision"/> of the reports scoring at or above it have the sign (never under the flag threshold).
    /// A sign no held-out report has keeps its thresholds.
    /// </summary>
    public SignalModels ChooseThresholds(IReadOnlyList<(float[] Probabilities, int Labels)> heldOut, double floorPrecision = FloorPrecision)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        var chosen = new List<SignalModel>(Models.Count);
        for (var k = 0; k < Models.Count; k++)
        {
            var signal = Models[k].Target;
            var positives = heldOut.Where(h => (h.Labels & signal) != 0).Select(h => h.Probabilities[k]).Order().ToList();
            if (positives.Count == 0)
            {
                chosen.Add(Models[k]);
                continue;
            }

            var flag = ThresholdFor(positives, TargetRecall);
            var scored = heldOut.Select(h => (h.Probabilities[k], (h.Labels & signal) != 0)).ToList();
            chosen.Add(Models[k].WithThresholds(flag, Math.Max(flag, ThresholdForPrecision(scored, floorPrecision))));
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

    /// <summary>
    /// The lowest threshold at which at least <paramref name="precision"/> of the scores at or above it are positives (ties
    /// taken together); the highest score when no threshold reaches it.
    /// </summary>
    public static float ThresholdForPrecision(IReadOnlyList<(float Score, bool Positive)> scored, double precision)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var ordered = scored.OrderByDescending(s => s.Score).ToList();
        var best = ordered.Count == 0 ? 1f : ordered[0].Score;
        int truePositives = 0, taken = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            taken++;
            truePositives += ordered[i].Positive ? 1 : 0;
            var tieContinues = i + 1 < ordered.Count && ordered[i + 1].Score == ordered[i].Score;
            if (!tieContinues && truePositives >= precision * taken)
            {
                best = ordered[i].Score;
            }
        }

        return best;
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatVersion);
        writer.Write(Models.Count);
        foreach (var m in Models)
        {
            writer.Write(m.Target);
            writer.Write(m.Bias);
            writer.Write(m.FlagThreshold);
            writer.Write(m.FloorThreshold);
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

    /// <summary>Reads models written by <see cref="Write"/>, which must be for exactly <paramref name="targets"/> (in order).</summary>
    public static SignalModels Read(Stream stream, IReadOnlyList<int> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("The model's learned signs have a format this build does not read. Retrain the model.");
        }

        var count = reader.ReadInt32();
        var models = new List<SignalModel>(count);
        for (var k = 0; k < count; k++)
        {
            var signal = reader.ReadInt32();
            var bias = reader.ReadSingle();
            var flag = reader.ReadSingle();
            var floor = reader.ReadSingle();
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

            models.Add(new SignalModel(signal, bias, slots, weights, flag, floor));
        }

        if (!models.Select(m => m.Target).SequenceEqual(targets))
        {
            throw new InvalidDataException("The model's learned signs are not those this build expects. Retrain the model.");
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
