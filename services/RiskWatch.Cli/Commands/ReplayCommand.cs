using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace RiskWatch.Cli.Commands;

/// <summary>What a replay sent and how Ingest answered, by HTTP status (0 = no answer).</summary>
public sealed record ReplaySummary(int Sent, IReadOnlyDictionary<int, int> ByStatus, TimeSpan Elapsed)
{
    public int Accepted => ByStatus.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);

    public int Failed => ByStatus.Where(s => s.Key is 0 or >= 500).Sum(s => s.Value);
}

/// <summary>
/// <c>riskwatch replay</c>: posts each report of a JSON Lines file (contract v1, one report a line) to Ingest,
/// as an informant or platform would, optionally paced and limited. For load, demos and filling dashboards.
/// </summary>
public static class ReplayCommand
{
    /// <summary>Requests in flight at once: enough to keep a pipeline busy, few enough not to swamp a laptop.</summary>
    public const int Concurrency = 8;

    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Reports to send, one JSON object a line (contract v1).", Required = true };
        var ingestUrl = new Option<string>("--ingest-url") { Description = "Base address of Ingest.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var rate = new Option<string?>("--rate") { Description = "Most reports a second, e.g. 50 or 50/s; unlimited when left out." };
        var limit = new Option<int?>("--limit") { Description = "Send at most this many reports." };
        var apiKey = new Option<string?>("--api-key") { Description = "API key sent as a bearer token; defaults to RISKWATCH_REPLAY_API_KEY." };
        var command = new Command("replay", "Post the reports of a JSON Lines file to Ingest's POST /api/v1/reports.") { input, ingestUrl, rate, limit, apiKey };
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

            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("RISKWATCH_REPLAY_API_KEY");
            if (!string.IsNullOrEmpty(key))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            var summary = await ReplayAsync(http, file.FullName, perSecond, parse.GetValue(limit), Console.Out, cancellationToken);
            Console.WriteLine(
                $"Sent {summary.Sent} reports in {summary.Elapsed.TotalSeconds:0.0} s: " +
                string.Join(", ", summary.ByStatus.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))}: {s.Value}")));
            return summary.Failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Posts the lines of <paramref name="path"/> to <c>/api/v1/reports</c> of <paramref name="http"/>'s base address.</summary>
    public static async Task<ReplaySummary> ReplayAsync(
        HttpClient http, string path, double? perSecond, int? limit, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(log);
        var byStatus = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(Concurrency);
        var inFlight = new List<Task>();
        var sent = 0;

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
                var due = TimeSpan.FromSeconds(sent / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            await slots.WaitAsync(cancellationToken);
            sent++;
            var number = sent;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var status = await PostAsync(http, line, cancellationToken);
                    if (status is 0 or >= 500)
                    {
                        await log.WriteLineAsync($"line {number}: {(status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture))}");
                    }

                    lock (byStatus)
                    {
                        byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                    }
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
        return new ReplaySummary(sent, byStatus, clock.Elapsed);
    }

    private static async Task<int> PostAsync(HttpClient http, string json, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("api/v1/reports", UriKind.Relative), content, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0; // the request timed out
        }
    }
}
