using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RiskWatch.Ml.Signals;

namespace RiskWatch.Ml.Model;

/// <summary>
/// The learned signs' and the linear grade model's weights side by side, one row per feature slot, so that a report's
/// few hundred slots are read once for both. A text slot's row is 64 bytes on a 64-byte boundary, one cache line: the
/// sign and fact models' weights (up to 16), then the grade classes' (up to 8), each a 16-bit integer times its column's
/// scale (the column's largest weight over 32,767). 16 MB for the 2^18 text slots: with jieba's 8 MB word table it fits
/// the machine's 32 MB cache, where the 32 MB of float rows did not (ml/README.md, "Scoring speed"). A weight is off by at
/// most half a step, 1/65,534 of its column's largest; <c>ModelBehaviourTests</c> bounds what that does to the
/// probabilities. The dense slots (a hundred) keep float rows. In the pinned heap, so the alignment holds. Read-only
/// once built: safe from many threads.
/// </summary>
internal sealed class SlotWeights
{
    public const int MaxModels = 16;
    public const int MaxClasses = 8;
    private const int RowLength = 32;

    private readonly short[] textRows;
    private readonly int textStart;
    private readonly float[] denseRows;
    private readonly int denseStart;
    private readonly Vector256<float> lowScale;
    private readonly Vector256<float> highScale;
    private readonly Vector256<float> gradeScale;
    private readonly SignalModels learned;
    private readonly LinearScores grade;

    private SlotWeights(SignalModels learned, LinearScores grade)
    {
        this.learned = learned;
        this.grade = grade;

        // A column's scale is its largest weight over the text slots; then each text weight is a whole number of steps.
        var scale = new float[RowLength];
        ForEachWeight((slot, k, w) =>
        {
            if (slot < FeatureBuilder.TextSlots)
            {
                scale[k] = Math.Max(scale[k], Math.Abs(w));
            }
        });
        for (var k = 0; k < RowLength; k++)
        {
            scale[k] = scale[k] > 0 ? scale[k] / short.MaxValue : 1f;
        }

        (this.textRows, this.textStart) = AlignedRows.Allocate<short>(FeatureBuilder.TextSlots * RowLength, RowLength * sizeof(short));
        (this.denseRows, this.denseStart) = AlignedRows.Allocate<float>(FeatureBuilder.DenseLength * RowLength, RowLength * sizeof(float));
        ForEachWeight((slot, k, w) =>
        {
            if (slot < FeatureBuilder.TextSlots)
            {
                this.textRows[this.textStart + (slot * RowLength) + k] = (short)MathF.Round(w / scale[k]);
            }
            else
            {
                this.denseRows[this.denseStart + ((slot - FeatureBuilder.TextSlots) * RowLength) + k] = w;
            }
        });
        this.lowScale = Vector256.Create<float>(scale);
        this.highScale = Vector256.Create<float>(scale.AsSpan(8));
        this.gradeScale = Vector256.Create<float>(scale.AsSpan(MaxModels));
    }

    /// <summary>Each weight with its slot and column: the learned models' (column = model), then the grade classes' (column 16 + class).</summary>
    private void ForEachWeight(WeightAction action)
    {
        for (var k = 0; k < this.learned.Models.Count; k++)
        {
            var model = this.learned.Models[k];
            for (var j = 0; j < model.Slots.Length; j++)
            {
                action(model.Slots[j], k, model.Weights[j]);
            }
        }

        for (var slot = 0; slot < FeatureBuilder.Length; slot++)
        {
            for (var c = 0; c < this.grade.Classes; c++)
            {
                action(slot, MaxModels + c, this.grade.Weight(slot, c));
            }
        }
    }

    private delegate void WeightAction(int slot, int column, float weight);

    /// <summary>The shared table of <paramref name="learned"/> and <paramref name="grade"/>, or null when they do not fit its rows.</summary>
    public static SlotWeights? For(SignalModels? learned, LinearScores? grade) =>
        learned is { Models.Count: > 0 and <= MaxModels } && grade is { Classes: <= MaxClasses } ? new SlotWeights(learned, grade) : null;

    /// <summary>
    /// Asks the processor to fetch the rows of <paramref name="textSlots"/> into its caches, without waiting for them: the
    /// scorer calls it before it reads the report's facts, so the rows, most of them in memory, arrive while it works.
    /// </summary>
    public unsafe void Prefetch(ReadOnlySpan<int> textSlots)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        ref var rows = ref MemoryMarshal.GetArrayDataReference(this.textRows);
        foreach (var slot in textSlots)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref rows, this.textStart + (slot * RowLength))));
        }
    }

    /// <summary>
    /// Sums a report's slots (a vector without the learned slots, indices ascending) for both models: the learned models'
    /// probabilities into <paramref name="probabilities"/> (text slots count as present, as
    /// <see cref="SignalModels.Probabilities"/> reads them), and the grade model's partial sums, which
    /// <see cref="GradeScores"/> completes.
    /// </summary>
    public Vector256<float> Sum(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        // Text slots: the signs read them as present, so their integer weights are added as they are (exact), and scaled once.
        var text = this.textRows.AsSpan(this.textStart);
        var lowSteps = Vector256<int>.Zero;
        var highSteps = Vector256<int>.Zero;
        var gradeSteps = Vector256<float>.Zero;
        var i = 0;
        for (; i < indices.Length && indices[i] < FeatureBuilder.TextSlots; i++)
        {
            var row = text.Slice(indices[i] * RowLength, RowLength);
            var (low, high) = Vector256.Widen(Vector256.Create<short>(row));
            lowSteps += low;
            highSteps += high;
            gradeSteps += Vector256.Create(values[i]) * Vector256.ConvertToSingle(Vector256.Widen(Vector256.Create<short>(row[MaxModels..])).Lower);
        }

        var lowSum = Vector256.ConvertToSingle(lowSteps) * this.lowScale;
        var highSum = Vector256.ConvertToSingle(highSteps) * this.highScale;
        var gradeSum = gradeSteps * this.gradeScale;
        var dense = this.denseRows.AsSpan(this.denseStart);
        for (; i < indices.Length; i++)
        {
            var row = dense.Slice((indices[i] - FeatureBuilder.TextSlots) * RowLength, RowLength);
            var value = Vector256.Create(values[i]);
            lowSum += value * Vector256.Create<float>(row);
            highSum += value * Vector256.Create<float>(row[8..]);
            gradeSum += value * Vector256.Create<float>(row[MaxModels..]);
        }

        Span<float> z = stackalloc float[MaxModels];
        lowSum.CopyTo(z);
        highSum.CopyTo(z[8..]);
        this.learned.FromSums(z, probabilities);
        return gradeSum;
    }

    /// <summary>The grade model's probabilities from <see cref="Sum"/>'s partial sums and the learned slots that follow the report's own.</summary>
    public void GradeScores(Vector256<float> partial, ReadOnlySpan<int> learnedIndices, ReadOnlySpan<float> learnedValues, Span<float> scores)
    {
        var dense = this.denseRows.AsSpan(this.denseStart);
        for (var i = 0; i < learnedIndices.Length; i++)
        {
            partial += Vector256.Create(learnedValues[i]) * Vector256.Create<float>(dense.Slice(((learnedIndices[i] - FeatureBuilder.TextSlots) * RowLength) + MaxModels, MaxClasses));
        }

        this.grade.Softmax(partial, scores);
    }
}
