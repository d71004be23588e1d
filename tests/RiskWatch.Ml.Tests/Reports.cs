using RiskWatch.Core.Contract;

namespace RiskWatch.Ml.Tests;

/// <summary>Hand-written reports for tests, in contract v1 shape.</summary>
internal static class Reports
{
    public static readonly DateTimeOffset Now = new(2026, 11, 18, 8, 30, 0, TimeSpan.FromHours(8));

    public static ReportV1 Informant(string text, string? category = null, string? sector = null, int? workers = null, decimal? amount = null, CollectiveAction? action = null, string kind = "site") => new()
    {
        ReportId = Guid.NewGuid(),
        Source = "informant",
        Reporter = "inf-9001",
        OccurredAt = Now,
        Location = new ReportLocation { City = "深圳市", District = "南山区" },
        Subject = new ReportSubject { Kind = kind, Name = "测试配送站" },
        Sector = sector,
        Category = category,
        WorkersAffected = workers,
        AmountOwedCny = amount,
        CollectiveAction = action,
        Text = text,
    };
}
