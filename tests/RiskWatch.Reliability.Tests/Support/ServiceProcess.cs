using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using RiskWatch.Host;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>
/// A RiskWatch service as the deployment runs it: its own process (<c>dotnet RiskWatch.Scoring.dll</c>, Response or Ingest)
/// configured by environment variables, so a test can kill it with SIGKILL in the middle of its work, as a crash or an
/// OOM kill would, or stop it with SIGTERM, as a scale-down would.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process, string name, string url, string managementUrl)
    {
        this.process = process;
        Name = name;
        Url = url;
        ManagementUrl = managementUrl;
    }

    public string Name { get; }

    /// <summary>Where this instance serves its API and health.</summary>
    public string Url { get; }

    /// <summary>Where this instance serves /metrics (its management port).</summary>
    public string ManagementUrl { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The operating-system process id, to read its memory from /proc.</summary>
    public int ProcessId => process.Id;

    /// <summary>The last lines the process wrote (JSON logs), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.Length <= 8000 ? output.ToString() : output.ToString(output.Length - 8000, 8000);
            }
        }
    }

    /// <summary>Starts a Scoring instance with <see cref="FaultSettings.Scoring"/> and the given settings on top.</summary>
    public static ServiceProcess Start(string name, string connectionString, string bootstrapServers, string modelPath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(FaultSettings.Scoring) { ["RISKWATCH_Model__Path"] = modelPath };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return Launch("ScoringDll", name, connectionString, bootstrapServers, environment);
    }

    /// <summary>Starts a Response instance with the given settings.</summary>
    public static ServiceProcess StartResponse(string name, string connectionString, string bootstrapServers, IReadOnlyDictionary<string, string> settings) =>
        Launch("ResponseDll", name, connectionString, bootstrapServers, settings);

    /// <summary>Starts an Ingest instance with the given settings (it needs at least the contact encryption key).</summary>
    public static ServiceProcess StartIngest(string name, string connectionString, string bootstrapServers, IReadOnlyDictionary<string, string> settings) =>
        Launch("IngestDll", name, connectionString, bootstrapServers, settings);

    /// <summary>The executable of the configuration these tests were built in (the project references it), by metadata key.</summary>
    private static string DllPath(string key) => typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    private static ServiceProcess Launch(string dllKey, string name, string connectionString, string bootstrapServers, IReadOnlyDictionary<string, string> settings)
    {
        var dll = DllPath(dllKey);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The service executable is not built at {dll}", dll);
        }

        // One call, so the service's two addresses never share a port.
        var ports = LoopbackPorts.Free(2);
        var url = $"http://127.0.0.1:{ports[0]}";
        var managementUrl = $"http://127.0.0.1:{ports[1]}";
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.ArgumentList.Add(dll);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["RISKWATCH_Management__Url"] = managementUrl,
            // Ingest derives tracking codes with a secret of its own; the fault tests do not look at them.
            ["RISKWATCH_Security__TrackingCodeSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["RISKWATCH_Database__ConnectionString"] = connectionString,
            ["RISKWATCH_Kafka__BootstrapServers"] = bootstrapServers,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var scoring = new ServiceProcess(process, name, url, managementUrl);
        process.OutputDataReceived += (_, e) => scoring.Record(e.Data);
        process.ErrorDataReceived += (_, e) => scoring.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return scoring;
    }

    /// <summary>Waits until the consumer has been assigned partitions of the reports topic for the first time.</summary>
    public async Task WaitForAssignmentAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(assigned.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != assigned.Task)
        {
            throw new TimeoutException($"{Name} got no partitions within {timeout} (exited: {process.HasExited}). Output:\n{Output}");
        }
    }

    /// <summary>Waits until the service answers /health/live: its host has started, its background services with it.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited || watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not serve within {timeout} (exited: {process.HasExited}). Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health/live");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: no shutdown hook runs, nothing is flushed, the transaction in flight is cut off.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod: the host stops, the consumer closes and leaves the group.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Output}");
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
            if (output.Length > 64_000)
            {
                output.Remove(0, output.Length - 32_000);
            }
        }

        if (AssignedSome().IsMatch(line))
        {
            assigned.TrySetResult();
        }

    }

    /// <summary>ReportConsumer's log line for a non-empty assignment (a cooperative rebalance may first assign nothing).</summary>
    [GeneratedRegex(@"Assigned partitions \d")]
    private static partial Regex AssignedSome();

    /// <summary>The dotnet host running these tests (the SDK passes it to child processes), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
