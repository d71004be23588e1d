using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Reliability.Tests.Support;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests;

/// <summary>
/// Ingest as its own process, as the chart runs it, under a stream of hostile bodies of 10 to 50 MB: over every limit
/// with a true, a lying or no Content-Length, and 15 MiB signed batches of nothing but nesting. Each must get a 4xx
/// problem; the process's resident memory must stay under the chart's Ingest memory limit (512 MiB, where Kubernetes
/// would kill it) and its GC heap under what .NET gives the heap in such a container (75%); and every report accepted
/// before is still in the ledger, with intake still taking reports after.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class IngestMemoryTests(PostgresFixture postgres, KafkaFixture kafka) : IClassFixture<PostgresFixture>, IClassFixture<KafkaFixture>
{
    private const int Bodies = 240;
    private const int Senders = 16;
    private const int BurstBatches = 48;
    /// <summary>The chart's memory limit for an Ingest pod (helm/riskwatch/values.yaml, ingest.resources.limits.memory).</summary>
    private const long ChartLimit = 512L * 1024 * 1024;
    private const long ResidentLimit = ChartLimit;

    /// <summary>What .NET gives the GC heap in a container with that limit (75%); set explicitly here, where there is no container.</summary>
    private const long HeapLimit = ChartLimit * 3 / 4;
    private const int MaxBatchBytes = 16 * 1024 * 1024;

    private sealed record Hostile(string What, string Path, IEnumerable<string> Headers, long? ContentLength, Func<Stream, Task> Body);

    [Fact]
    public async Task Hundreds_of_10_to_50_MB_hostile_bodies_get_4xx_problems_while_ingest_stays_within_512_MiB_and_keeps_every_accepted_report()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var (platformKey, platformInfo) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Platform, "plat-hostile", Jurisdiction.Everywhere, null, CancellationToken.None);
        var secret = await new PlatformSigning(dataSource, new SecretBox(key)).CreateSecretAsync(platformInfo.KeyId, CancellationToken.None);

        await using var ingest = ServiceProcess.StartIngest("ingest", connectionString, kafka.BootstrapServers, new Dictionary<string, string>
        {
            ["RISKWATCH_Security__ContactEncryptionKey"] = Convert.ToBase64String(key),
            ["RISKWATCH_Ingest__AnonymousRequestsPerMinute"] = "1000000",
            ["RISKWATCH_Ingest__KeyRequestsPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_GCHeapHardLimit"] = HeapLimit.ToString("x", CultureInfo.InvariantCulture),
        });
        await ingest.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(ingest.Url), Timeout = TimeSpan.FromSeconds(30) };

        var accepted = new List<Guid>();
        string? trackingCode = null;
        for (var i = 0; i < 20; i++)
        {
            var report = Support.Reports.ForStream("memory", i, incidents: 4);
            using var content = new ByteArrayContent(report.Utf8) { Headers = { ContentType = new("application/json") } };
            using var response = await http.PostAsync("/api/v1/reports", content);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            trackingCode ??= JsonNode.Parse(await response.Content.ReadAsStringAsync())!["trackingCode"]!.GetValue<string>();
            accepted.Add(report.ReportId);
        }

        var baseline = ResidentBytes(ingest.ProcessId);
        var random = new Random(20261201);
        var hostile = Enumerable.Range(0, Bodies).Select(i => Make(i, random.NextInt64(10_000_000, 50_000_000), platformKey, secret, trackingCode!)).ToList();

        using var sampling = new CancellationTokenSource();
        var peakHeap = 0.0;
        using var management = new HttpClient { BaseAddress = new Uri(ingest.ManagementUrl), Timeout = TimeSpan.FromSeconds(30) };
        var heapSampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                try
                {
                    peakHeap = Math.Max(peakHeap, Metrics.Sample(await management.GetStringAsync("/metrics"), "dotnet_total_memory_bytes"));
                }
                catch (HttpRequestException)
                {
                    // A busy moment; the next sample counts.
                }

                await Task.Delay(200);
            }
        });

        var watch = Stopwatch.StartNew();
        var server = new Uri(ingest.Url);
        var failures = await SendAllAsync(server, hostile, Senders);
        // Then a burst of signed batches all at once, each read whole before it can be refused: without a bound on
        // batches in flight, 48 x 16 MiB would not fit.
        failures.AddRange(await SendAllAsync(server, Enumerable.Range(0, BurstBatches)
            .Select(i => Signed($"batch {i} of a burst of {BurstBatches}", platformKey, secret, "["u8.ToArray(), MaxBatchBytes - 1 - i)).ToList(), BurstBatches));
        await sampling.CancelAsync();
        await heapSampler;

        Assert.False(ingest.HasExited, "Ingest died under the hostile bodies:\n" + ingest.Output);
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {Bodies + BurstBatches} hostile bodies got no 4xx problem, e.g.\n{string.Join("\n", failures.Take(5))}\nIngest's log:\n{ingest.Output}");
        var peakResident = PeakResidentBytes(ingest.ProcessId);
        Assert.True(peakResident < ResidentLimit,
            $"Ingest's resident memory peaked at {peakResident / 1048576} MiB (GC heap {peakHeap / 1048576:F0} MiB; from {baseline / 1048576} MiB) over {Bodies + BurstBatches} bodies in {watch.Elapsed.TotalSeconds:F0} s; the chart's limit is {ResidentLimit / 1048576} MiB");
        Assert.True(peakHeap > 0 && peakHeap < HeapLimit, $"Ingest's GC heap peaked at {peakHeap / 1048576:F0} MiB; at most {HeapLimit / 1048576} MiB is allowed");

        // Nothing accepted before is lost, and intake still works.
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal(accepted.Count, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM intake_ledger WHERE report_id = ANY(@ids)", new { ids = accepted.ToArray() }));
        var after = Support.Reports.ForStream("memory-after", 0, incidents: 1);
        using var afterContent = new ByteArrayContent(after.Utf8) { Headers = { ContentType = new("application/json") } };
        using var afterResponse = await http.PostAsync("/api/v1/reports", afterContent);
        Assert.Equal(HttpStatusCode.Accepted, afterResponse.StatusCode);
    }

    /// <summary>Sends every body, <paramref name="concurrency"/> at a time; returns each answer that was not a 4xx problem.</summary>
    private static async Task<List<string>> SendAllAsync(Uri server, IReadOnlyList<Hostile> bodies, int concurrency)
    {
        var failures = new List<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var h = bodies[n];
                var answer = await RawHttp.SendAsync(server, "POST", h.Path, h.Headers, h.ContentLength, h.Body, TimeSpan.FromSeconds(120));
                if (answer.Status is < 400 or >= 500 || answer.ContentType != "application/problem+json" || !answer.Body.Contains("\"type\"", StringComparison.Ordinal))
                {
                    lock (failures)
                    {
                        failures.Add($"{h.What} -> {answer}");
                    }
                }
            }
        })));
        return failures;
    }

    /// <summary>The i-th hostile body: the kinds take turns, each with its own size of 10 to 50 MB.</summary>
    private static Hostile Make(int i, long size, string platformKey, string secret, string trackingCode)
    {
        var platform = new[] { $"Authorization: Bearer {platformKey}" };
        var junk = "{\"text\":\"站点拖欠工资"u8.ToArray();
        return (i % 6) switch
        {
            0 => new($"{size} bytes with a true Content-Length to /api/v1/reports", "/api/v1/reports", [], size, RawHttp.Repeat(junk, size)),
            1 => new($"{size} bytes chunked to /api/v1/form/reports", "/api/v1/form/reports", [], null, RawHttp.Repeat(junk, size)),
            2 => new($"{size} bytes chunked to the platform batch", "/api/v1/platform/reports", platform, null, RawHttp.Repeat(junk, size)),
            3 => new($"{size} bytes with a true Content-Length to the platform batch", "/api/v1/platform/reports", platform, size, RawHttp.Repeat(junk, size)),
            4 => new($"Content-Length 1000 but {size} bytes to a follow-up", $"/api/v1/follow-ups/{trackingCode}", [], 1000, RawHttp.Repeat(junk, size)),
            // Read whole, signature right, then parsed: nesting far deeper than any report is refused at once.
            _ => Signed($"a signed batch of {MaxBatchBytes - 1} bytes of '['", platformKey, secret, "["u8.ToArray(), MaxBatchBytes - 1),
        };
    }

    /// <summary>A platform batch of <paramref name="total"/> bytes of <paramref name="pattern"/>, signed as the README says, without holding it.</summary>
    private static Hostile Signed(string what, string platformKey, string secret, byte[] pattern, long total)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        var piece = Enumerable.Range(0, 64 * 1024).Select(i => pattern[i % pattern.Length]).ToArray();
        for (long done = 0; done < total; done += piece.Length)
        {
            hmac.AppendData(piece, 0, (int)Math.Min(piece.Length, total - done));
        }

        var signature = Convert.ToHexStringLower(hmac.GetHashAndReset());
        return new(what, "/api/v1/platform/reports",
            [$"Authorization: Bearer {platformKey}", $"X-RiskWatch-Timestamp: {timestamp}", $"X-RiskWatch-Signature: {signature}"], total, RawHttp.Repeat(pattern, total));
    }

    private static long ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>The kernel's high-water mark of the process's resident set: the peak, however short, between samples too.</summary>
    private static long PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    private static long StatusKilobytes(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(),
            CultureInfo.InvariantCulture);
}
