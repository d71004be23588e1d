using System.Collections.Frozen;

namespace RiskWatch.Core.Contract;

/// <summary>The closed value sets of report contract v1.</summary>
public static class ContractValues
{
    public const int MaxTextLength = 4000;

    /// <summary>
    /// Every text field is limited in characters as a person counts them (grapheme clusters) and in UTF-8 bytes, this many
    /// per character: a "character" can be one letter with thousands of combining marks, so characters alone bound nothing.
    /// Four bytes a character fit any text of single code points (CJK 3, emoji 4).
    /// </summary>
    public const int MaxBytesPerCharacter = 4;

    /// <summary>
    /// The largest report message, as Ingest produces it (contract JSON, escapes included) and as Scoring accepts it at
    /// least (<c>Scoring:MaxMessageBytes</c> may only be larger): Ingest refuses (413) a report whose message would exceed
    /// it, so Scoring never dead-letters what Ingest answered 202.
    /// </summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The most workers a report may say are affected: more than any one employer of new forms of work has.</summary>
    public const int MaxWorkersAffected = 10_000_000;

    /// <summary>The largest amount owed a report may give, in CNY (ten billion): a bigger number is a typing error.</summary>
    public const decimal MaxAmountOwedCny = 10_000_000_000m;

    /// <summary>How far back <c>occurredAt</c> may lie: a dispute may go back years, not centuries.</summary>
    public static readonly TimeSpan MaxPastAge = TimeSpan.FromDays(10 * 366);

    /// <summary>How far ahead <c>collectiveAction.expectedAt</c> may lie.</summary>
    public static readonly TimeSpan MaxExpectedAhead = TimeSpan.FromDays(366);

    /// <summary>Kafka header naming the contract version of a message; absent means 1 (platforms may leave it out).</summary>
    public const string VersionHeader = "contract-version";

    /// <summary>
    /// Kafka header Ingest sets to the principal of the key a report came with. Scoring counts a report towards corroboration
    /// as its reporter's only when this names the reporter; without it a report is anonymous (issue 14, finding 3).
    /// </summary>
    public const string SubmittedByHeader = "submitted-by";

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
