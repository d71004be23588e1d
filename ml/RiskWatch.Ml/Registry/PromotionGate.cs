using System.Globalization;

namespace RiskWatch.Ml.Registry;

/// <summary>Whether a candidate may replace the current model, with both figures over the same held-out data.</summary>
public sealed record PromotionDecision(bool Allowed, string Reason, EvaluationResult Candidate, EvaluationResult? Current);

/// <summary>
/// A candidate is promoted only when it is at least as good as the current model on macro-F1 and on red recall,
/// both measured now on the same held-out reports (the corpus test part and the held-out feedback).
/// </summary>
public static class PromotionGate
{
    public static PromotionDecision Decide(EvaluationResult candidate, EvaluationResult? current)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var c = CultureInfo.InvariantCulture;
        if (current is null)
        {
            return new PromotionDecision(true, "no current model", candidate, null);
        }

        var problems = new List<string>();
        if (candidate.MacroF1 < current.MacroF1)
        {
            problems.Add(string.Create(c, $"macro-F1 {candidate.MacroF1:F4} < current {current.MacroF1:F4}"));
        }

        if (candidate.RedRecall < current.RedRecall)
        {
            problems.Add(string.Create(c, $"red recall {candidate.RedRecall:F4} < current {current.RedRecall:F4}"));
        }

        return problems.Count == 0
            ? new PromotionDecision(true, string.Create(c, $"macro-F1 {candidate.MacroF1:F4} >= {current.MacroF1:F4} and red recall {candidate.RedRecall:F4} >= {current.RedRecall:F4}"), candidate, current)
            : new PromotionDecision(false, string.Join("; ", problems), candidate, current);
    }
}
