using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Incidents;

/// <summary>What the deadline timer needs to know about an alert.</summary>
public sealed record DeadlineState(
    Grade Grade,
    Tier Tier,
    string Status,
    DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ActDueAt,
    bool ActDeadlineMissed,
    int RemindersSent);

public enum EscalationKind
{
    /// <summary>Nothing is due.</summary>
    None,

    /// <summary>Unacknowledged at the deadline: up to the next tier, with a new deadline there.</summary>
    Escalate,

    /// <summary>Unacknowledged at the top of the chain: remind the top tier again.</summary>
    Remind,

    /// <summary>Unacknowledged at the top after every reminder: stop the timer (the alert stays marked overdue).</summary>
    Exhausted,
}

/// <param name="AcknowledgeDeadlineMissed">The acknowledge deadline passed now (escalate, remind or exhausted).</param>
/// <param name="ActDeadlineMissed">The first-action deadline passed now and was not marked before.</param>
/// <param name="NextAcknowledgeDueAt">The new acknowledge deadline; null stops the timer for it.</param>
public sealed record EscalationDecision(
    EscalationKind Kind,
    Tier? ToTier,
    DateTimeOffset? NextAcknowledgeDueAt,
    bool AcknowledgeDeadlineMissed,
    bool ActDeadlineMissed)
{
    public static readonly EscalationDecision Nothing = new(EscalationKind.None, null, null, false, false);

    public bool ChangesAnything => Kind != EscalationKind.None || ActDeadlineMissed;
}

/// <summary>The timer's decision for one alert at one moment; the Response service applies it under a row lock.</summary>
public static class Escalation
{
    public static EscalationDecision Decide(DeadlineState alert, DateTimeOffset now, HandlingPolicy policy)
    {
        var actMissed = !alert.ActDeadlineMissed && alert.ActDueAt is { } actDue && actDue <= now
            && alert.Status is AlertStatus.New or AlertStatus.Acknowledged;

        if (alert.Status != AlertStatus.New || alert.AcknowledgeDueAt is not { } ackDue || ackDue > now)
        {
            return actMissed ? EscalationDecision.Nothing with { ActDeadlineMissed = true } : EscalationDecision.Nothing;
        }

        if (policy.Escalation.NextAbove(alert.Tier) is { } next)
        {
            var within = policy.Escalation.AcknowledgeWithinAfterEscalation ?? policy.RuleFor(alert.Grade).AcknowledgeWithin;
            return new EscalationDecision(EscalationKind.Escalate, next, now + within, true, actMissed);
        }

        if (alert.RemindersSent < policy.Escalation.Reminders)
        {
            return new EscalationDecision(EscalationKind.Remind, null, now + policy.Escalation.RemindEvery, true, actMissed);
        }

        return new EscalationDecision(EscalationKind.Exhausted, null, null, true, actMissed);
    }
}
