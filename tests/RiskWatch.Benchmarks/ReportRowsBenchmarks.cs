using BenchmarkDotNet.Attributes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Scoring;

namespace RiskWatch.Benchmarks;

/// <summary>A Scoring batch's reports (512) encoded as binary COPY rows of the reports table, in memory, per report.</summary>
[MemoryDiagnoser]
public class ReportRowsBenchmarks
{
    private const int Reports = 512;

    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.FromHours(8));

    private readonly byte[] json = """
        {"reportId":"0f8fad5b-d9cb-469f-a165-70867728950e","source":"informant","reporter":"inf-0042",
         "occurredAt":"2026-11-20T08:30:00+08:00","location":{"city":"深圳市","district":"龙岗区","street":"坂田街道"},
         "subject":{"kind":"site","name":"某外卖平台坂田配送站","platform":"某外卖平台"},"sector":"food_delivery",
         "category":"wage_arrears","workersAffected":35,"amountOwedCny":120000,
         "collectiveAction":{"status":"planned","expectedAt":"2026-11-22T09:00:00+08:00"},
         "text":"站点代理商拖欠骑手10月工资,约35人,有人在群里号召周五去区政府讨薪。","language":"zh"}
        """u8.ToArray();

    private List<(ScoredMessage Message, string IncidentKey)> batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var report = ReportParser.Parse(json, Now).Report!;
        batch = [.. Enumerable.Range(0, Reports).Select(i =>
        {
            var scored = new ScoredReport(report with { ReportId = Guid.NewGuid() }, Grade.Orange, [0.05f, 0.1f, 0.15f, 0.6f, 0.1f], "bench-model")
            {
                TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            };
            var message = new ScoredMessage(scored, i % 6, i)
            {
                Reasons = [new GradeReason("拖欠工资约120万元", "About CNY 1.2 million in wages owed")],
            };
            return (message, IncidentKey.For(scored.Report));
        })];
    }

    [Benchmark(OperationsPerInvoke = Reports)]
    public int Encode()
    {
        using var rows = new ReportCopyRows();
        foreach (var (message, key) in batch)
        {
            rows.Add(message, key, 42);
        }

        return rows.Length;
    }
}
