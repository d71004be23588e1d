using BenchmarkDotNet.Attributes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Scoring;

namespace RiskWatch.Benchmarks;

/// <summary>
/// A Scoring batch's write (<see cref="ScoringStore.SaveBatchAsync"/>: the first read, the alerts, the reports' COPY, the
/// review queue, the timeline and outbox, the offsets, in one transaction) into a real PostgreSQL, per report: 512 new
/// reports about 1,000 incidents whose alerts are open, as in `riskwatch bench --stage pipeline`, graded as the bench's
/// stream mostly is (joins, now and then a raise) and one in eight none (the review queue). Includes the server's work
/// and the round trips; the tables grow through the run as in a deployment.
/// </summary>
[MemoryDiagnoser]
public class ScoringBatchBenchmarks
{
    private const int Reports = 512;
    private const int Incidents = 1_000;
    private static readonly Grade[] Mix = [Grade.Blue, Grade.Blue, Grade.Yellow, Grade.Blue, Grade.Orange, Grade.Blue, Grade.Yellow, Grade.None];

    private BenchmarkPostgres postgres = null!;
    private ScoringStore store = null!;
    private ReportV1 template = null!;
    private long offset;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        postgres = await BenchmarkPostgres.StartAsync("scoring-batch");
        store = new ScoringStore(postgres.DataSource, HandlingPolicy.Default, TimeProvider.System);
        template = ReportParser.Parse(HotPathBenchmarks.SampleReport, DateTimeOffset.UtcNow).Report!;
        // Every incident's alert open before the first measured batch.
        for (var i = 0; i < Incidents / Reports + 1; i++)
        {
            await SaveBatch();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await postgres.DisposeAsync();

    [Benchmark(OperationsPerInvoke = Reports)]
    public Task<BatchOutcome> SaveBatch()
    {
        var now = DateTimeOffset.UtcNow;
        var batch = new List<ScoredMessage>(Reports);
        for (var i = 0; i < Reports; i++, offset++)
        {
            var report = template with
            {
                ReportId = Guid.NewGuid(),
                OccurredAt = now.AddMinutes(-5),
                Subject = template.Subject with { Name = $"bench-site-{offset % Incidents}" },
            };
            var grade = Mix[offset % Mix.Length];
            var probabilities = new float[Grades.All.Count];
            probabilities[(int)grade] = 1;
            batch.Add(new ScoredMessage(new ScoredReport(report, grade, probabilities, "bench-model"), 0, offset)
            {
                Reasons = [new GradeReason("拖欠工资约120万元", "About CNY 1.2 million in wages owed")],
            });
        }

        return store.SaveBatchAsync(batch, new ConsumerPosition("bench", "reports", new Dictionary<int, long> { [0] = offset }), CancellationToken.None);
    }
}
