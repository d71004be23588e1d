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

    private List<(ScoredMessage Message, string IncidentKey)> batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var report = ReportParser.Parse(HotPathBenchmarks.SampleReport, Now).Report!;
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
