namespace RiskWatch.Core.Incidents;

/// <summary>The statuses of an alert: new -> acknowledged -> in_handling -> resolved -> closed, and reopen.</summary>
public static class AlertStatus
{
    public const string New = "new";
    public const string Acknowledged = "acknowledged";
    public const string InHandling = "in_handling";
    public const string Resolved = "resolved";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [New, Acknowledged, InHandling, Resolved, Closed];
}

/// <summary>How an alert was resolved.</summary>
public static class Outcomes
{
    public static readonly IReadOnlyList<string> All = ["mediated", "wages_paid", "referred_to_labour_inspection", "false_alarm", "other"];

    public static bool IsKnown(string? outcome) => outcome is not null && All.Contains(outcome, StringComparer.Ordinal);
}

public enum AlertAction
{
    Acknowledge,
    Assign,
    Note,
    Regrade,
    Escalate,
    Resolve,
    Close,
    Reopen,
}

/// <summary>Which action is allowed in which status, and where it leads.</summary>
public static class AlertLifecycle
{
    private static readonly string[] Open = [AlertStatus.New, AlertStatus.Acknowledged, AlertStatus.InHandling];
    private static readonly string[] NotClosed = [AlertStatus.New, AlertStatus.Acknowledged, AlertStatus.InHandling, AlertStatus.Resolved];

    /// <summary>The statuses an action may start from.</summary>
    public static IReadOnlyList<string> AllowedFrom(AlertAction action) => action switch
    {
        AlertAction.Acknowledge => [AlertStatus.New],
        AlertAction.Assign => Open,
        AlertAction.Note => NotClosed,
        AlertAction.Regrade => NotClosed,
        AlertAction.Escalate => Open,
        AlertAction.Resolve => Open,
        AlertAction.Close => [AlertStatus.Resolved],
        AlertAction.Reopen => [AlertStatus.Resolved, AlertStatus.Closed],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>The status after the action, or null when the action is not allowed in <paramref name="status"/>.</summary>
    public static string? Next(string status, AlertAction action)
    {
        if (!AllowedFrom(action).Contains(status, StringComparer.Ordinal))
        {
            return null;
        }

        return action switch
        {
            AlertAction.Acknowledge => AlertStatus.Acknowledged,
            AlertAction.Assign => AlertStatus.InHandling,
            AlertAction.Resolve => AlertStatus.Resolved,
            AlertAction.Close => AlertStatus.Closed,
            AlertAction.Reopen => AlertStatus.InHandling,
            _ => status,
        };
    }

    /// <summary>The event kind written to the timeline for an action.</summary>
    public static string EventKind(AlertAction action) => action switch
    {
        AlertAction.Acknowledge => "acknowledged",
        AlertAction.Assign => "assigned",
        AlertAction.Note => "note",
        AlertAction.Regrade => "regraded",
        AlertAction.Escalate => "escalated",
        AlertAction.Resolve => "resolved",
        AlertAction.Close => "closed",
        AlertAction.Reopen => "reopened",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>The action as a verb, for messages: "resolve", "close", ...</summary>
    public static string Verb(AlertAction action) => action switch
    {
        AlertAction.Note => "add a note to",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>True when the action counts as the first action on the alert (stops the first-action deadline).</summary>
    public static bool IsAction(AlertAction action) => action is AlertAction.Assign or AlertAction.Resolve;
}
