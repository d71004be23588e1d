using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Incidents;

/// <summary>A report of a batch that was not stored before, with its incident key, in the order it was consumed.</summary>
public sealed record BatchReport(ScoredReport Scored, string IncidentKey);

/// <summary>
/// The current alert of an incident as stored before the batch (read under a row lock). <paramref name="KnownInformants"/>
/// holds those of the batch's reporters that are already among the alert's independent informants, so that a
/// reporter is counted once however many reports they send.
/// </summary>
public sealed record StoredAlert(long AlertId, string IncidentKey, OpenAlertState State, int Informants, IReadOnlySet<string> KnownInformants);

/// <summary>An alert a batch opens or changes, with its state after the batch.</summary>
public sealed class PlannedAlert
{
    private readonly HashSet<string> informants;

    private PlannedAlert(long? storedId, int openedIndex, string incidentKey, OpenAlertState state, int informantCount, IEnumerable<string> knownInformants)
    {
        StoredId = storedId;
        OpenedIndex = openedIndex;
        IncidentKey = incidentKey;
        State = state;
        Informants = informantCount;
        informants = new HashSet<string>(knownInformants, StringComparer.Ordinal);
    }

    /// <summary>The alert's row id when it was stored before the batch; null when the batch opens it.</summary>
    public long? StoredId { get; }

    /// <summary>For an alert the batch opens, its position in <see cref="GroupingPlan.Opened"/>; -1 otherwise.</summary>
    public int OpenedIndex { get; }

    public string IncidentKey { get; }

    public OpenAlertState State { get; private set; }

    /// <summary>Distinct reporters of the policy's corroborating sources among the alert's reports.</summary>
    public int Informants { get; private set; }

    /// <summary>Whether the anonymous senders are among the informants the alert counts (see <see cref="IncidentGrouping.AnonymousCorroborator"/>).</summary>
    public bool CountsAnonymous => informants.Contains(IncidentGrouping.AnonymousCorroborator);

    /// <summary>Reports the batch added to the alert.</summary>
    public int ReportsAdded { get; private set; }

    /// <summary>For an alert the batch opens, the report that opened it: its place and subject are the alert's.</summary>
    public ScoredReport? OpenedBy { get; private init; }

    /// <summary>The report whose probabilities and model version the alert now carries: the one that opened it or last raised its grade in this batch.</summary>
    public ScoredReport? GradedBy { get; private set; }

    /// <summary>The alert the batch opened for the same incident after the grouping window, which takes its place.</summary>
    public PlannedAlert? SupersededBy { get; private set; }

    internal static PlannedAlert Stored(StoredAlert alert) =>
        new(alert.AlertId, -1, alert.IncidentKey, alert.State, alert.Informants, alert.KnownInformants);

    internal static PlannedAlert Opening(int index, BatchReport report, Routing routing, bool counts, int anonymousCountAs)
    {
        var (scored, key) = report;
        var occurredAt = scored.Report.OccurredAt;
        var state = new OpenAlertState(scored.Grade, scored.Grade, routing.Tier, occurredAt, routing.AcknowledgeDueAt, routing.ActDueAt,
            Acknowledged: false, ActedOn: false, Corroborated: false);
        var corroborator = IncidentGrouping.CorroboratorOf(scored);
        var count = !counts ? 0 : corroborator == IncidentGrouping.AnonymousCorroborator ? anonymousCountAs : 1;
        return new PlannedAlert(null, index, key, state, count, counts ? [corroborator] : [])
        {
            ReportsAdded = 1,
            OpenedBy = scored,
            GradedBy = scored,
        };
    }

    /// <summary>
    /// Counts a corroborating report's sender as an independent informant when they are new to the alert: an authenticated
    /// reporter counts one, the anonymous ones together <paramref name="anonymousCountAs"/> (0 or 1), once.
    /// </summary>
    internal void CountInformant(string corroborator, int anonymousCountAs)
    {
        if (informants.Add(corroborator))
        {
            Informants += corroborator == IncidentGrouping.AnonymousCorroborator ? anonymousCountAs : 1;
        }
    }

    internal void Take(OpenAlertState state, ScoredReport? raisedBy)
    {
        State = state;
        ReportsAdded++;
        GradedBy = raisedBy ?? GradedBy;
    }

    internal void Supersede(PlannedAlert by) => SupersededBy = by;
}

