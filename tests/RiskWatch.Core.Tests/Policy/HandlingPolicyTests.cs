using System.Xml.Linq;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Policy;

public sealed class HandlingPolicyTests
{
    private static readonly HandlingPolicy Policy = HandlingPolicy.Default;
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 30, 0, TimeSpan.FromHours(8));

    [Fact]
    public void The_built_in_policy_follows_model_211_and_is_valid()
    {
        Assert.Empty(PolicyValidator.Validate(Policy));
        Assert.Equal(TimeSpan.FromHours(72), Policy.GroupingWindow);
    }

    [Fact]
    public void The_shipped_policy_file_says_exactly_what_the_built_in_default_says()
    {
        // policy/riskwatch.policy.yaml is what runs when no file is configured; HandlingPolicy.Default is MODEL-211 in code,
        // used for sections a file leaves out. The file adds only its version and the jurisdictions (deployment data).
        var shipped = PolicyFile.BuiltIn;
        Assert.Equal(Policy.GroupingWindow, shipped.GroupingWindow);
        Assert.Equal(Describe(Policy.Corroboration), Describe(shipped.Corroboration));
        Assert.Equal(Describe(Policy.Escalation), Describe(shipped.Escalation));
        Assert.Equal(Grades.All.Where(g => g != Grade.None).Select(g => Describe(g, Policy)), Grades.All.Where(g => g != Grade.None).Select(g => Describe(g, shipped)));
        Assert.NotEmpty(shipped.Jurisdictions);
    }

    private static string Describe(CorroborationRule r) => $"{r.IndependentInformants} {r.RaiseBy} {r.UpTo} [{string.Join(",", r.Sources)}]";

    private static string Describe(EscalationRule r) => $"[{string.Join(",", r.Chain)}] {r.AcknowledgeWithinAfterEscalation} {r.RemindEvery} {r.Reminders}";

    private static string Describe(Grade grade, HandlingPolicy policy)
    {
        var rule = policy.RuleFor(grade);
        return $"{grade}: {rule.LeadingTier} [{string.Join(",", rule.AlsoTold)}] {rule.AcknowledgeWithin} {rule.ActWithin}";
    }

    [Theory]
    [InlineData(Grade.Red, Tier.City, 15, 120)]
    [InlineData(Grade.Orange, Tier.City, 60, 720)]
    [InlineData(Grade.Yellow, Tier.District, 240, 2880)]
    [InlineData(Grade.Blue, Tier.Street, 1440, 10080)]
    public void A_new_alert_goes_to_its_grades_leading_tier_with_both_deadlines(Grade grade, Tier tier, int ackMinutes, int actMinutes)
    {
        var routing = IncidentDecisions.Route(grade, Now, Policy);

        Assert.Equal(tier, routing.Tier);
        Assert.Equal(Now.AddMinutes(ackMinutes), routing.AcknowledgeDueAt);
        Assert.Equal(Now.AddMinutes(actMinutes), routing.ActDueAt);
    }

    [Theory]
    [InlineData("15m", 15 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    public void Durations_read_as_operators_write_them(string text, int seconds)
    {
        Assert.True(PolicyDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("15 minutes")]
    [InlineData("h2")]
    [InlineData("-5m")]
    public void Anything_else_is_not_a_duration(string text) => Assert.False(PolicyDuration.TryParse(text, out _));

    [Fact]
    public void A_policy_missing_a_grade_or_with_act_before_acknowledge_names_the_path()
    {
        var grades = Policy.Grades.ToDictionary();
        grades.Remove(Grade.Blue);
        grades[Grade.Red] = grades[Grade.Red] with { ActWithin = TimeSpan.FromMinutes(5) };

        var problems = PolicyValidator.Validate(Policy with { Grades = grades });

        Assert.Contains(problems, p => p.Path == "grades" && p.Message.Contains("blue", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "grades.red.actWithin");
    }

    [Fact]
    public void A_more_serious_grade_may_not_get_longer_or_be_led_lower()
    {
        var grades = Policy.Grades.ToDictionary();
        grades[Grade.Red] = grades[Grade.Red] with { LeadingTier = Tier.Street, AlsoTold = [], AcknowledgeWithin = TimeSpan.FromHours(2) };

        var problems = PolicyValidator.Validate(Policy with { Grades = grades });

        Assert.Contains(problems, p => p.Path == "grades.red.leadingTier");
        Assert.Contains(problems, p => p.Path == "grades.red.acknowledgeWithin");
    }

    [Fact]
    public void An_escalation_chain_must_climb_and_corroboration_needs_two_informants()
    {
        var problems = PolicyValidator.Validate(Policy with
        {
            Escalation = Policy.Escalation with { Chain = [Tier.City, Tier.District, Tier.Street] },
            Corroboration = Policy.Corroboration with { IndependentInformants = 1 },
            Version = "",
        });

        Assert.Contains(problems, p => p.Path == "escalation.chain" && p.Message.Contains("climb", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "corroboration.independentInformants");
        Assert.Contains(problems, p => p.Path == "version");
    }

    [Fact]
    public void Jurisdictions_listed_twice_are_refused_whatever_the_spelling()
    {
        var city = new CityUnit("深圳市", "市总", null, [new DistrictUnit("龙岗区", "区总", []), new DistrictUnit("龙岗", "区总2", [])]);

        var problems = PolicyValidator.Validate(Policy with { Jurisdictions = [city] });

        Assert.Contains(problems, p => p.Path == "jurisdictions[0].districts[1].name");
    }

    [Theory]
    [InlineData(Grade.Blue, 2, Grade.Blue)]
    [InlineData(Grade.Blue, 3, Grade.Yellow)]
    [InlineData(Grade.Orange, 5, Grade.Red)]
    [InlineData(Grade.Red, 9, Grade.Red)]
    public void Independent_informants_raise_the_grade_one_step_at_the_threshold(Grade reported, int informants, Grade expected) =>
        Assert.Equal(expected, IncidentDecisions.GradeFor(reported, informants, Policy.Corroboration));

    [Fact]
    public void Corroboration_is_off_with_raise_by_zero() =>
        Assert.Equal(Grade.Blue, IncidentDecisions.GradeFor(Grade.Blue, 10, Policy.Corroboration with { RaiseBy = 0 }));

    [Fact]
    public void A_joining_report_never_lowers_the_grade_and_a_higher_one_moves_tier_and_deadlines_forward()
    {
        var opened = IncidentDecisions.Route(Grade.Blue, Now, Policy);
        var state = new OpenAlertState(Grade.Yellow, Grade.Yellow, Tier.District, Now, Now.AddHours(4), Now.AddHours(48), false, false, false);

        var lower = IncidentDecisions.Join(state, Grade.Blue, 1, Now.AddMinutes(10), Policy);
        var higher = IncidentDecisions.Join(state, Grade.Red, 1, Now.AddMinutes(10), Policy);

        Assert.Equal(Grade.Yellow, lower.Grade);
        Assert.Equal(Tier.District, lower.Tier);
        Assert.Equal(Grade.Red, higher.Grade);
        Assert.Equal(Tier.City, higher.Tier);
        Assert.Equal(Now.AddMinutes(25), higher.AcknowledgeDueAt);
        Assert.NotEqual(opened.Tier, higher.Tier);
    }

    [Fact]
    public void Reports_join_within_the_window_of_the_last_report_and_not_after()
    {
        var state = new OpenAlertState(Grade.Blue, Grade.Blue, Tier.Street, Now, null, null, false, false, false);

        Assert.True(IncidentDecisions.Joins(state, Now.AddHours(71), Policy));
        Assert.False(IncidentDecisions.Joins(state, Now.AddHours(73), Policy));
    }

    [Fact]
    public void An_unacknowledged_red_alert_escalates_from_city_to_the_joint_mechanism_at_its_deadline()
    {
        var alert = new DeadlineState(Grade.Red, Tier.City, AlertStatus.New, Now.AddMinutes(15), Now.AddHours(2), false, 0);

        Assert.Equal(EscalationKind.None, Escalation.Decide(alert, Now.AddMinutes(14), Policy).Kind);
        var due = Escalation.Decide(alert, Now.AddMinutes(15), Policy);

        Assert.Equal(EscalationKind.Escalate, due.Kind);
        Assert.Equal(Tier.Joint, due.ToTier);
        Assert.True(due.AcknowledgeDeadlineMissed);
        Assert.Equal(Now.AddMinutes(30), due.NextAcknowledgeDueAt);
    }

    [Fact]
    public void At_the_top_of_the_chain_the_timer_reminds_then_stops()
    {
        var alert = new DeadlineState(Grade.Red, Tier.Joint, AlertStatus.New, Now, Now.AddHours(2), false, 0);

        Assert.Equal(EscalationKind.Remind, Escalation.Decide(alert, Now, Policy).Kind);
        Assert.Equal(EscalationKind.Exhausted, Escalation.Decide(alert with { RemindersSent = 3 }, Now, Policy).Kind);
    }

    [Fact]
    public void An_acknowledged_alert_never_escalates_but_its_first_action_deadline_can_still_be_missed()
    {
        var alert = new DeadlineState(Grade.Yellow, Tier.District, AlertStatus.Acknowledged, null, Now, false, 0);

        var decision = Escalation.Decide(alert, Now.AddMinutes(1), Policy);

        Assert.Equal(EscalationKind.None, decision.Kind);
        Assert.True(decision.ActDeadlineMissed);
        Assert.False(Escalation.Decide(alert with { ActDeadlineMissed = true }, Now.AddMinutes(1), Policy).ChangesAnything);
    }

    [Theory]
    [InlineData(AlertStatus.New, AlertAction.Acknowledge, AlertStatus.Acknowledged)]
    [InlineData(AlertStatus.Acknowledged, AlertAction.Assign, AlertStatus.InHandling)]
    [InlineData(AlertStatus.InHandling, AlertAction.Resolve, AlertStatus.Resolved)]
    [InlineData(AlertStatus.Resolved, AlertAction.Close, AlertStatus.Closed)]
    [InlineData(AlertStatus.Closed, AlertAction.Reopen, AlertStatus.InHandling)]
    [InlineData(AlertStatus.Acknowledged, AlertAction.Acknowledge, null)]
    [InlineData(AlertStatus.New, AlertAction.Close, null)]
    [InlineData(AlertStatus.Closed, AlertAction.Note, null)]
    public void The_lifecycle_allows_only_its_transitions(string from, AlertAction action, string? to) =>
        Assert.Equal(to, AlertLifecycle.Next(from, action));

    [Theory]
    [InlineData(Grade.Red, "Extreme")]
    [InlineData(Grade.Orange, "Severe")]
    [InlineData(Grade.Yellow, "Moderate")]
    [InlineData(Grade.Blue, "Minor")]
    public void Cap_severity_follows_the_four_level_scale(Grade grade, string severity)
    {
        var alert = new CapAlert(7, grade, AlertStatus.New, "city", "深圳市", "龙岗区", "坂田街道", "坂田配送站", 3, true, Now, Now, ["集体行动进行中"], null);

        var cap = CapMessage.Build(alert, "riskwatch@union.example", Now);

        XNamespace ns = CapMessage.Namespace;
        Assert.Equal(ns + "alert", cap.Root!.Name);
        Assert.Equal(severity, cap.Root.Element(ns + "info")!.Element(ns + "severity")!.Value);
        Assert.EndsWith("+08:00", cap.Root.Element(ns + "sent")!.Value, StringComparison.Ordinal);
    }
}
