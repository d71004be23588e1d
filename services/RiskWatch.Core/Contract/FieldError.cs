namespace RiskWatch.Core.Contract;

/// <summary>One reason a report was refused: the contract field (as a JSON path, e.g. <c>location.city</c>) and why.</summary>
public sealed record FieldError(string Field, string Reason);