/// <summary>
/// One timeline entry the batch writes. <see cref="Detail"/> is given the row id of any planned alert, because an
/// alert the batch opens has no id until it is stored and a supersession names its successor. <see cref="Published"/>
/// says whether it also goes to the outside world (the outbox).
/// </summary>
public sealed record PlannedEvent(PlannedAlert Alert, string Actor, string Kind, Func<Func<PlannedAlert, long>, object> Detail)
{
    public bool Published { get; init; } = true;
}

/// <summary>
/// What a batch does to the incidents: the alerts it opens (in order), the stored alerts it changes, the alert of each
/// report (null for a report graded none), and the timeline entries in the order the changes happened.
/// </summary>
public sealed record GroupingPlan(
    IReadOnlyList<PlannedAlert> Opened,
    IReadOnlyList<PlannedAlert> Changed,
    IReadOnlyList<PlannedAlert?> ReportAlerts,
    IReadOnlyList<PlannedEvent> Events,
    int Joins);

/// <summary>
/// Groups a batch of new reports into incidents, all in memory: the same decisions as a report-by-report pass
/// (<see cref="IncidentDecisions"/>), taken in consumption order so that each report sees the alert as the reports
/// before it left it. The store then writes the result with a few set-based statements instead of several round trips
/// per report.
/// </summary>
public static class IncidentGrouping
{
    /// <summary>Whom the reports sent without a key count as, all together: no principal is empty.</summary>
    public const string AnonymousCorroborator = "";

    /// <summary>
    /// Whom a report counts as for corroboration: its reporter when it came with the reporter's own key, else
    /// <see cref="AnonymousCorroborator"/> (issue 14, finding 3: anybody may send a report naming anybody).
    /// </summary>
    public static string CorroboratorOf(ScoredReport scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        return scored.SubmittedBy is { Length: > 0 } principal && principal == scored.Report.Reporter ? principal : AnonymousCorroborator;
    }

