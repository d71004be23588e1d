using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Incidents;

public sealed class IncidentGroupingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly HandlingPolicy Policy = HandlingPolicy.Default;

    [Fact]
    public void Reports_about_one_incident_in_one_batch_open_one_alert_that_takes_the_others_in_order()
    {
        var reports = new[] { Report("inf-a", Grade.Blue), Report("inf-a", Grade.Yellow), Report("inf-b", Grade.Blue) };

        var plan = IncidentGrouping.Plan(reports, [], Now, Policy);

        var alert = Assert.Single(plan.Opened);
        Assert.All(plan.ReportAlerts, a => Assert.Same(alert, a));
        Assert.Equal(3, alert.ReportsAdded);
        Assert.Equal(2, alert.Informants);
        Assert.Equal(Grade.Yellow, alert.State.Grade);
        Assert.Same(reports[1].Scored, alert.GradedBy);
        Assert.Same(reports[0].Scored, alert.OpenedBy);
        Assert.Equal(2, plan.Joins);
        // Yellow is led by the district: the regrade moves the alert there and says so.
        Assert.Equal(["opened", "routed", "report_joined", "regraded", "routed", "report_joined"], plan.Events.Select(e => e.Kind));
        Assert.Equal(Tier.District, alert.State.Tier);
        // Joins go out once per alert per batch, the last; every other change goes out as it is.
        Assert.Equal(["opened", "routed", "regraded", "routed", "report_joined"], plan.Events.Where(e => e.Published).Select(e => e.Kind));
        Assert.Same(plan.Events[^1], plan.Events.Last(e => e.Published));
    }

    [Fact]
    public void A_report_graded_none_belongs_to_no_alert()
    {
        var plan = IncidentGrouping.Plan([Report("inf-a", Grade.None)], [], Now, Policy);

        Assert.Empty(plan.Opened);
        Assert.Null(Assert.Single(plan.ReportAlerts));
        Assert.Empty(plan.Events);
    }

    [Fact]
    public void A_third_independent_informant_raises_the_grade_once_and_a_repeated_informant_counts_once()
    {
        var reports = new[]
        {
            Report("inf-a", Grade.Blue), Report("inf-a", Grade.Blue), Report("inf-b", Grade.Blue),
            Report("inf-c", Grade.Blue), Report("inf-c", Grade.Blue),
        };

        var plan = IncidentGrouping.Plan(reports, [], Now, Policy);

        var alert = Assert.Single(plan.Opened);
        Assert.Equal(3, alert.Informants);
        Assert.True(alert.State.Corroborated);
        Assert.Equal(Grade.Yellow, alert.State.Grade);
        var corroborated = Assert.Single(plan.Events, e => e.Kind == "corroborated");
        Assert.StartsWith("policy:", corroborated.Actor, StringComparison.Ordinal);
        Assert.Equal(3, Detail(corroborated).GetProperty("informants").GetInt32());
    }

    [Fact]
    public void Platform_reports_never_count_as_independent_informants()
    {
        var reports = new[] { Report("plat-a", Grade.Blue, source: "platform"), Report("inf-a", Grade.Blue), Report("inf-b", Grade.Blue) };

        var plan = IncidentGrouping.Plan(reports, [], Now, Policy);

        Assert.Equal(2, Assert.Single(plan.Opened).Informants);
        Assert.DoesNotContain(plan.Events, e => e.Kind == "corroborated");
    }

    [Fact]
    public void A_stored_alert_counts_its_known_informants_once_and_keeps_its_probabilities_unless_a_report_raises_it()
    {
        var stored = Stored(42, Grade.Yellow, informants: 2, known: ["inf-a"]);
        var reports = new[] { Report("inf-a", Grade.Blue), Report("inf-a", Grade.Yellow) };

        var plan = IncidentGrouping.Plan(reports, [stored], Now, Policy);

        Assert.Empty(plan.Opened);
        var alert = Assert.Single(plan.Changed);
        Assert.Equal(42, alert.StoredId);
        Assert.Equal(2, alert.ReportsAdded);
        Assert.Equal(2, alert.Informants);
        Assert.Equal(Grade.Yellow, alert.State.Grade);
        Assert.Null(alert.GradedBy);
        Assert.Equal(["report_joined", "report_joined"], plan.Events.Select(e => e.Kind));
    }

    [Fact]
    public void A_report_raising_a_stored_alert_moves_it_to_its_tier_with_earlier_deadlines()
    {
        var stored = Stored(7, Grade.Blue, informants: 1, known: []);
        var red = Report("inf-z", Grade.Red);

        var plan = IncidentGrouping.Plan([red], [stored], Now, Policy);

        var alert = Assert.Single(plan.Changed);
        Assert.Same(red.Scored, alert.GradedBy);
        Assert.Equal(Tier.City, alert.State.Tier);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), alert.State.AcknowledgeDueAt);
        Assert.Equal(["report_joined", "regraded", "routed"], plan.Events.Select(e => e.Kind));
        Assert.Equal("red", Detail(plan.Events[1]).GetProperty("to").GetString());
    }

    [Fact]
    public void A_report_after_the_grouping_window_opens_a_successor_that_the_old_alert_names()
    {
        var stored = Stored(5, Grade.Blue, informants: 1, known: [], lastReportAt: Now - TimeSpan.FromDays(5));
        var late = Report("inf-a", Grade.Blue);
        var following = Report("inf-b", Grade.Blue);

        var plan = IncidentGrouping.Plan([late, following], [stored], Now, Policy);

        var successor = Assert.Single(plan.Opened);
        var old = Assert.Single(plan.Changed);
        Assert.Same(successor, old.SupersededBy);
        Assert.Equal(0, old.ReportsAdded);
        Assert.Equal(2, successor.ReportsAdded);
        Assert.All(plan.ReportAlerts, a => Assert.Same(successor, a));
        var superseded = Assert.Single(plan.Events, e => e.Kind == "superseded");
        Assert.Same(old, superseded.Alert);
        Assert.Equal(1001, Detail(superseded, a => a == successor ? 1001 : a.StoredId!.Value).GetProperty("byAlertId").GetInt64());
    }

    [Fact]
    public void Within_one_batch_a_gap_longer_than_the_window_supersedes_an_alert_the_batch_opened()
    {
        var early = Report("inf-a", Grade.Blue, occurredAt: Now - TimeSpan.FromDays(4));
        var late = Report("inf-a", Grade.Blue);

        var plan = IncidentGrouping.Plan([early, late], [], Now, Policy);

        Assert.Equal(2, plan.Opened.Count);
        Assert.Same(plan.Opened[1], plan.Opened[0].SupersededBy);
        Assert.Null(plan.Opened[1].SupersededBy);
        Assert.Equal(0, plan.Joins);
    }

    [Fact]
    public void Different_incidents_in_one_batch_keep_apart()
    {
        var plan = IncidentGrouping.Plan([Report("inf-a", Grade.Blue, key: "k1"), Report("inf-a", Grade.Red, key: "k2")], [], Now, Policy);

        Assert.Equal(2, plan.Opened.Count);
        Assert.Equal([Grade.Blue, Grade.Red], plan.Opened.Select(a => a.State.Grade));
    }

    private static JsonElement Detail(PlannedEvent e, Func<PlannedAlert, long>? idOf = null) =>
        JsonSerializer.SerializeToElement(e.Detail(idOf ?? (a => a.StoredId ?? 1000 + a.OpenedIndex)));

    private static StoredAlert Stored(long id, Grade grade, int informants, string[] known, DateTimeOffset? lastReportAt = null)
    {
        var rule = Policy.RuleFor(grade);
        var state = new OpenAlertState(grade, grade, rule.LeadingTier, lastReportAt ?? Now - TimeSpan.FromHours(1),
            Now + rule.AcknowledgeWithin, Now + rule.ActWithin, Acknowledged: false, ActedOn: false, Corroborated: false);
        return new StoredAlert(id, "k", state, informants, known.ToHashSet());
    }

    /// <summary>A report sent with its reporter's own key (authenticated), unless <paramref name="anonymous"/>.</summary>
    /// <summary>
    /// Issue 14, finding 3: three reports sent without a key, naming inf-0001 to inf-0003, corroborated an alert. Reports
    /// without a key count as one informant all together (the policy's anonymousCountAs), authenticated reporters one each.
    /// </summary>
    [Fact]
    public void Finding_03_reports_sent_without_a_key_count_as_one_informant_together_whatever_reporters_they_name()
    {
        var anonymous = new[] { "inf-0001", "inf-0002", "inf-0003", "inf-0004" }.Select(r => Report(r, Grade.Blue, anonymous: true)).ToList();

        var plan = IncidentGrouping.Plan(anonymous, [], Now, Policy);

        var alert = Assert.Single(plan.Opened);
        Assert.Equal(1, alert.Informants);
        Assert.False(alert.State.Corroborated);
        Assert.Equal(Grade.Blue, alert.State.Grade);

        // Two authenticated informants and the anonymous ones: three, corroborated.
        var together = IncidentGrouping.Plan([.. anonymous, Report("inf-a", Grade.Blue), Report("inf-b", Grade.Blue)], [], Now, Policy);
        Assert.Equal(3, together.Opened.Single().Informants);
        Assert.Equal(Grade.Yellow, together.Opened.Single().State.Grade);

        // A policy that counts anonymous reports as nobody: the same two are not enough.
        var strict = Policy with { Corroboration = Policy.Corroboration with { AnonymousCountAs = 0 } };
        Assert.Equal(2, IncidentGrouping.Plan([.. anonymous, Report("inf-a", Grade.Blue), Report("inf-b", Grade.Blue)], [], Now, strict).Opened.Single().Informants);

        // A report whose key is not its reporter's is anonymous too.
        var claimed = Report("inf-victim", Grade.Blue).Scored with { SubmittedBy = "inf-someone-else" };
        Assert.Equal(IncidentGrouping.AnonymousCorroborator, IncidentGrouping.CorroboratorOf(claimed));
    }

    /// <summary>Issue 14, finding 7: deadlines run from when a report was received, not from the occurredAt it gives.</summary>
    [Fact]
    public void Finding_07_an_alert_opened_by_a_late_report_gets_deadlines_from_its_receipt()
    {
        var late = Report("inf-late", Grade.Red, occurredAt: Now.AddDays(-30));
        late = late with { Scored = late.Scored with { ReceivedAt = Now.AddMinutes(-2) } };

        var alert = IncidentGrouping.Plan([late], [], Now, Policy).Opened.Single();

        Assert.Equal(Now.AddMinutes(-2) + TimeSpan.FromMinutes(15), alert.State.AcknowledgeDueAt);
        Assert.Equal(Now.AddDays(-30), alert.State.LastReportAt);
        Assert.Equal(Now.AddMinutes(-2), IncidentGrouping.ReceivedAt(alert.OpenedBy!, Now));
    }

    private static BatchReport Report(string reporter, Grade grade, string source = "informant", string key = "k", DateTimeOffset? occurredAt = null,
        bool anonymous = false)
    {
        var report = new ReportV1
        {
            ReportId = Guid.NewGuid(),
            Source = source,
            Reporter = reporter,
            OccurredAt = occurredAt ?? Now,
            Location = new ReportLocation { City = "深圳市", District = "龙岗区", Street = "坂田街道" },
            Subject = new ReportSubject { Kind = "site", Name = "配送站" },
            Text = "拖欠工资",
        };
        var probabilities = new float[Grades.All.Count];
        probabilities[(int)grade] = 1;
        return new BatchReport(new ScoredReport(report, grade, probabilities, "m-test") { SubmittedBy = anonymous ? null : reporter }, key);
    }
}
