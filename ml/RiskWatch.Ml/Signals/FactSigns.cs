using System.Numerics;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Signals;

/// <summary>
/// The facts behind MODEL-211's number floors, as yes/no questions a model can learn from the writers' own reading of
/// their reports (<see cref="WriterFacts"/>): how many workers, how much is owed, whether they act together and how
/// soon. The number readers (<c>Text/</c>) answer them by rule; the learned answers come from the writers' phrasing, not
/// from word lists, and the grade model weighs both.
/// </summary>
[Flags]
public enum FactSigns
{
    None = 0,
    TwoOrMoreWorkers = 1 << 0,
    ThirtyOrMoreWorkers = 1 << 1,
    HundredOrMoreWorkers = 1 << 2,
    FiveHundredOrMoreWorkers = 1 << 3,
    MillionOwed = 1 << 4,
    FiveMillionOwed = 1 << 5,
    CollectiveAction = 1 << 6,
    ActingWithin48Hours = 1 << 7,
}

public static class FactSignNames
{
    /// <summary>Every fact sign, in the order of their models and feature slots.</summary>
    public static readonly IReadOnlyList<FactSigns> All =
    [
        FactSigns.TwoOrMoreWorkers, FactSigns.ThirtyOrMoreWorkers, FactSigns.HundredOrMoreWorkers, FactSigns.FiveHundredOrMoreWorkers,
        FactSigns.MillionOwed, FactSigns.FiveMillionOwed, FactSigns.CollectiveAction, FactSigns.ActingWithin48Hours,
    ];

    /// <summary>Where a single fact sits in <see cref="All"/> (and in a probability vector): <see cref="All"/> is in bit order.</summary>
    public static int IndexOf(FactSigns fact) => BitOperations.TrailingZeroCount((int)fact);

    /// <summary>Names for explanations, in <see cref="All"/> order.</summary>
    public static readonly IReadOnlyList<string> Descriptions =
    [
        "reads as two or more workers", "reads as 30 or more workers", "reads as 100 or more workers", "reads as 500 or more workers",
        "reads as 1 million CNY or more owed", "reads as 5 million CNY or more owed", "reads as a collective action planned or under way",
        "reads as acting now or within 48 hours",
    ];

    /// <summary>The fact signs a writer's facts hold; unknown counts and amounts hold none of theirs.</summary>
    public static FactSigns Of(WriterFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var signs = FactSigns.None;
        if (facts.Workers is { } w)
        {
            signs |= (w >= 2 ? FactSigns.TwoOrMoreWorkers : 0) | (w >= 30 ? FactSigns.ThirtyOrMoreWorkers : 0)
                | (w >= 100 ? FactSigns.HundredOrMoreWorkers : 0) | (w >= 500 ? FactSigns.FiveHundredOrMoreWorkers : 0);
        }

        if (facts.AmountCny is { } a)
        {
            signs |= (a >= 1_000_000 ? FactSigns.MillionOwed : 0) | (a >= 5_000_000 ? FactSigns.FiveMillionOwed : 0);
        }

        var acting = facts.Action is ActionStatus.Planned or ActionStatus.Underway;
        var soon = facts.Action is ActionStatus.Underway || (facts.Action is ActionStatus.Planned && facts.HoursUntilAction is <= 48);
        return signs | (acting ? FactSigns.CollectiveAction : 0) | (soon ? FactSigns.ActingWithin48Hours : 0);
    }
}
