using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RiskWatch.Ingest.Apis;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// What a replay sent and how Ingest finally answered, by HTTP status (0 = no answer). A report of a platform batch counts
/// as 202 when accepted, 200 when it was a duplicate, 400 when rejected and 503 when still unavailable after the retries.
/// <see cref="Retries"/> counts the requests sent again after a 429 or 503.
/// </summary>
public sealed record ReplaySummary(int Sent, IReadOnlyDictionary<int, int> ByStatus, TimeSpan Elapsed, int Retries = 0)
{
    public int Accepted => ByStatus.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);

    public int Failed => ByStatus.Where(s => s.Key is 0 or >= 500 or 429).Sum(s => s.Value);
}

/// <summary>A platform's API key and signing secret: with them, <c>source: platform</c> reports go through the signed batch endpoint.</summary>
public sealed record PlatformCredentials(string Key, string Secret);

/// <summary>How long to wait before resending an answer that asked for it (429, 503), and how often to try.</summary>
public sealed record RetryRule(int MaxAttempts = 10, TimeSpan? Default = null, TimeSpan? Longest = null)
{
    public TimeSpan DefaultWait => Default ?? TimeSpan.FromSeconds(1);

    public TimeSpan LongestWait => Longest ?? TimeSpan.FromSeconds(60);

    /// <summary>The wait <c>Retry-After</c> asks for (seconds or an HTTP date), within [0, <see cref="LongestWait"/>]; the default without one.</summary>
    public TimeSpan WaitFor(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : DefaultWait);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait;
    }

    public static bool AsksToRetry(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
}

/// <summary>
/// <c>riskwatch replay</c>: posts each report of a JSON Lines file (contract v1, one report a line) to Ingest, as an
/// informant or platform would, optionally paced and limited. An answer of 429 or 503 is not a failure but "later": the
/// report is sent again after the wait its <c>Retry-After</c> asks for. Given a platform key and secret, the reports
/// with <c>source: platform</c> go through the signed batch endpoint, as a platform sends them.
/// </summary>
public static class ReplayCommand
{
    /// <summary>Requests in flight at once: enough to keep a pipeline busy, few enough not to swamp a laptop.</summary>
    public const int Concurrency = 8;

