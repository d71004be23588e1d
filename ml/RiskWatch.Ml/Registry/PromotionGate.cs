using System.Globalization;
using System.Text.Json;

namespace RiskWatch.Ml.Registry;

/// <summary>
/// The figures a version is judged by: its training recipe's leave-one-writer-out figures (measured when it was trained,
/// stored in the registry), and, when responders have corrected reports, its figures on the held-out corrections.
/// </summary>
public sealed record GateFigures(double MacroF1, double RedRecall, double NoneRecall)
{
    public static GateFigures From(Evaluation.CrossValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(Math.Round(report.All.MacroF1, 4), Math.Round(report.All.RedRecall, 4), Math.Round(report.NoneRecall, 4));
    }

    /// <summary>The "byWriter" figures in a registry entry's metrics JSON; null when it has none.</summary>
    public static GateFigures? FromMetrics(string metricsJson)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(metricsJson) ? "{}" : metricsJson);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("byWriter", out var b) && b.ValueKind == JsonValueKind.Object
            ? new GateFigures(b.GetProperty("macroF1").GetDouble(), b.GetProperty("redRecall").GetDouble(), b.GetProperty("noneRecall").GetDouble())
            : null;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"macro-F1 {MacroF1:F4}, red recall {RedRecall:F4}, none recall {NoneRecall:F4}");
}

/// <summary>Whether a candidate may replace the current model, with the figures compared.</summary>
public sealed record PromotionDecision(bool Allowed, string Reason, GateFigures? Candidate, GateFigures? Current, EvaluationResult? CandidateFeedback, EvaluationResult? CurrentFeedback);

/// <summary>
/// A candidate is promoted only when its leave-one-writer-out macro-F1, red recall and none recall are each at least the
/// current model's, and, where there are held-out corrections, its macro-F1 and red recall on them too. A candidate
/// without leave-one-writer-out figures (trained with --no-evaluation) is refused; a current model without them
/// (the first one <c>riskwatch up</c> trains) is replaced by any candidate that has them.
/// </summary>
public static class PromotionGate
{
    public static PromotionDecision Decide(GateFigures? candidate, GateFigures? current, EvaluationResult? candidateFeedback = null, EvaluationResult? currentFeedback = null)
    {
        var c = CultureInfo.InvariantCulture;
        var problems = new List<string>();
        if (candidate is null)
        {
            problems.Add("the candidate has no leave-one-writer-out figures (it was trained with --no-evaluation)");
        }
        else if (current is not null)
        {
            if (candidate.MacroF1 < current.MacroF1)
            {
                problems.Add(string.Create(c, $"leave-one-writer-out macro-F1 {candidate.MacroF1:F4} < current {current.MacroF1:F4}"));
            }

            if (candidate.RedRecall < current.RedRecall)
            {
                problems.Add(string.Create(c, $"leave-one-writer-out red recall {candidate.RedRecall:F4} < current {current.RedRecall:F4}"));
            }

            if (candidate.NoneRecall < current.NoneRecall)
            {
                problems.Add(string.Create(c, $"leave-one-writer-out none recall {candidate.NoneRecall:F4} < current {current.NoneRecall:F4}"));
            }
        }

        if (candidateFeedback is not null && currentFeedback is not null)
        {
            if (candidateFeedback.MacroF1 < currentFeedback.MacroF1)
            {
                problems.Add(string.Create(c, $"held-out corrections macro-F1 {candidateFeedback.MacroF1:F4} < current {currentFeedback.MacroF1:F4}"));
            }

            if (candidateFeedback.RedRecall < currentFeedback.RedRecall)
            {
                problems.Add(string.Create(c, $"held-out corrections red recall {candidateFeedback.RedRecall:F4} < current {currentFeedback.RedRecall:F4}"));
            }
        }

        var allowed = problems.Count == 0;
        var reason = allowed
            ? current is null ? $"no figures to beat; candidate {candidate}" : $"candidate {candidate} >= current {current}"
            : string.Join("; ", problems);
        return new PromotionDecision(allowed, reason, candidate, current, candidateFeedback, currentFeedback);
    }
}
