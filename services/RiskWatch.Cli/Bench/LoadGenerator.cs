using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Data.Intake;
using RiskWatch.Ingest.Intake;

namespace RiskWatch.Cli.Bench;

/// <summary>
/// Posts reports to Ingest from its own process (started by <c>riskwatch bench</c> as
/// <c>riskwatch bench-load</c>), so the load generator does not share the server's thread pool.
/// Closed loop (fixed concurrency, as fast as it answers) or open loop (fixed rate, latency measured from
/// the scheduled send time, so a slow server cannot hide queueing). Single reports, or signed platform batches.
/// Given several Ingest addresses, the workers take them in turn, as a round-robin load balancer would.
/// Prints one line of results.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Environment variables that carry the platform key and signing secret of a batch run (never the command line).</summary>
    public const string PlatformKeyVariable = "RISKWATCH_BENCH_PLATFORM_KEY";
    public const string PlatformSecretVariable = "RISKWATCH_BENCH_PLATFORM_SECRET";
    public const string PlatformPrincipalVariable = "RISKWATCH_BENCH_PLATFORM_ID";

    /// <param name="Sent">Requests sent.</param>
    /// <param name="Accepted">Reports accepted: one per 202 of a single report, the batch's "accepted" count for a batch.</param>
    /// <param name="Failed">Requests answered with anything else, or not at all.</param>
    public sealed record Result(int Sent, int Accepted, int Failed, double Seconds, double P50Ms, double P99Ms)
    {
        public double AcceptedPerSecond => Accepted / Math.Max(Seconds, 1e-9);
    }

    /// <summary>One request to send and the reports it carries.</summary>
    private sealed record Request(HttpRequestMessage Message, IReadOnlyList<Guid> ReportIds);

    /// <param name="batch">0 for single-report POSTs; otherwise reports per signed platform batch.</param>
    /// <param name="warmUp">Sent the same way first and not counted: this process (and the server) compile their hot
    /// paths in the first seconds, which would otherwise be measured as the server's cost.</param>
    public static async Task<Result> RunAsync(
        IReadOnlyList<Uri> urls, int concurrency, int rate, TimeSpan duration, TimeSpan warmUp, int batch, IReadOnlyList<ReportV1> templates, string? acceptedLog,
        CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(concurrency, 64), PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var clients = urls.Select(url => new HttpClient(handler, disposeHandler: false) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) }).ToList();
        try
        {
            Func<int, int, Request> next = batch > 0 ? PlatformBatches(templates, batch) : SingleReports(templates);
            if (warmUp > TimeSpan.Zero)
            {
                await SendAsync(clients, next, concurrency, rate, warmUp, null, cancellationToken);
            }

            return await SendAsync(clients, next, concurrency, rate, duration, acceptedLog, cancellationToken);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<Result> SendAsync(
        IReadOnlyList<HttpClient> clients, Func<int, int, Request> next, int concurrency, int rate, TimeSpan duration, string? acceptedLog,
        CancellationToken cancellationToken)
    {
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
            var scheduledAt = start + (rate > 0 ? (long)(interval * worker / concurrency) : 0);
            for (var i = 0; ; i++)
            {
                if (rate > 0)
                {
                    scheduledAt += i == 0 ? 0 : (long)interval;
                    var wait = scheduledAt - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
                    }
                }

                var scheduled = rate > 0 ? scheduledAt : Stopwatch.GetTimestamp();
                if (scheduled >= end)
                {
                    return;
                }

                var request = next(worker, i);
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await clients[(worker + i) % clients.Count].SendAsync(request.Message, cancellationToken);
                    var reports = await AcceptedReportsAsync(response, request, cancellationToken);
                    var done = Stopwatch.GetTimestamp();
                    if (reports > 0)
                    {
                        Interlocked.Add(ref ok, reports);
                        mine.Add((done - scheduled) * 1000.0 / Stopwatch.Frequency);
                        if (acceptedLog is not null)
                        {
                            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                            ids.AddRange(request.ReportIds.Select(id => $"{id},{at}"));
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
                finally
                {
                    request.Message.Dispose();
                }
            }
        }, cancellationToken)));

        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        if (acceptedLog is not null)
        {
            await File.WriteAllLinesAsync(acceptedLog, accepted.SelectMany(a => a), cancellationToken);
        }

        return new Result(sent, ok, failed, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    /// <summary>A single report's 202 counts one; a batch counts the reports its answer calls accepted.</summary>
    private static async Task<int> AcceptedReportsAsync(HttpResponseMessage response, Request request, CancellationToken cancellationToken)
    {
        if (request.ReportIds.Count == 1)
        {
            return response.StatusCode == HttpStatusCode.Accepted ? 1 : 0;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return 0;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var answer = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return answer.RootElement.GetProperty("accepted").GetInt32();
    }

    /// <summary>Anonymous informant reports, as the form sends them: without a key a report may not name a registered
    /// informant or claim to come from a platform (docs/security.md), so the templates' reporter and source are replaced.</summary>
    private static Func<int, int, Request> SingleReports(IReadOnlyList<ReportV1> templates) => (worker, i) =>
    {
        var report = templates[(worker * 7919 + i) % templates.Count] with
        {
            ReportId = Guid.NewGuid(),
            Source = "informant",
            Reporter = ReportIntake.AnonymousReporter,
            OccurredAt = DateTimeOffset.UtcNow,
        };
        var content = new ByteArrayContent(ReportJson.Serialize(report));
        content.Headers.ContentType = new("application/json");
        return new Request(new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = content }, [report.ReportId]);
    };

    /// <summary>Signed batches as a platform sends them: its key, the current timestamp, HMAC-SHA256 over "{timestamp}.{body}".</summary>
    private static Func<int, int, Request> PlatformBatches(IReadOnlyList<ReportV1> templates, int size)
    {
        var key = Environment.GetEnvironmentVariable(PlatformKeyVariable) ?? throw new InvalidOperationException($"{PlatformKeyVariable} is not set");
        var secret = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(PlatformSecretVariable) ?? throw new InvalidOperationException($"{PlatformSecretVariable} is not set"));
        var principal = Environment.GetEnvironmentVariable(PlatformPrincipalVariable) ?? throw new InvalidOperationException($"{PlatformPrincipalVariable} is not set");
        return (worker, i) =>
        {
            var now = DateTimeOffset.UtcNow;
            var reports = Enumerable.Range(0, size).Select(n => templates[(worker * 7919 + i * size + n) % templates.Count] with
            {
                ReportId = Guid.NewGuid(),
                Source = "platform",
                Reporter = principal,
                OccurredAt = now,
            }).ToList();
            var body = JsonSerializer.SerializeToUtf8Bytes(reports, ReportJson.Options);
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/platform/reports") { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new("application/json");
            message.Headers.Authorization = new("Bearer", key);
            message.Headers.Add("X-RiskWatch-Timestamp", timestamp);
            message.Headers.Add("X-RiskWatch-Signature", Convert.ToHexStringLower(PlatformSigning.Sign(secret, timestamp, body)));
            return new Request(message, reports.Select(r => r.ReportId).ToList());
        };
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static string Format(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"sent={r.Sent} accepted={r.Accepted} failed={r.Failed} seconds={r.Seconds:F3} p50ms={r.P50Ms:F3} p99ms={r.P99Ms:F3}");

    public static Result ParseLine(string line)
    {
        var fields = line.Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        double D(string k) => double.Parse(fields[k], CultureInfo.InvariantCulture);
        return new Result((int)D("sent"), (int)D("accepted"), (int)D("failed"), D("seconds"), D("p50ms"), D("p99ms"));
    }
}