    /// <summary>Platform reports per signed batch.</summary>
    public const int BatchSize = 500;

    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Reports to send, one JSON object a line (contract v1).", Required = true };
        var ingestUrl = new Option<string>("--ingest-url") { Description = "Base address of Ingest.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var rate = new Option<string?>("--rate") { Description = "Most reports a second, e.g. 50 or 50/s; unlimited when left out." };
        var limit = new Option<int?>("--limit") { Description = "Send at most this many reports." };
        var apiKey = new Option<string?>("--api-key") { Description = "API key sent as a bearer token; defaults to RISKWATCH_REPLAY_API_KEY." };
        var platformKey = new Option<string?>("--platform-key") { Description = "A platform's API key: source: platform reports go through the signed batch endpoint; defaults to RISKWATCH_REPLAY_PLATFORM_KEY." };
        var platformSecret = new Option<string?>("--platform-secret") { Description = "That platform's signing secret; defaults to RISKWATCH_REPLAY_PLATFORM_SECRET." };
        var attempts = new Option<int>("--max-attempts") { Description = "Tries per report (or batch) answered 429 or 503 before it counts as failed.", DefaultValueFactory = _ => 10 };
        var command = new Command("replay", "Post the reports of a JSON Lines file to Ingest (POST /api/v1/reports, or signed platform batches); waits and resends what is answered 429 or 503.")
        {
            input, ingestUrl, rate, limit, apiKey, platformKey, platformSecret, attempts,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            double? perSecond = null;
            if (parse.GetValue(rate) is { } text)
            {
                if (!double.TryParse(text.Replace("/s", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r <= 0)
                {
                    Console.Error.WriteLine($"--rate must be a positive number of reports a second, like 50 or 50/s; got '{text}'.");
                    return 2;
                }

                perSecond = r;
            }

            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No file {file.FullName}.");
                return 2;
            }

            // A trailing slash keeps a base path (https://host/ingest/) when the request path is joined to it.
            if (!Uri.TryCreate(parse.GetValue(ingestUrl)!.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress)
                || baseAddress.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"--ingest-url must be an http or https address; got '{parse.GetValue(ingestUrl)}'.");
                return 2;
            }

            var pKey = parse.GetValue(platformKey) ?? Environment.GetEnvironmentVariable("RISKWATCH_REPLAY_PLATFORM_KEY");
            var pSecret = parse.GetValue(platformSecret) ?? Environment.GetEnvironmentVariable("RISKWATCH_REPLAY_PLATFORM_SECRET");
            if (string.IsNullOrEmpty(pKey) != string.IsNullOrEmpty(pSecret))
            {
                Console.Error.WriteLine("--platform-key and --platform-secret go together: give both or neither.");
                return 2;
            }

            if (parse.GetValue(attempts) < 1)
            {
                Console.Error.WriteLine("--max-attempts must be 1 or more.");
                return 2;
            }

            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("RISKWATCH_REPLAY_API_KEY");
            if (!string.IsNullOrEmpty(key))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            var platform = string.IsNullOrEmpty(pKey) ? null : new PlatformCredentials(pKey, pSecret!);
            var summary = await ReplayAsync(http, file.FullName, perSecond, parse.GetValue(limit), Console.Out, cancellationToken,
                platform, new RetryRule(parse.GetValue(attempts)));
            Console.WriteLine(
                $"Sent {summary.Sent} reports in {summary.Elapsed.TotalSeconds:0.0} s ({summary.Retries} resent after 429/503): " +
                string.Join(", ", summary.ByStatus.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))}: {s.Value}")));
            return summary.Failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// Posts the lines of <paramref name="path"/> to <paramref name="http"/>'s base address: each to <c>/api/v1/reports</c>,
    /// or, with <paramref name="platform"/>, the <c>source: platform</c> ones in signed batches to <c>/api/v1/platform/reports</c>.
    /// <paramref name="delay"/> waits (tests give one that records instead of sleeping).
    /// </summary>
    public static async Task<ReplaySummary> ReplayAsync(
        HttpClient http, string path, double? perSecond, int? limit, TextWriter log, CancellationToken cancellationToken,
        PlatformCredentials? platform = null, RetryRule? retry = null, Func<TimeSpan, CancellationToken, Task>? delay = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(log);
        var run = new Run(http, log, retry ?? new RetryRule(), delay ?? Task.Delay, clock ?? TimeProvider.System, platform);
        var stopwatch = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(Concurrency);
        var inFlight = new List<Task>();
        var batch = new List<(int Line, string Json)>();
        var sent = 0;

        async Task StartAsync(Func<Task> work)
        {
            await slots.WaitAsync(cancellationToken);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await work();
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
            inFlight.RemoveAll(t => t.IsCompleted);
        }

        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (sent >= limit)
            {
                break;
            }

            if (perSecond is { } rate)
            {
                // Paced by the schedule, not by the previous request, so slow answers do not lower the rate.
                var due = TimeSpan.FromSeconds(sent / rate) - stopwatch.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            sent++;
            var number = sent;
            if (platform is not null && IsPlatformReport(line))
            {
                batch.Add((number, line));
                if (batch.Count >= BatchSize)
                {
                    var full = batch;
                    batch = [];
                    await StartAsync(() => run.SendBatchAsync(full, cancellationToken));
                }

                continue;
            }

            await StartAsync(() => run.SendOneAsync(number, line, cancellationToken));
        }

        if (batch.Count > 0)
        {
            var rest = batch;
            await StartAsync(() => run.SendBatchAsync(rest, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        return new ReplaySummary(sent, run.ByStatus, stopwatch.Elapsed, run.Retries);
    }

    private static bool IsPlatformReport(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String && source.GetString() == "platform";
        }
        catch (JsonException)
        {
            // Not JSON: sent as it is, so that Ingest says what is wrong with it.
            return false;
        }
    }

    /// <summary>The hex HMAC-SHA256 over "{timestamp}.{body}" with the platform's signing secret, as Ingest checks it.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private sealed class Run(
        HttpClient http, TextWriter log, RetryRule retry, Func<TimeSpan, CancellationToken, Task> delay, TimeProvider clock, PlatformCredentials? platform)
    {
        private int retries;

        public Dictionary<int, int> ByStatus { get; } = [];

        public int Retries => retries;

        private void Count(int status, int n = 1)
        {
            lock (ByStatus)
            {
                ByStatus[status] = ByStatus.GetValueOrDefault(status) + n;
            }
        }

        public async Task SendOneAsync(int number, string json, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                var (status, retryAfter) = await PostAsync(json, cancellationToken);
                if (RetryRule.AsksToRetry((HttpStatusCode)status) && attempt < retry.MaxAttempts)
                {
                    Interlocked.Increment(ref retries);
                    await delay(retry.WaitFor(retryAfter, clock.GetUtcNow()), cancellationToken);
                    continue;
                }

                if (status is 0 or >= 500 or 429)
                {
                    await log.WriteLineAsync($"line {number}: {(status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture))} after {attempt} attempt(s)");
                }

                Count(status);
                return;
            }
        }

        private async Task<(int Status, RetryConditionHeaderValue? RetryAfter)> PostAsync(string json, CancellationToken cancellationToken)
        {
            try
            {
                using var content = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(new Uri("api/v1/reports", UriKind.Relative), content, cancellationToken);
                return ((int)response.StatusCode, response.Headers.RetryAfter);
            }
            catch (HttpRequestException)
            {
                return (0, null);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (0, null); // the request timed out
            }
        }

        /// <summary>
        /// Sends reports as one signed batch; the whole batch again (signed anew: a signature is accepted once) after a
        /// 429 or 503, and the reports answered "unavailable" again until they are taken or the attempts run out.
        /// </summary>
        public async Task SendBatchAsync(List<(int Line, string Json)> reports, CancellationToken cancellationToken)
        {
            var pending = reports;
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                var body = "[" + string.Join(",", pending.Select(r => r.Json)) + "]";
                var (status, retryAfter, results) = await PostBatchAsync(body, cancellationToken);
                var last = attempt >= retry.MaxAttempts;
                if (results is null)
                {
                    if (RetryRule.AsksToRetry((HttpStatusCode)status) && !last)
                    {
                        Interlocked.Add(ref retries, pending.Count);
                        await delay(retry.WaitFor(retryAfter, clock.GetUtcNow()), cancellationToken);
                        continue;
                    }

                    await log.WriteLineAsync($"batch of lines {pending[0].Line}-{pending[^1].Line}: {(status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture))} after {attempt} attempt(s)");
                    Count(status, pending.Count);
                    return;
                }

                var again = new List<(int Line, string Json)>();
                foreach (var (result, i) in results.Select((r, i) => (r, i)))
                {
                    switch (result)
                    {
                        case "accepted": Count(202); break;
                        case "duplicate": Count(200); break;
                        case "rejected":
                            Count(400);
                            await log.WriteLineAsync($"line {pending[i].Line}: rejected");
                            break;
                        default:
                            if (last)
                            {
                                Count(503);
                                await log.WriteLineAsync($"line {pending[i].Line}: unavailable after {attempt} attempt(s)");
                            }
                            else
                            {
                                again.Add(pending[i]);
                            }

                            break;
                    }
                }

                if (again.Count > 0)
                {
                    Interlocked.Add(ref retries, again.Count);
                    await delay(retry.WaitFor(retryAfter, clock.GetUtcNow()), cancellationToken);
                }

                pending = again;
            }
        }

        private async Task<(int Status, RetryConditionHeaderValue? RetryAfter, List<string>? Results)> PostBatchAsync(string body, CancellationToken cancellationToken)
        {
            try
            {
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/v1/platform/reports", UriKind.Relative))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform!.Key);
                request.Headers.Add(PlatformApi.TimestampHeader, timestamp);
                request.Headers.Add(PlatformApi.SignatureHeader, Sign(platform.Secret, timestamp, body));
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return ((int)response.StatusCode, response.Headers.RetryAfter, null);
                }

                using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var results = answer.RootElement.GetProperty("results").EnumerateArray()
                    .OrderBy(r => r.GetProperty("index").GetInt32()).Select(r => r.GetProperty("status").GetString() ?? "").ToList();
                return (200, response.Headers.RetryAfter, results);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return (0, null, null);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (0, null, null);
            }
        }
    }
}
