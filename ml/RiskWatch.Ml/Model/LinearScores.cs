using System.Runtime.Intrinsics;
using Microsoft.ML.Data;

namespace RiskWatch.Ml.Model;

/// <summary>
/// A multiclass linear model's scores computed straight from its weights: <c>softmax(W·x + b)</c>, as ML.NET's
/// maximum-entropy predictor computes them. The weights are laid out slot by slot (<c>[slot * 8 + c]</c>), so a
/// report's few hundred non-zero slots are read once for all classes: about 1.3 µs a report, where ML.NET's prediction
/// engine took 5-14 µs (ml/README.md, "Scoring speed"). With learned signs the scorer reads these weights from
/// <see cref="SlotWeights"/> instead, in the same pass as the signs'. Tree models keep the engine. <c>ModelBehaviourTests.Scores_equal_the_ml_net_engine_fed_the_whole_feature_vector</c> holds this
/// equal to ML.NET's engine.
/// </summary>
public sealed class LinearScores
{
    // A row per slot: the classes' weights padded to a Vector256 of 8 floats, 32 bytes that never straddle a cache line
    // and are summed in one instruction (5 classes in rows of 5 floats straddled a line every third row).
    private const int RowLength = 8;

    private readonly float[] biases;

    // The rows, from the first 32-byte boundary of a pinned array (never moved).
    private readonly Memory<float> table;

    public LinearScores(IReadOnlyList<VBuffer<float>> weights, IReadOnlyList<float> biases)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count > RowLength)
        {
            throw new ArgumentException($"A linear grade model has at most {RowLength} classes; this one has {weights.Count}.", nameof(weights));
        }

        Classes = weights.Count;
        this.biases = [.. biases];
        var (rows, start) = AlignedRows.Allocate<float>(FeatureBuilder.Length * RowLength, RowLength * sizeof(float));
        this.table = rows.AsMemory(start, FeatureBuilder.Length * RowLength);
        var table = this.table.Span;
        for (var c = 0; c < Classes; c++)
        {
            foreach (var (slot, value) in weights[c].Items())
            {
                table[(slot * RowLength) + c] = value;
            }
        }
    }

    public int Classes { get; }

    /// <summary>The weight of feature <paramref name="slot"/> for score slot <paramref name="scoreSlot"/>.</summary>
    public float Weight(int slot, int scoreSlot) => this.table.Span[(slot * RowLength) + scoreSlot];

    /// <summary>The class probabilities for one feature vector (indices ascending or not), into <paramref name="scores"/>.</summary>
    public void Score(in VBuffer<float> features, Span<float> scores)
    {
        var indices = features.GetIndices();
        var values = features.GetValues();
        var table = this.table.Span;
        var sum = Vector256<float>.Zero;
        if (indices.Length == 0 && values.Length == features.Length)
        {
            for (var slot = 0; slot < values.Length; slot++)
            {
                sum += Vector256.Create(values[slot]) * Vector256.Create(table.Slice(slot * RowLength, RowLength));
            }
        }
        else
        {
            for (var i = 0; i < indices.Length; i++)
            {
                sum += Vector256.Create(values[i]) * Vector256.Create(table.Slice(indices[i] * RowLength, RowLength));
            }
        }

        Softmax(sum, scores);
    }

    /// <summary>The class probabilities from the weighted sums over a vector's slots (by class, in the first lanes), into <paramref name="scores"/>.</summary>
    internal void Softmax(Vector256<float> sum, Span<float> scores)
    {
        var z = scores[..Classes];
        for (var c = 0; c < z.Length; c++)
        {
            z[c] = this.biases[c] + sum[c];
        }

        var max = float.NegativeInfinity;
        foreach (var v in z)
        {
            max = Math.Max(max, v);
        }

        var total = 0f;
        for (var c = 0; c < z.Length; c++)
        {
            z[c] = MathF.Exp(z[c] - max);
            total += z[c];
        }

        for (var c = 0; c < z.Length; c++)
        {
            z[c] /= total;
        }
    }
}
