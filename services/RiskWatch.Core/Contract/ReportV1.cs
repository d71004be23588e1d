using System.Text.Json.Serialization;

namespace RiskWatch.Core.Contract;

/// <summary>
/// A report in contract version 1 (REPORT-CONTRACT.md), whatever channel it came in by.
/// Enumerated fields stay strings here: <see cref="ReportParser"/> has already checked them
/// against <see cref="ContractValues"/>, and keeping the sender's spelling makes the report
/// round-trip byte-for-byte in meaning through Kafka and batch scoring.
/// </summary>
public sealed record ReportV1
{
    public required Guid ReportId { get; init; }
    public required string Source { get; init; }
    public required string Reporter { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required ReportLocation Location { get; init; }
    public required ReportSubject Subject { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sector { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Category { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WorkersAffected { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? AmountOwedCny { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CollectiveAction? CollectiveAction { get; init; }
    public required string Text { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Language { get; init; }
}

public sealed record ReportLocation
{
    public required string City { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? District { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Street { get; init; }
}

public sealed record ReportSubject
{
    public required string Kind { get; init; }
    public required string Name { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Platform { get; init; }
}

public sealed record CollectiveAction
{
    public required string Status { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ExpectedAt { get; init; }
}
