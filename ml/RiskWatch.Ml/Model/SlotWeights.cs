using System.Runtime.Intrinsics;
using RiskWatch.Ml.Signals;

namespace RiskWatch.Ml.Model;

/// <summary>
/// The learned signs' and the linear grade model's weights side by side, one row per feature slot, so that a report's
/// few hundred slots are read once for both: a row is the sign and fact models' weights (up to 16 floats), then the
/// grade classes' (up to 8), padded to 32 floats: 128 bytes on a 128-byte boundary, two adjacent cache lines. Reading
/// the two models from tables of their own cost two cache misses per slot in two passes; a tenth of a report's time
/// went to the grade model's pass alone (ml/README.md, "Scoring speed"). 32 MB for the 2^18 text slots, in the pinned
/// heap so the alignment holds. Read-only once built: safe from many threads.
/// </summary>
internal sealed class SlotWeights
{
    public const int MaxModels = 16;
    public const int MaxClasses = 8;
    private const int RowLength = MaxModels + MaxClasses + 8;

    private readonly float[] rows;
    private readonly int start;
    private readonly SignalModels learned;
    private readonly LinearScores grade;

    private SlotWeights(SignalModels learned, LinearScores grade)
    {
        this.learned = learned;
        this.grade = grade;
        (this.rows, this.start) = AlignedRows.Allocate(FeatureBuilder.Length * RowLength, RowLength * sizeof(float));
        learned.WriteWeightsBySlot(this.rows.AsSpan(this.start), RowLength);

        for (var slot = 0; slot < FeatureBuilder.Length; slot++)
        {
            for (var c = 0; c < grade.Classes; c++)
            {
                this.rows[this.start + (slot * RowLength) + MaxModels + c] = grade.Weight(slot, c);
            }
        }
    }

    /// <summary>The shared table of <paramref name="learned"/> and <paramref name="grade"/>, or null when they do not fit its rows.</summary>
    public static SlotWeights? For(SignalModels? learned, LinearScores? grade) =>
        learned is { Models.Count: > 0 and <= MaxModels } && grade is { Classes: <= MaxClasses } ? new SlotWeights(learned, grade) : null;

    /// <summary>
    /// Sums a report's slots (a vector without the learned slots) for both models: the learned models' probabilities
    /// into <paramref name="probabilities"/> (text slots count as present, as <see cref="SignalModels.Probabilities"/>
    /// reads them), and the grade model's partial sums, which <see cref="GradeScores"/> completes.
    /// </summary>
    public Vector256<float> Sum(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
    {
        var table = this.rows.AsSpan(this.start);
        var low = Vector256<float>.Zero;
        var high = Vector256<float>.Zero;
        var gradeSum = Vector256<float>.Zero;
        for (var i = 0; i < indices.Length; i++)
        {
            var slot = indices[i];
            var row = table.Slice(slot * RowLength, RowLength);
            var presence = Vector256.Create(SignalModels.InputValue(slot, values[i]));
            low += presence * Vector256.Create(row);
            high += presence * Vector256.Create(row[8..]);
            gradeSum += Vector256.Create(values[i]) * Vector256.Create(row[MaxModels..]);
        }

        Span<float> z = stackalloc float[MaxModels];
        low.CopyTo(z);
        high.CopyTo(z[8..]);
        this.learned.FromSums(z, probabilities);
        return gradeSum;
    }

    /// <summary>The grade model's probabilities from <see cref="Sum"/>'s partial sums and the learned slots that follow the report's own.</summary>
    public void GradeScores(Vector256<float> partial, ReadOnlySpan<int> learnedIndices, ReadOnlySpan<float> learnedValues, Span<float> scores)
    {
        var table = this.rows.AsSpan(this.start);
        for (var i = 0; i < learnedIndices.Length; i++)
        {
            partial += Vector256.Create(learnedValues[i]) * Vector256.Create(table.Slice((learnedIndices[i] * RowLength) + MaxModels, MaxClasses));
        }

        this.grade.Softmax(partial, scores);
    }
}
