using System.Collections.Frozen;

namespace RiskWatch.Core.Contract;

/// <summary>The closed value sets of report contract v1.</summary>
public static class ContractValues
{
    public const int MaxTextLength = 4000;

    /// <summary>Kafka header naming the contract version of a message; absent means 1 (platforms may leave it out).</summary>
    public const string VersionHeader = "contract-version";

    /// <summary>How far in the future <c>occurredAt</c> may lie (clock skew of phones, time zones).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    public static readonly FrozenSet<string> Sources = Set("informant", "platform");
    public static readonly FrozenSet<string> SubjectKinds = Set("platform", "site", "enterprise", "agent", "other");
    public static readonly FrozenSet<string> Sectors = Set(
        "food_delivery", "courier", "ride_hailing", "freight", "domestic_service", "manufacturing", "construction", "other");
    public static readonly FrozenSet<string> Categories = Set(
        "wage_arrears", "collective_action", "pay_rule_change", "account_deactivation", "safety_incident",
        "working_hours", "social_insurance", "outsourcing_dispute", "closure_relocation", "other");
    public static readonly FrozenSet<string> ActionStatuses = Set("none", "rumoured", "planned", "underway");
    public static readonly FrozenSet<string> Languages = Set("zh", "en");

    private static FrozenSet<string> Set(params string[] values) => values.ToFrozenSet(StringComparer.Ordinal);
}
