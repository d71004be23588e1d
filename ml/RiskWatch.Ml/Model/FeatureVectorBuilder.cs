using Microsoft.ML.Data;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml.Model;

/// <summary>
/// Builds feature vectors into buffers it keeps between reports, so that scoring allocates nothing
/// per report for them. The vector it returns is valid until the next <see cref="Build"/>. Not
/// thread-safe: each scoring worker owns one.
/// </summary>
/// <param name="textSlotsRead">
/// The text slots the model reads (null: all). A slot the model gives no weight changes no score,
/// so leaving it out gives the same scores for less work: the prediction engine's cost grows with
/// the vector's non-zeros (each one a lookup in five weight vectors of 2^18 floats), and when the
/// model reads no text slot at all the n-grams are not computed.
/// </param>
public sealed class FeatureVectorBuilder(SlotMask? textSlotsRead = null)
{
    private readonly TextNgramHasher ngrams = new();
    private readonly float[] dense = new float[FeatureBuilder.DenseLength];
    private int[] indices = new int[512];
    private float[] values = new float[512];

    /// <param name="normalizedText">The report's text after <c>TextNumberExtractor.Normalize</c>.</param>
    /// <param name="floor">The highest policy floor that fired (a dense feature).</param>
    public VBuffer<float> Build(ReportV1 report, ReportFacts facts, string normalizedText, Grade floor)
    {
        ReadText(normalizedText);
        return Build(report, facts, floor);
    }

    /// <summary>
    /// The first half of <see cref="Build(ReportV1, ReportFacts, string, Grade)"/>: the text's n-grams, whose slots it
    /// returns (ascending; valid until the next call), so that a scorer can fetch their weights while it reads the facts.
    /// </summary>
    public ReadOnlySpan<int> ReadText(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        if (textSlotsRead is { Count: 0 })
        {
            textCount = 0;
            return [];
        }

        ngrams.Featurise(normalizedText, textSlotsRead);
        textCount = ngrams.Count;
        return ngrams.Indices;
    }

    /// <summary>The second half: the vector of the text last read (<see cref="ReadText"/>) and the report's dense features.</summary>
    /// <param name="floor">The highest policy floor that fired (a dense feature).</param>
    public VBuffer<float> Build(ReportV1 report, ReportFacts facts, Grade floor)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(facts);
        Array.Clear(this.dense);
        FeatureBuilder.WriteDense(report, facts, floor, this.dense);

        var text = textCount;
        if (this.indices.Length < text + FeatureBuilder.DenseLength)
        {
            this.indices = new int[(text + FeatureBuilder.DenseLength) * 2];
            values = new float[this.indices.Length];
        }

        if (text > 0)
        {
            ngrams.Indices.CopyTo(this.indices);
            ngrams.Values.CopyTo(values);
        }

        var n = text;
        for (var i = 0; i < this.dense.Length; i++)
        {
            if (this.dense[i] != 0)
            {
                this.indices[n] = FeatureBuilder.DenseOffset + i;
                values[n] = this.dense[i];
                n++;
            }
        }

        count = n;
        return new VBuffer<float>(FeatureBuilder.Length, n, values, this.indices);
    }

    /// <summary>
    /// The vector of the last <see cref="Build"/> with the learned signs' probabilities in their slots: the hard signs', then
    /// the facts' (the last of the vector, so the indices still ascend). The learned signs read the vector without them.
    /// </summary>
    public VBuffer<float> WithLearnedSigns(ReadOnlySpan<float> signs, ReadOnlySpan<float> facts)
    {
        // Build left room: the learned slots are dense slots it never fills.
        var n = count + FeatureBuilder.WriteLearnedSigns(signs, facts, this.indices.AsSpan(count), values.AsSpan(count));
        return new VBuffer<float>(FeatureBuilder.Length, n, values, this.indices);
    }

    private int count;
    private int textCount;
}
