using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Grading;

/// <summary>
/// The MODEL-211 rubric written as rules over <see cref="ReportFacts"/>. It reads only the rendered
/// report (fields and text), never the facts the corpus generator started from, so its agreement
/// with the corpus labels checks the labels independently. It is also a feature of the model.
/// </summary>
public static class RuleBasedGrader
{
    public static Grade Grade(ReportV1 report) => Grade(ReportFacts.Of(report));

    public static Grade Grade(ReportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Grade(facts, GradeFloors.Highest(GradeFloors.Evaluate(facts)));
    }

    /// <summary>The same, when the caller has already evaluated the floors (<paramref name="floor"/> is their highest grade).</summary>
    internal static Grade Grade(ReportFacts facts, Grade floor)
    {
        var s = facts.Signals;
        if (floor == Core.Grading.Grade.Red)
        {
            return floor;
        }

        // Adverts, notices, tests and consumer complaints quote headcounts and money too ("急招普工120名"),
        // so looking like one outweighs the numbers unless workers act or are hurt.
        var anyHazard = s.SeriousInjury || s.SafetyHazard || s.ClosureUnsettled;
        if (s.NonLabourNoise && facts.Action == ActionStatus.None && !anyHazard)
        {
            return Core.Grading.Grade.None;
        }

        var w = facts.Workers;
        var a = facts.AmountCny ?? 0;
        var acting = facts.Action is ActionStatus.Underway or ActionStatus.Planned;
        var unknownGroup = facts.UnknownGroup;
        if ((acting && (w >= 30 || unknownGroup)) || w >= 100 || a >= 1_000_000m || s.SeriousInjury)
        {
            return Core.Grading.Grade.Orange;
        }

        if (w >= 10 || facts.Action == ActionStatus.Rumoured || a >= 100_000m || s.ClosureUnsettled || s.SafetyHazard || unknownGroup)
        {
            return Core.Grading.Grade.Yellow;
        }

        return Core.Grading.Grade.Blue;
    }
}
