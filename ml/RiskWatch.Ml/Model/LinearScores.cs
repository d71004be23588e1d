using Microsoft.ML.Data;

namespace RiskWatch.Ml.Model;

/// <summary>
/// A multiclass linear model's scores computed straight from its weights: <c>softmax(W·x + b)</c>, as ML.NET's
/// maximum-entropy predictor computes them. The weights are laid out slot by slot (<c>[slot * classes + c]</c>), so a
/// report's few hundred non-zero slots are read once for all classes: 1.3 µs a report, where ML.NET's prediction engine
/// took 5-14 µs (ml/README.md, "Scoring speed"). Tree models keep the engine. <c>ModelBehaviourTests.Scores_equal_the_ml_net_engine_fed_the_whole_feature_vector</c> holds this
/// equal to ML.NET's engine.
/// </summary>
public sealed class LinearScores
{
    private readonly float[] weightsBySlot;
    private readonly float[] biases;

    public LinearScores(IReadOnlyList<VBuffer<float>> weights, IReadOnlyList<float> biases)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        Classes = weights.Count;
        this.biases = [.. biases];
        this.weightsBySlot = new float[FeatureBuilder.Length * Classes];
        for (var c = 0; c < Classes; c++)
        {
            foreach (var (slot, value) in weights[c].Items())
            {
                this.weightsBySlot[(slot * Classes) + c] = value;
            }
        }
    }

    public int Classes { get; }

    /// <summary>The weight of feature <paramref name="slot"/> for score slot <paramref name="scoreSlot"/>.</summary>
    public float Weight(int slot, int scoreSlot) => this.weightsBySlot[(slot * Classes) + scoreSlot];

    /// <summary>The class probabilities for one feature vector (indices ascending or not), into <paramref name="scores"/>.</summary>
    public void Score(in VBuffer<float> features, Span<float> scores)
    {
        var indices = features.GetIndices();
        var values = features.GetValues();
        var z = scores[..Classes];
        this.biases.CopyTo(z);
        var table = this.weightsBySlot.AsSpan();
        if (indices.Length == 0 && values.Length == features.Length)
        {
            for (var slot = 0; slot < values.Length; slot++)
            {
                Add(z, table.Slice(slot * Classes, Classes), values[slot]);
            }
        }
        else
        {
            for (var i = 0; i < indices.Length; i++)
            {
                Add(z, table.Slice(indices[i] * Classes, Classes), values[i]);
            }
        }

        var max = float.NegativeInfinity;
        foreach (var v in z)
        {
            max = Math.Max(max, v);
        }

        var sum = 0f;
        for (var c = 0; c < z.Length; c++)
        {
            z[c] = MathF.Exp(z[c] - max);
            sum += z[c];
        }

        for (var c = 0; c < z.Length; c++)
        {
            z[c] /= sum;
        }
    }

    private static void Add(Span<float> z, ReadOnlySpan<float> row, float value)
    {
        for (var c = 0; c < z.Length; c++)
        {
            z[c] += value * row[c];
        }
    }
}
