using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Response.Metrics;

/// <summary>
/// Observes how long an alert waited for its acknowledgement and its resolution, by grade, leading tier and district
/// (the policy's name of the district, or "other": the label set stays bounded by the policy).
/// </summary>
public static class HandlingTimes
{
    public static void Observe(AlertAction action, AlertSummary alert, HandlingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(policy);
        var district = District(policy, alert.City, alert.District);
        // An assignment or resolution of an unacknowledged alert acknowledges it too, in the statement that sets updated_at.
        if (alert.AcknowledgedAt is { } acknowledged && (action is AlertAction.Acknowledge
            || (action is AlertAction.Assign or AlertAction.Resolve && acknowledged == alert.UpdatedAt)))
        {
            ResponseMetrics.TimeToAcknowledge.WithLabels(alert.Grade, alert.Tier, district).Observe(Math.Max(0, (acknowledged - alert.OpenedAt).TotalSeconds));
        }

        if (action is AlertAction.Resolve && alert.ResolvedAt is { } resolved)
        {
            ResponseMetrics.TimeToResolve.WithLabels(alert.Grade, alert.Tier, district).Observe(Math.Max(0, (resolved - alert.OpenedAt).TotalSeconds));
        }
    }

    /// <summary>The district as the policy spells it when it knows it; "other" otherwise, "unknown" without one.</summary>
    public static string District(HandlingPolicy policy, string city, string? district)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(district))
        {
            return "unknown";
        }

        var unit = policy.Jurisdictions.FirstOrDefault(c => PlaceKey.City(c.Name) == PlaceKey.City(city))?
            .Districts.FirstOrDefault(d => PlaceKey.District(d.Name) == PlaceKey.District(district));
        return unit?.Name ?? "other";
    }
}
