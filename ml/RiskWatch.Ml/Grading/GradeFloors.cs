using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Signals;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Grading;

/// <summary>A hard rule that fired for a report: the grade can be no lower than <see cref="Grade"/>.</summary>
public sealed record FiredFloor(string Rule, Grade Grade, GradeReason Reason);

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
    /// <param name="labourLikely">
    /// Whether the model reads the report as a labour matter at all. When it does not, numbers read from the text raise no
    /// floor (an advert's "急招普工500名", a consumer's "等了100分钟"); numbers in the structured fields always count.
    /// </param>
    /// <param name="learnedFacts">
    /// The facts the model's learned readers find at their floor thresholds (<see cref="FactSigns"/>): beside the rule
    /// readers, they fire the floors that need two things at once (100 or more workers acting within 48 hours, a serious
    /// injury of several workers), whose second half the rules most often miss. Counted only for a labour matter.
    /// </param>
    public static IReadOnlyList<FiredFloor> Evaluate(ReportFacts facts, HardSignals? signs = null, bool labourLikely = true, FactSigns learnedFacts = FactSigns.None)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var s = facts.Signals;
        var hard = signs ?? KeywordSigns(facts);
        var fired = new List<FiredFloor>();
        var acting = facts.Action is ActionStatus.Underway or ActionStatus.Planned;

        // Sub-floors on counts and money do not apply to adverts and notices that quote numbers
        // ("急招普工500名"): those are not disputes at all.
        var numbersCount = !s.NonLabourNoise || acting || facts.ActionFromField;
        var workers = numbersCount && (labourLikely || !facts.WorkersFromText) ? facts.Workers : null;
        var amount = numbersCount && (labourLikely || !facts.AmountFromText) ? facts.AmountCny : null;

        foreach (var sign in RedSigns)
        {
            if ((hard & sign) != 0)
            {
                fired.Add(new(sign.ToWire(), Grade.Red, Explanations.Sign(sign)));
            }
        }

        var learned = labourLikely ? learnedFacts : FactSigns.None;
        var injured = (hard & HardSignals.SeriousInjury) != 0;
        var severalInjured = injured && (s.MultipleInjuries || (learned & FactSigns.TwoOrMoreWorkers) != 0);
        if (severalInjured)
        {
            fired.Add(new(SeveralSeriousInjuries, Grade.Red, new("多名工人重伤", "several workers seriously injured")));
        }

        var imminent = facts.Action == ActionStatus.Underway || (facts.Action == ActionStatus.Planned && (facts.HoursUntilAction ?? 0) <= ImminentHours);
        if (workers is >= LargeActionWorkers && imminent)
        {
            fired.Add(new("large_action_within_48h", Grade.Red, new(
                Format($"{workers} 名工人正在或将在 48 小时内集体行动"), Format($"{Explanations.Workers(workers.Value)} acting now or within 48 hours"))));
        }
        else if ((learned & (FactSigns.HundredOrMoreWorkers | FactSigns.ActingWithin48Hours)) == (FactSigns.HundredOrMoreWorkers | FactSigns.ActingWithin48Hours))
        {
            fired.Add(new("large_action_within_48h", Grade.Red, new(
                "读来有 100 名以上工人正在或将在 48 小时内集体行动", "reads as 100 or more workers acting now or within 48 hours")));
        }

        if (amount >= RedArrearsCny)
        {
            fired.Add(new("arrears_5m", Grade.Red, new(Format($"拖欠 {amount:N0} 元（不少于 500 万元）"), Format($"{amount:N0} CNY owed (5,000,000 or more)"))));
        }

        // MODEL-211's 500 workers are wage arrears for 500 (orange names arrears for 100-499 beside a pay cut for 100 or more):
        // a pay-rule change that reaches 800 riders is orange unless they act.
        var owedToMany = false;
        if (workers is { } owed && owed >= RedWorkers && facts.WagesOwed)
        {
            owedToMany = true;
            fired.Add(new("500_workers", Grade.Red, new(Format($"拖欠 {owed} 名工人的工资（不少于 500 名）"), Format($"wages owed to {Explanations.Workers(owed)} (500 or more)"))));
        }

        if (workers is >= 30 && acting)
        {
            fired.Add(new("action_30_workers", Grade.Orange, new(Format($"{workers} 名工人参与集体行动"), Format($"{Explanations.Workers(workers.Value)} in a collective action"))));
        }

        if (workers is >= LargeActionWorkers && !owedToMany)
        {
            fired.Add(new("100_workers", Grade.Orange, new(Format($"涉及 {workers} 名工人（不少于 100 名）"), Format($"{Explanations.Workers(workers.Value)} affected (100 or more)"))));
        }

        if (amount is >= OrangeArrearsCny and < RedArrearsCny)
        {
            fired.Add(new("arrears_1m", Grade.Orange, new(Format($"拖欠 {amount:N0} 元（不少于 100 万元）"), Format($"{amount:N0} CNY owed (1,000,000 or more)"))));
        }

        if (numbersCount && labourLikely && acting && facts.Workers is null && (facts.UnknownGroup || !s.IndividualMention))
        {
            // A workforce acting together is presumed to reach the 30-worker line of orange
            // (ml/README.md, labelling conventions): an early warning must not wait for a headcount.
            // "Strikes at X factory" names no worker at all, yet a strike is never one person's.
            fired.Add(new("group_action", Grade.Orange, new("人数不明的一群工人正在或计划一起行动", "a group of workers of unknown size is acting together")));
        }

        if (injured && !severalInjured)
        {
            fired.Add(new("serious_injury", Grade.Orange, Explanations.Sign(HardSignals.SeriousInjury)));
        }

        return fired;
    }

    /// <summary>The hard signs that make a report red by themselves (MODEL-211); a serious injury makes it orange.</summary>
    public static readonly IReadOnlyList<HardSignals> RedSigns =
        [HardSignals.SelfHarm, HardSignals.Death, HardSignals.Violence, HardSignals.Arrest, HardSignals.RoadBlock, HardSignals.OfficeGathering];

    private const string SeveralSeriousInjuries = "several_serious_injuries";

    private static string Format(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The grade when a grade decision (which reads the sign models itself) has said <paramref name="decided"/>: it may
    /// overrule a floor that stands on a hard sign, but not one on the numbers MODEL-211 names (workers, money, an action
    /// within 48 hours, a group acting together), and it may not dismiss a report any floor holds to be a risk: a report
    /// it grades <c>none</c> takes the highest floor. "No alert" is the costly answer; the decision weighs how grave a
    /// risk is, not whether a sign the floors found is there.
    /// </summary>
    public static Grade UnderDecision(Grade decided, IReadOnlyList<FiredFloor> fired)
    {
        ArgumentNullException.ThrowIfNull(fired);
        if (decided == Grade.None)
        {
            return Highest(fired);
        }

        var g = decided;
        foreach (var f in fired)
        {
            if (!StandsOnSign(f))
            {
                g = Grades.Max(g, f.Grade);
            }
        }

        return g;
    }

    /// <summary>
    /// Whether a floor stands on what the sign models read (a hard sign, or several serious injuries), which a grade
    /// decision reads too and so may overrule, rather than on the numbers MODEL-211 names.
    /// </summary>
    public static bool StandsOnSign(FiredFloor floor)
    {
        ArgumentNullException.ThrowIfNull(floor);
        return floor.Rule == SeveralSeriousInjuries || HardSignalNames.All.Any(s => s.ToWire() == floor.Rule);
    }

    /// <summary>The grade a hard sign makes a report by itself: red, or orange for one serious injury.</summary>
    public static Grade GradeOf(HardSignals sign) => RedSigns.Contains(sign) ? Grade.Red : Grade.Orange;

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
