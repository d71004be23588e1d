using BenchmarkDotNet.Attributes;
using RiskWatch.Data.Intake;

namespace RiskWatch.Benchmarks;

/// <summary>
/// The intake ledger's record of a platform batch (1,000 reports) in a real PostgreSQL with the embedded mode's durable
/// settings, per report: the insert from 13 arrays with ON CONFLICT DO NOTHING every record made before stop 37 (since then
/// single reports' shared statements, and a batch with a report recorded already), against the binary COPY a batch's
/// record makes now. Includes the server's work and the round trip; the table grows through the run as in a deployment.
/// </summary>
[MemoryDiagnoser]
public class LedgerRecordBenchmarks
{
    private const int Reports = 1_000;

    private BenchmarkPostgres postgres = null!;
    private IntakeLedger ledger = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        postgres = await BenchmarkPostgres.StartAsync("ledger");
        ledger = new IntakeLedger(postgres.DataSource);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await postgres.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Reports)]
    public async Task InsertOnConflict()
    {
        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        await IntakeLedger.InsertSkippingRecordedAsync(connection, NewEntries());
    }

    [Benchmark(OperationsPerInvoke = Reports)]
    public Task BinaryCopy() => ledger.RecordAsync(NewEntries(), CancellationToken.None);

    private static List<LedgerEntry> NewEntries() => [.. Enumerable.Range(0, Reports).Select(i =>
    {
        var id = Guid.NewGuid();
        return new LedgerEntry(id, "RW-" + id.ToString("N")[..11].ToUpperInvariant(), "platform", "platform", "plat-bench", $"深圳|龙岗|坂田|站点-{i % 97}", null,
            """{"location":{"city":"深圳市","district":"龙岗区","street":"坂田街道"},"subject":{"name":"某某站点"},"sector":"food_delivery","category":"wage_arrears","occurredAt":"2026-12-07T06:00:00+00:00"}""",
            "plat-bench")
        {
            Place = new PlaceKeys("深圳", "龙岗", "坂田"),
        };
    })];
}
