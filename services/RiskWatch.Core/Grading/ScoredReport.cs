using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Grading;

/// <summary>A report with the grade the model gave it.</summary>
/// <param name="Probabilities">One probability per grade, indexed by <c>(int)Grade</c>.</param>
public sealed record ScoredReport(ReportV1 Report, Grade Grade, float[] Probabilities, string ModelVersion)
{
    /// <summary>The W3C trace id of the request that brought the report in (32 hex digits), when its message carried one.</summary>
    public string? TraceId { get; init; }
}
