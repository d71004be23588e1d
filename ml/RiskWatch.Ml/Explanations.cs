using System.Globalization;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml;

/// <summary>The facts behind a grade, in words a responder understands, strongest first.</summary>
public static class Explanations
{
    public static IReadOnlyList<string> Describe(ReportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var c = CultureInfo.InvariantCulture;
        var s = facts.Signals;
        var r = new List<string>();
        if (s.SelfHarm) r.Add("someone threatens self-harm");
        if (s.Death) r.Add("a death at work");
        if (s.RoadBlock) r.Add("a road block");
        if (s.GovernmentGathering) r.Add("a gathering at government offices");
        if (s.Arrests) r.Add("arrests reported");
        if (s.Violence) r.Add("violence reported");
        if (facts.Workers is { } w)
        {
            r.Add(string.Create(c, $"{w} workers affected{(facts.WorkersFromText ? " (read from the text)" : "")}"));
        }
        else if (facts.UnknownGroup)
        {
            r.Add("a group of workers of unknown size");
        }

        switch (facts.Action)
        {
            case ActionStatus.Underway:
                r.Add("collective action under way");
                break;
            case ActionStatus.Planned:
                r.Add(facts.HoursUntilAction is { } h ? string.Create(c, $"collective action planned in about {h:F0} hours") : "collective action planned");
                break;
            case ActionStatus.Rumoured:
                r.Add("collective action rumoured");
                break;
        }

        if (facts.AmountCny is { } a)
        {
            r.Add(string.Create(c, $"{a:N0} CNY owed"));
        }

        if (s.SeriousInjury) r.Add("a serious injury");
        if (s.SafetyHazard) r.Add("a safety hazard");
        if (s.ClosureUnsettled) r.Add("a closure with pay or deposits unsettled");
        if (s.NonLabourNoise && facts.Action == ActionStatus.None) r.Add("reads like an advert, notice, test or consumer complaint");
        return r;
    }
}
