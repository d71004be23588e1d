using Microsoft.ML.Data;

namespace RiskWatch.Ml.Model;

/// <summary>One report as the ML.NET pipeline sees it.</summary>
public sealed class ModelInput
{
    /// <summary>The label's wire name (none, blue, ...); empty when predicting.</summary>
    public string Grade { get; set; } = "";

    /// <summary>Hashed text n-grams then the dense block (<see cref="FeatureBuilder"/>), sparse.</summary>
    [VectorType(FeatureBuilder.Length)]
    public VBuffer<float> Features { get; set; }
}

/// <summary>The key values of the label, in grade order, so that key k = grade k - 1.</summary>
public sealed class GradeKeyRow
{
    public string Grade { get; set; } = "";
}

/// <summary>The trained pipeline's output: one probability per label key (see <see cref="RiskModel"/> for the slot-to-grade map).</summary>
public sealed class ModelOutput
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}
