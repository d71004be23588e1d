using System.ComponentModel.DataAnnotations;

namespace RiskWatch.Scoring;

/// <summary>The "Scoring" configuration section.</summary>
public sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>
    /// Most reports scored and written in one transaction. Only a backlog fills a batch (at a steady rate a batch
    /// holds what arrived while the previous one was written); then larger batches amortise the commit and the per-statement cost
    /// of the set-based write, and 1,000 keeps a transaction around a tenth of a second on a small machine.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>
    /// Longest a batch gathers more messages, once it has its first one, while the previous batch is still being
    /// written; with nothing being written a batch takes what has arrived and waits for nothing.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxBatchWaitMs { get; set; } = 20;

    /// <summary>
    /// Transactions a batch is written in, side by side: a batch is split by partition (partition modulo this), so each
    /// partition's reports, and so each incident's, are still written by one transaction in order, and the splits touch
    /// disjoint alerts. A transaction runs on one PostgreSQL backend, one core: with one, a batch's write is as fast as
    /// one core, and Scoring waits on it. Each lane goes on to its part of the next batch as soon as its own is durable.
    /// </summary>
    [Range(1, 16)]
    public int WriteLanes { get; set; } = 2;

    /// <summary>
    /// Largest report message accepted; anything larger is dead-lettered (a contract report is far smaller). At least
    /// <see cref="Core.Contract.ContractValues.MaxMessageBytes"/>, the most Ingest produces, so nothing Ingest answered 202
    /// is dead-lettered for its size (issue 14, finding 4).
    /// </summary>
    [Range(Core.Contract.ContractValues.MaxMessageBytes, 10_000_000)]
    public int MaxMessageBytes { get; set; } = Core.Contract.ContractValues.MaxMessageBytes;
}

/// <summary>
/// The "Model" configuration section. The model registry (PostgreSQL) says which version is current; the
/// file at <see cref="Path"/> is the fallback while the registry is empty or unreachable.
/// </summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    [Required]
    public string Path { get; set; } = "";

    /// <summary>How often Scoring asks the registry whether another version was promoted.</summary>
    [Range(100, 600_000)]
    public int PollIntervalMs { get; set; } = 2000;

    /// <summary>Where versions fetched from the registry are kept; empty means a <c>registry</c> folder beside <see cref="Path"/>.</summary>
    public string CacheDirectory { get; set; } = "";
}
