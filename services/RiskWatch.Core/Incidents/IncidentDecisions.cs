using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Incidents;

/// <summary>What the grouping and routing decisions need to know about an open alert.</summary>
public sealed record OpenAlertState(
    Grade Grade,
    Grade HighestReported,
    Tier Tier,
    DateTimeOffset LastReportAt,
    DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ActDueAt,
    bool Acknowledged,
    bool ActedOn,
    bool Corroborated);

/// <summary>Tier and deadlines an alert gets from the policy.</summary>
public sealed record Routing(Tier Tier, DateTimeOffset AcknowledgeDueAt, DateTimeOffset ActDueAt);

/// <summary>What a new report does to the open alert it joins.</summary>
public sealed record JoinDecision(
    Grade Grade,
    Grade HighestReported,
    bool Corroborated,
    Tier Tier,
    DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ActDueAt)
{
    public bool GradeRaisedBy(OpenAlertState before) => Grade > before.Grade;
}

/// <summary>
/// The pure decisions of the 211 mechanism when reports arrive: whether a report joins the open alert of its
/// incident, the alert's grade (highest report, raised by corroboration), which tier leads and by when.
/// </summary>
public static class IncidentDecisions
{
    /// <summary>
    /// A report joins its incident's open alert when it comes within the grouping window of the alert's last
    /// report (reports that arrive late about earlier events join too); after a quiet window, it is a new incident.
    /// </summary>
    public static bool Joins(OpenAlertState alert, DateTimeOffset occurredAt, HandlingPolicy policy) =>
        occurredAt <= alert.LastReportAt + policy.GroupingWindow;

    /// <summary>The highest reported grade, raised by the corroboration rule when enough independent informants agree.</summary>
    public static Grade GradeFor(Grade highestReported, int independentInformants, CorroborationRule rule)
    {
        if (highestReported == Grade.None || !IsCorroborated(independentInformants, rule) || highestReported >= rule.UpTo)
        {
            return highestReported;
        }

        var raised = (Grade)Math.Min((int)highestReported + rule.RaiseBy, (int)rule.UpTo);
        return raised;
    }

    public static bool IsCorroborated(int independentInformants, CorroborationRule rule) =>
        rule.RaiseBy > 0 && independentInformants >= rule.IndependentInformants;

    /// <summary>Where a new alert of <paramref name="grade"/> goes and its deadlines, counted from <paramref name="now"/>.</summary>
    public static Routing Route(Grade grade, DateTimeOffset now, HandlingPolicy policy)
    {
        var rule = policy.RuleFor(grade);
        return new Routing(rule.LeadingTier, now + rule.AcknowledgeWithin, now + rule.ActWithin);
    }

    /// <summary>
    /// A report of <paramref name="reportGrade"/> joins <paramref name="alert"/>, which now has
    /// <paramref name="independentInformants"/> distinct informants. Grades only go up here (a person lowers them);
    /// a higher grade moves the alert up to its leading tier and brings unmet deadlines forward, never back.
    /// </summary>
    public static JoinDecision Join(OpenAlertState alert, Grade reportGrade, int independentInformants, DateTimeOffset now, HandlingPolicy policy)
    {
        var highest = Grades.Max(alert.HighestReported, reportGrade);
        var corroborated = IsCorroborated(independentInformants, policy.Corroboration);
        var grade = Grades.Max(alert.Grade, GradeFor(highest, independentInformants, policy.Corroboration));
        if (grade == alert.Grade)
        {
            return new JoinDecision(alert.Grade, highest, corroborated || alert.Corroborated, alert.Tier, alert.AcknowledgeDueAt, alert.ActDueAt);
        }

        var rule = policy.RuleFor(grade);
        var ackDue = alert.Acknowledged ? alert.AcknowledgeDueAt : Earlier(alert.AcknowledgeDueAt, now + rule.AcknowledgeWithin);
        var actDue = alert.ActedOn ? alert.ActDueAt : Earlier(alert.ActDueAt, now + rule.ActWithin);
        return new JoinDecision(grade, highest, corroborated || alert.Corroborated, Tiers.Max(alert.Tier, rule.LeadingTier), ackDue, actDue);
    }

    /// <summary>
    /// A person sets the grade (up or down, with a reason): the alert goes to that grade's leading tier (an
    /// escalated alert keeps its higher tier when the grade goes up), and unmet deadlines are counted from opening.
    /// </summary>
    public static JoinDecision Regrade(OpenAlertState alert, Grade newGrade, DateTimeOffset openedAt, HandlingPolicy policy)
    {
        var rule = policy.RuleFor(newGrade);
        var tier = newGrade > alert.Grade ? Tiers.Max(alert.Tier, rule.LeadingTier) : rule.LeadingTier;
        var ackDue = alert.Acknowledged ? alert.AcknowledgeDueAt : openedAt + rule.AcknowledgeWithin;
        var actDue = alert.ActedOn ? alert.ActDueAt : openedAt + rule.ActWithin;
        return new JoinDecision(newGrade, alert.HighestReported, alert.Corroborated, tier, ackDue, actDue);
    }

    private static DateTimeOffset Earlier(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
