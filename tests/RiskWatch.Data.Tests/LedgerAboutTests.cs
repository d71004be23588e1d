using RiskWatch.Core.Contract;
using RiskWatch.Data.Intake;

namespace RiskWatch.Data.Tests;

/// <summary>What the intake ledger keeps of a report for its follow-ups (the follow-up page copies it): never its text.</summary>
public sealed class LedgerAboutTests
{
    [Fact]
    public void The_ledger_keeps_where_about_whom_and_when_in_the_contract_s_names_and_not_the_text()
    {
        var report = new ReportV1
        {
            ReportId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Source = "informant",
            Reporter = "inf-0042",
            OccurredAt = new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.FromHours(8)),
            Location = new ReportLocation { City = "深圳市", District = "龙岗区" },
            Subject = new ReportSubject { Kind = "site", Name = "坂田配送站", Platform = "某外卖平台" },
            Category = "wage_arrears",
            WorkersAffected = 35,
            Text = "站点代理商拖欠骑手10月工资",
        };

        Assert.Equal(
            """{"location":{"city":"深圳市","district":"龙岗区"},"subject":{"kind":"site","name":"坂田配送站","platform":"某外卖平台"},"category":"wage_arrears","occurredAt":"2026-11-20T08:30:00+08:00"}""",
            IntakeLedger.AboutJson(report));
    }
}