    /// <summary>When the union learned of a report: its receipt, never later than <paramref name="now"/>. Deadlines run from it.</summary>
    public static DateTimeOffset ReceivedAt(ScoredReport scored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scored);
        return scored.ReceivedAt is { } at && at < now ? at : now;
    }

    public static GroupingPlan Plan(IReadOnlyList<BatchReport> reports, IReadOnlyCollection<StoredAlert> stored, DateTimeOffset now, HandlingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(policy);
        var current = stored.ToDictionary(a => a.IncidentKey, PlannedAlert.Stored, StringComparer.Ordinal);
        var storedAlerts = current.Values.ToList();
        var opened = new List<PlannedAlert>();
        var reportAlerts = new PlannedAlert?[reports.Count];
        var events = new List<PlannedEvent>();
        var joins = 0;

        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (report.Scored.Grade == Grade.None)
            {
                continue;
            }

            if (current.TryGetValue(report.IncidentKey, out var alert) && IncidentDecisions.Joins(alert.State, report.Scored.Report.OccurredAt, policy))
            {
                Join(alert, report.Scored, now, policy, events);
                joins++;
            }
            else
            {
                var successor = Open(opened.Count, report, now, policy, events);
                opened.Add(successor);
                if (alert is not null)
                {
                    alert.Supersede(successor);
                    var reportId = report.Scored.Report.ReportId;
                    events.Add(new PlannedEvent(alert, AlertActors.Policy(policy.Version), "superseded", id => new
                    {
                        byAlertId = id(successor),
                        reportId,
                        groupingWindow = PolicyDuration.Format(policy.GroupingWindow),
                        policyVersion = policy.Version,
                    }));
                }

                current[report.IncidentKey] = alert = successor;
            }

            reportAlerts[i] = alert;
        }

        var changed = storedAlerts.Where(a => a.ReportsAdded > 0 || a.SupersededBy is not null).ToList();
        return new GroupingPlan(opened, changed, reportAlerts, PublishLastJoinOnly(events), joins);
    }

    /// <summary>
    /// Every report that joins an alert is in its timeline, but the outside world hears of an alert's joins once per
    /// batch, the last of them (its alert carries the new report count): a surge of reports about one incident would
    /// otherwise send a message per report to every subscriber. Every other change goes out as it is.
    /// </summary>
    private static List<PlannedEvent> PublishLastJoinOnly(List<PlannedEvent> events)
    {
        var announced = new HashSet<PlannedAlert>(ReferenceEqualityComparer.Instance);
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].Kind == "report_joined" && !announced.Add(events[i].Alert))
            {
                events[i] = events[i] with { Published = false };
            }
        }

        return events;
    }

    private static PlannedAlert Open(int index, BatchReport report, DateTimeOffset now, HandlingPolicy policy, List<PlannedEvent> events)
    {
        var scored = report.Scored;
        // Deadlines from receipt (issue 14, finding 7): a late report about last month is new to the union now.
        var routing = IncidentDecisions.Route(scored.Grade, ReceivedAt(scored, now), policy);
        var alert = PlannedAlert.Opening(index, report, routing, Corroborates(scored, policy), policy.Corroboration.AnonymousCountAs);
        var (reportId, grade, traceId) = (scored.Report.ReportId, scored.Grade.ToWire(), scored.TraceId);
        events.Add(new PlannedEvent(alert, AlertActors.Model(scored.ModelVersion), "opened", _ => new { reportId, grade, traceId }));
        events.Add(Routed(alert, scored, policy));
        return alert;
    }

    private static void Join(PlannedAlert alert, ScoredReport scored, DateTimeOffset now, HandlingPolicy policy, List<PlannedEvent> events)
    {
        var report = scored.Report;
        if (Corroborates(scored, policy))
        {
            alert.CountInformant(CorroboratorOf(scored), policy.Corroboration.AnonymousCountAs);
        }

        var before = alert.State;
        var informants = alert.Informants;
        var decision = IncidentDecisions.Join(before, scored.Grade, informants, ReceivedAt(scored, now), policy);
        // The report's own grade may lift the alert (the model's decision); corroboration may lift it further (the policy's).
        var byReport = Grades.Max(before.Grade, scored.Grade);
        var raised = byReport > before.Grade;
        alert.Take(before with
        {
            Grade = decision.Grade,
            HighestReported = decision.HighestReported,
            Tier = decision.Tier,
            LastReportAt = report.OccurredAt > before.LastReportAt ? report.OccurredAt : before.LastReportAt,
            AcknowledgeDueAt = decision.AcknowledgeDueAt,
            ActDueAt = decision.ActDueAt,
            Corroborated = decision.Corroborated,
        }, raised ? scored : null);

        var model = AlertActors.Model(scored.ModelVersion);
        var reportId = report.ReportId;
        var grade = scored.Grade.ToWire();
        var traceId = scored.TraceId;
        events.Add(new PlannedEvent(alert, model, "report_joined", _ => new { reportId, grade, informants, traceId }));
        if (raised)
        {
            var (from, to) = (before.Grade.ToWire(), byReport.ToWire());
            events.Add(new PlannedEvent(alert, model, "regraded", _ => new { reportId, from, to }));
        }

        if (decision.Grade > byReport)
        {
            var rule = policy.Corroboration;
            var (from, to) = (byReport.ToWire(), decision.Grade.ToWire());
            events.Add(new PlannedEvent(alert, AlertActors.Policy(policy.Version), "corroborated", _ => new
            {
                from,
                to,
                informants,
                rule = $"{rule.IndependentInformants} independent informants raise {rule.RaiseBy} grade(s), up to {rule.UpTo.ToWire()}",
                policyVersion = policy.Version,
            }));
        }

        if (decision.Tier != before.Tier || decision.AcknowledgeDueAt != before.AcknowledgeDueAt || decision.ActDueAt != before.ActDueAt)
        {
            events.Add(Routed(alert, scored, policy));
        }
    }

    /// <summary>The tier, team and deadlines the alert has now, as the policy decided them.</summary>
    private static PlannedEvent Routed(PlannedAlert alert, ScoredReport scored, HandlingPolicy policy)
    {
        var state = alert.State;
        var place = scored.Report.Location;
        var detail = new
        {
            grade = state.Grade.ToWire(),
            tier = state.Tier.ToWire(),
            team = policy.TeamFor(state.Tier, place.City, place.District, place.Street),
            alsoTold = policy.RuleFor(state.Grade).AlsoTold.Select(t => t.ToWire()).ToArray(),
            acknowledgeDueAt = state.AcknowledgeDueAt,
            actDueAt = state.ActDueAt,
            policyVersion = policy.Version,
        };
        return new PlannedEvent(alert, AlertActors.Policy(policy.Version), "routed", _ => detail);
    }

    private static bool Corroborates(ScoredReport scored, HandlingPolicy policy) =>
        policy.Corroboration.Sources.Contains(scored.Report.Source, StringComparer.Ordinal);
}
