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
    public bool AmountFromText { get; init; }
    public ActionStatus Action { get; init; }
    public bool ActionFromField { get; init; }

    /// <summary>Hours from the report to a planned action; null when no action is planned or no time is known.</summary>
    public double? HoursUntilAction { get; init; }

    public required TextSignals Signals { get; init; }
    /// <summary>What the text gave where the fields left a number open (null where it was not read: a field was
    /// set, or, for the hours, no action is planned or its time is given); <see cref="TextNumberExtractor.Extract(string, DateTimeOffset)"/> reads all three.</summary>
    public required ExtractedNumbers Extracted { get; init; }

    /// <summary>
    /// Workers act or complain but the report gives no count. Group words (们, 一群, many) make a
    /// group; otherwise workers named without "one", "I" or "a" are read as several, because
    /// Chinese nouns do not mark the plural and informants rarely report for a crowd of one.
    /// </summary>
    public bool UnknownGroup => Workers is null
        && (Signals.GroupMention || (Signals.WorkerMention && !Signals.IndividualMention));

    /// <summary>The report is about money owed to workers: an amount, a wage-arrears or closure category, or words of unpaid wages.</summary>
    public bool WagesOwed => AmountCny is > 0 || Category is "wage_arrears" or "closure_relocation" || Signals.WagesOwed || Signals.ClosureUnsettled;

    /// <summary>The report's category field, when given.</summary>
    public string? Category { get; init; }

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
        // The text is read only for what the fields leave open: the hours to an action only when one is
        // planned without a time (most reports plan none, and times are the dearest to read).
        var textWorkers = report.WorkersAffected is null ? WorkerCounts.Read(text) : null;
        var workers = report.WorkersAffected ?? textWorkers;
        var textAmount = report.AmountOwedCny is null ? MoneyAmounts.Read(text, workers) : null;
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
        if (report.CollectiveAction is null && report.WorkersAffected is null && textWorkers == 1
            && status is ActionStatus.Planned or ActionStatus.Underway)
        {
            status = ActionStatus.None;
        }

        double? hours = null;
        double? textHours = null;
        if (status == ActionStatus.Planned)
        {
            hours = report.CollectiveAction?.ExpectedAt is { } expected
                ? Math.Max(0.5, (expected - report.OccurredAt).TotalHours)
                : textHours = ActionTimes.HoursUntil(text, report.OccurredAt);
        }

        return new ReportFacts
        {
            Workers = workers,
            WorkersFromText = textWorkers is not null,
            AmountCny = report.AmountOwedCny ?? textAmount,
            AmountFromText = report.AmountOwedCny is null && textAmount is not null,
            Action = status,
            ActionFromField = report.CollectiveAction is not null,
            HoursUntilAction = hours,
            Signals = signals,
            Category = report.Category,
            Extracted = new ExtractedNumbers(textWorkers, textAmount, textHours),
        };
    }
}
