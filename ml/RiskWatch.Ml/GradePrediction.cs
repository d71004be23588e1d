using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;

namespace RiskWatch.Ml;

/// <summary>
/// The model's grade for one report. <see cref="Probabilities"/> is indexed by (int)Grade and sums
/// to 1: the grade decision's, or, for a model without one, the grade model's with the probability of the grades below a
/// floor that raised the grade moved onto the floor's grade, so that the vector agrees with the grade.
/// </summary>
public sealed record GradePrediction(Grade Grade, float[] Probabilities, string ModelVersion)
{
    /// <summary>The policy floors that fired, each with its reason.</summary>
    public IReadOnlyList<FiredFloor> Floors { get; init; } = [];

    /// <summary>The grade the learned grade model alone gave (its probabilities weighted by <see cref="RiskModel.GradeWeights"/>), before floors or the decision.</summary>
    public Grade ModelGrade { get; init; }

    /// <summary>The grade model's own probabilities (by grade), as the grade decision reads them.</summary>
    public float[] ModelProbabilities { get; init; } = [];

    /// <summary>Each hard sign's probability (<see cref="HardSignalNames.All"/> order); empty for a model without sign models.</summary>
    public float[] SignProbabilities { get; init; } = [];

    /// <summary>Each learned fact's probability (<see cref="Signals.FactSignNames.All"/> order); empty for a model without them.</summary>
    public float[] FactProbabilities { get; init; } = [];

    /// <summary>
    /// The hard signs found in the report, at the sign models' floor thresholds (or by the keyword patterns, for a model
    /// without sign models): each raises the grade to its floor.
    /// </summary>
    public HardSignals Signs { get; init; }

    /// <summary>Signs the sign models flag but are unsure of (over the flag, under the floor threshold): shown for a person to check.</summary>
    public HardSignals FlaggedSigns { get; init; }

    /// <summary>Top reasons in both languages (floors first, then flagged signs, then the facts read from the report).</summary>
    public IReadOnlyList<GradeReason> Reasons { get; init; } = [];
}

/// <summary>One feature's push towards the model's grade: a text n-gram or a structured feature.</summary>
public sealed record FeatureContribution(string Feature, float Contribution);
