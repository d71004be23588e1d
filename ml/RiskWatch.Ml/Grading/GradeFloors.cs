using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Grading;

/// <summary>A hard rule that fired for a report: the grade can be no lower than <see cref="Grade"/>.</summary>
public sealed record FiredFloor(string Rule, Grade Grade, string Reason);

/// <summary>
/// The policy floors of MODEL-211: signs serious enough that a report is graded at least this
/// high whatever the model thinks. They only ever raise a grade. Pure: the same report always
/// fires the same rules.
/// </summary>
public static class GradeFloors
{
    public const decimal RedArrearsCny = 5_000_000m;
    public const decimal OrangeArrearsCny = 1_000_000m;
    public const int RedWorkers = 500;
    public const int LargeActionWorkers = 100;
    public const double ImminentHours = 48;

    public static IReadOnlyList<FiredFloor> Evaluate(ReportV1 report) => Evaluate(ReportFacts.Of(report));

    /// <summary>The hard signs as the keyword patterns read them: the fallback of a model trained without sign labels.</summary>
    public static HardSignals KeywordSigns(ReportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var s = facts.Signals;
        var signs = HardSignals.None;
        signs |= s.Death ? HardSignals.Death : 0;
        signs |= s.SelfHarm ? HardSignals.SelfHarm : 0;
        signs |= s.Violence ? HardSignals.Violence : 0;
        signs |= s.Arrests ? HardSignals.Arrest : 0;
        signs |= s.RoadBlock && facts.Action != ActionStatus.Rumoured ? HardSignals.RoadBlock : 0;
        signs |= (s.GovernmentGathering || s.PlatformOfficeGathering) && facts.Action != ActionStatus.Rumoured ? HardSignals.OfficeGathering : 0;
        signs |= s.SeriousInjury || s.MultipleInjuries ? HardSignals.SeriousInjury : 0;
        return signs;
    }

    /// <param name="signs">The hard signs the model's sign classifiers found; null to read them with the keyword patterns.</param>
    public static IReadOnlyList<FiredFloor> Evaluate(ReportFacts facts, HardSignals? signs = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var s = facts.Signals;
        var hard = signs ?? KeywordSigns(facts);
        var fired = new List<FiredFloor>();
        var acting = facts.Action is ActionStatus.Underway or ActionStatus.Planned;

        // Sub-floors on counts and money do not apply to adverts and notices that quote numbers
        // ("急招普工500名"): those are not disputes at all.
        var numbersCount = !s.NonLabourNoise || acting || facts.ActionFromField;

        if ((hard & HardSignals.SelfHarm) != 0)
        {
            fired.Add(new("self_harm", Grade.Red, "someone threatens self-harm"));
        }

        if ((hard & HardSignals.Death) != 0)
        {
            fired.Add(new("death", Grade.Red, "a death at work"));
        }

        var injured = (hard & HardSignals.SeriousInjury) != 0;
        if (injured && s.MultipleInjuries)
        {
            fired.Add(new("several_serious_injuries", Grade.Red, "several serious injuries"));
        }

        if ((hard & (HardSignals.Arrest | HardSignals.Violence)) != 0)
        {
            fired.Add(new("arrests_or_violence", Grade.Red, (hard & HardSignals.Arrest) != 0 ? "arrests reported" : "violence reported"));
        }

        if ((hard & HardSignals.RoadBlock) != 0)
        {
            fired.Add(new("road_block", Grade.Red, "a road is blocked or a block is planned"));
        }

        if ((hard & HardSignals.OfficeGathering) != 0)
        {
            fired.Add(new("office_gathering", Grade.Red, "workers gather at government or company offices"));
        }

        if (numbersCount && facts.Workers is >= LargeActionWorkers
            && (facts.Action == ActionStatus.Underway || (facts.Action == ActionStatus.Planned && (facts.HoursUntilAction ?? 0) <= ImminentHours)))
        {
            fired.Add(new("large_action_within_48h", Grade.Red, $"{facts.Workers} workers acting now or within 48 hours"));
        }

        if (numbersCount && facts.AmountCny >= RedArrearsCny)
        {
            fired.Add(new("arrears_5m", Grade.Red, $"{facts.AmountCny:N0} CNY owed (>= 5,000,000)"));
        }

        if (numbersCount && facts.Workers >= RedWorkers)
        {
            fired.Add(new("500_workers", Grade.Red, $"{facts.Workers} workers affected (>= 500)"));
        }

        if (numbersCount && facts.Workers is >= 30 && acting)
        {
            fired.Add(new("action_30_workers", Grade.Orange, $"{facts.Workers} workers in a collective action"));
        }

        if (numbersCount && facts.Workers is >= LargeActionWorkers and < RedWorkers)
        {
            fired.Add(new("100_workers", Grade.Orange, $"{facts.Workers} workers affected (>= 100)"));
        }

        if (numbersCount && facts.AmountCny is >= OrangeArrearsCny and < RedArrearsCny)
        {
            fired.Add(new("arrears_1m", Grade.Orange, $"{facts.AmountCny:N0} CNY owed (>= 1,000,000)"));
        }

        if (numbersCount && acting && facts.Workers is null && (facts.UnknownGroup || !s.IndividualMention))
        {
            // A workforce acting together is presumed to reach the 30-worker line of orange
            // (ml/README.md, labelling conventions): an early warning must not wait for a headcount.
            // "Strikes at X factory" names no worker at all, yet a strike is never one person's.
            fired.Add(new("group_action", Grade.Orange, "a group of workers of unknown size is acting together"));
        }

        if (injured && !s.MultipleInjuries)
        {
            fired.Add(new("serious_injury", Grade.Orange, "a serious injury"));
        }

        return fired;
    }

    /// <summary>The highest grade among fired floors, or <see cref="Grade.None"/> when none fired.</summary>
    public static Grade Highest(IReadOnlyList<FiredFloor> fired)
    {
        ArgumentNullException.ThrowIfNull(fired);
        var g = Grade.None;
        foreach (var f in fired)
        {
            g = Grades.Max(g, f.Grade);
        }

        return g;
    }
}
