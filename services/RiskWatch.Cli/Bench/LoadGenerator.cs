using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using RiskWatch.Core.Contract;

namespace RiskWatch.Cli.Bench;

/// <summary>
/// Posts reports to Ingest from its own process (started by <c>riskwatch bench</c> as
/// <c>riskwatch bench-load</c>), so the load generator does not share the server's thread pool.
/// Closed loop (fixed concurrency, as fast as it answers) or open loop (fixed rate, latency measured from
/// the scheduled send time, so a slow server cannot hide queueing). Prints one line of results.
/// </summary>
public static class LoadGenerator
{
    public sealed record Result(int Sent, int Accepted, int Failed, double Seconds, double P50Ms, double P99Ms, string? AcceptedLog);

    public static async Task<Result> RunAsync(Uri url, int concurrency, int rate, TimeSpan duration, IReadOnlyList<ReportV1> templates, string? acceptedLog, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(concurrency, 64), PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[concurrency];
        var accepted = new List<string>[concurrency];
        int sent = 0, ok = 0, failed = 0;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = rate > 0 ? Stopwatch.Frequency * concurrency / (double)rate : 0;

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            var ids = accepted[worker] = [];
            var next = start + (rate > 0 ? (long)(interval * worker / concurrency) : 0);
            for (var i = 0; ; i++)
            {
                if (rate > 0)
                {
                    next += i == 0 ? 0 : (long)interval;
                    var wait = next - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
                    }
                }

                var scheduled = rate > 0 ? next : Stopwatch.GetTimestamp();
                if (scheduled >= end)
                {
                    return;
                }

                var report = templates[(worker * 7919 + i) % templates.Count] with { ReportId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow };
                using var content = new ByteArrayContent(ReportJson.Serialize(report));
                content.Headers.ContentType = new("application/json");
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await client.PostAsync("/api/v1/reports", content, cancellationToken);
                    var done = Stopwatch.GetTimestamp();
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref ok);
                        mine.Add((done - scheduled) * 1000.0 / Stopwatch.Frequency);
                        if (acceptedLog is not null)
                        {
                            ids.Add($"{report.ReportId},{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, cancellationToken)));

        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        if (acceptedLog is not null)
        {
            await File.WriteAllLinesAsync(acceptedLog, accepted.SelectMany(a => a), cancellationToken);
        }

        return new Result(sent, ok, failed, seconds, Percentile(all, 0.50), Percentile(all, 0.99), acceptedLog);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static string Format(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"sent={r.Sent} accepted={r.Accepted} failed={r.Failed} seconds={r.Seconds:F3} p50ms={r.P50Ms:F3} p99ms={r.P99Ms:F3}");

    public static Result ParseLine(string line)
    {
        var fields = line.Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        double D(string k) => double.Parse(fields[k], CultureInfo.InvariantCulture);
        return new Result((int)D("sent"), (int)D("accepted"), (int)D("failed"), D("seconds"), D("p50ms"), D("p99ms"), null);
    }
}
