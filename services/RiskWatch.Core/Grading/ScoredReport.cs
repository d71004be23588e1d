using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Grading;

/// <summary>A report with the grade the model gave it.</summary>
/// <param name="Probabilities">One probability per grade, indexed by <c>(int)Grade</c>.</param>
public sealed record ScoredReport(ReportV1 Report, Grade Grade, float[] Probabilities, string ModelVersion)
{
    /// <summary>The W3C trace id of the request that brought the report in (32 hex digits), when its message carried one.</summary>
    public string? TraceId { get; init; }

    /// <summary>
    /// The reporter, when the report came with the reporter's own key (Ingest's <c>submitted-by</c> header named them); null
    /// for a report sent without a key, whatever reporter it names. Corroboration counts only such authenticated reporters;
    /// all anonymous reports of an incident together count as the policy's <c>anonymousCountAs</c> (issue 14, finding 3).
    /// </summary>
    public string? SubmittedBy { get; init; }

    /// <summary>When RiskWatch received the report (its message's time, never later than scoring): deadlines run from it, not from occurredAt.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}
