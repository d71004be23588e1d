using RiskWatch.Core.Contract;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml;

/// <summary>
/// What a report tells about its situation, its structured fields first and its text where they
/// are missing: MODEL-211 says a report's own numbers outweigh its tone, and informants often type
/// the numbers instead of filling the fields.
/// </summary>
public sealed record ReportFacts
{
    public int? Workers { get; init; }
    public bool WorkersFromText { get; init; }
    public decimal? AmountCny { get; init; }
    public ActionStatus Action { get; init; }
    public bool ActionFromField { get; init; }

    /// <summary>Hours from the report to a planned action; null when no action is planned or no time is known.</summary>
    public double? HoursUntilAction { get; init; }

    public required TextSignals Signals { get; init; }
    public required ExtractedNumbers Extracted { get; init; }

    /// <summary>
    /// Workers act or complain but the report gives no count. Group words (们, 一群, many) make a
    /// group; otherwise workers named without "one", "I" or "a" are read as several, because
    /// Chinese nouns do not mark the plural and informants rarely report for a crowd of one.
    /// </summary>
    public bool UnknownGroup => Workers is null
        && (Signals.GroupMention || (Signals.WorkerMention && !Signals.IndividualMention));

    public static ReportFacts Of(ReportV1 report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Of(report, PreparedText.Of(report.Text));
    }

    /// <summary>The same, from the report's text prepared once (scoring shares it with the features).</summary>
    public static ReportFacts Of(ReportV1 report, PreparedText text)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(text);
        var extracted = TextNumberExtractor.Extract(text, report.OccurredAt);
        var signals = SignalDetector.Detect(text);
        var status = report.CollectiveAction?.Status switch
        {
            "underway" => ActionStatus.Underway,
            "planned" => ActionStatus.Planned,
            "rumoured" => ActionStatus.Rumoured,
            "none" => ActionStatus.None,
            _ => signals.Action,
        };

        // A collective action needs more than one worker: one who quits, goes to the labour bureau or
        // threatens alone (the text's count is 1) takes none. Only when the report states neither.
        if (report.CollectiveAction is null && report.WorkersAffected is null && extracted.Workers == 1
            && status is ActionStatus.Planned or ActionStatus.Underway)
        {
            status = ActionStatus.None;
        }
        double? hours = null;
        if (status == ActionStatus.Planned)
        {
            hours = report.CollectiveAction?.ExpectedAt is { } expected
                ? Math.Max(0.5, (expected - report.OccurredAt).TotalHours)
                : extracted.HoursUntilAction;
        }

        return new ReportFacts
        {
            Workers = report.WorkersAffected ?? extracted.Workers,
            WorkersFromText = report.WorkersAffected is null && extracted.Workers is not null,
            AmountCny = report.AmountOwedCny ?? extracted.AmountCny,
            Action = status,
            ActionFromField = report.CollectiveAction is not null,
            HoursUntilAction = hours,
            Signals = signals,
            Extracted = extracted,
        };
    }
}
