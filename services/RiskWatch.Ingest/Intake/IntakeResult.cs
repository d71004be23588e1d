using RiskWatch.Core.Contract;

namespace RiskWatch.Ingest.Intake;

/// <summary>What became of one report at intake. Every endpoint answers from one of these, and its metrics are counted once, where it is made.</summary>
public abstract record IntakeResult
{
    private IntakeResult()
    {
    }

    /// <summary>Produced, acknowledged by the broker (acks=all), then written to the intake ledger.</summary>
    public sealed record Accepted(ReportV1 Report, string TrackingCode) : IntakeResult;

    /// <summary>Its reportId was accepted before; nothing was produced (idempotency), and the receipt is the same.</summary>
    public sealed record Duplicate(ReportV1 Report, string TrackingCode) : IntakeResult;

    /// <summary>Refused for good: the body or a field is wrong (each error names its field), or the caller may not send it.</summary>
    /// <param name="Reason">One of <see cref="IngestMetrics.Reasons"/>.</param>
    public sealed record Rejected(string Reason, IReadOnlyList<FieldError> Errors) : IntakeResult;

    /// <summary>Nothing is promised: the broker did not acknowledge in time or has no room now; the same report may be sent again.</summary>
    public sealed record Unavailable(string Reason) : IntakeResult;
}
