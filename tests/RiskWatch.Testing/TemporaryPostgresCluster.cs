using System.Diagnostics;
using System.Globalization;
using RiskWatch.Host;
using RiskWatch.Host.Postgres;

namespace RiskWatch.Testing;

/// <summary>
/// A <see cref="LocalPostgresCluster"/> in its own folder under the temp directory, on a free port, tuned for
/// speed over durability; disposing it stops the server and deletes the folder.
/// </summary>
public sealed class TemporaryPostgresCluster : IAsyncDisposable
{
    private const string OwnerFileName = "owner.pid";

    // fsync off: a crashed test cluster is thrown away, never recovered. Tests open many pooled connections to
    // many databases, and idle pooled connections stay for minutes, so the default 100 runs out.
    public static readonly LocalPostgresClusterOptions Options = new()
    {
        Durable = false,
        Settings = new Dictionary<string, string> { ["max_connections"] = "500" },
    };

    private static readonly string ParentDirectory = Path.Combine(Path.GetTempPath(), "riskwatch-pg-tests");

    private TemporaryPostgresCluster(string rootDirectory, LocalPostgresCluster cluster)
    {
        RootDirectory = rootDirectory;
        Cluster = cluster;
    }

    public LocalPostgresCluster Cluster { get; }

    /// <summary>The folder holding the cluster's data folder and the owning process id; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public static async Task<TemporaryPostgresCluster> StartAsync(
        LocalPostgresClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the throwaway PostgreSQL cluster needs Linux or macOS; set RISKWATCH_TEST_POSTGRES to use an existing server");
        }

        options ??= Options;
        await RemoveOrphansAsync(options, cancellationToken);

        // Mode 0755 on every level: when the tests run as root the server runs as 'postgres', which must pass
        // through these folders (Directory.CreateTempSubdirectory would make them 0700).
        const UnixFileMode traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!Directory.Exists(ParentDirectory))
        {
            // Shared like /tmp itself, so test runs under different users can all use it; set after creating
            // because the umask strips write bits from the mode given to CreateDirectory.
            Directory.CreateDirectory(ParentDirectory);
            try
            {
                File.SetUnixFileMode(ParentDirectory, traversable | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's run created it a moment earlier and set the mode itself.
            }
        }

        var root = Directory.CreateDirectory(Path.Combine(ParentDirectory, Guid.NewGuid().ToString("N")[..12]), traversable).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var dataDirectory = Path.Combine(root, "data");

        try
        {
            // The free port can be taken between probing and binding; a second try with a new port covers it.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var cluster = await LocalPostgresCluster.StartAsync(dataDirectory, LoopbackPorts.Free(), options, cancellationToken);
                    return new TemporaryPostgresCluster(root, cluster);
                }
                catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("pg_ctl start failed", StringComparison.Ordinal))
                {
                }
            }
        }
        catch
        {
            DeleteQuietly(root);
            throw;
        }
    }

    /// <summary>
    /// Stops the server and deletes the folder once this process is gone, however it ends. A ProcessExit handler
    /// is not enough: the test runner kills its test host while such handlers still run, and the server would
    /// live on as a daemon.
    /// </summary>
    public void StopWhenProcessExits()
    {
        // A detached shell (setsid -f: reparented to init, out of reach of a process-tree kill) polls for us.
        // Immediate shutdown (SIGQUIT to the postmaster) is fine for a folder deleted right after.
        const string watchdog = """
            exec >/dev/null 2>&1 </dev/null
            while kill -0 "$1" && [ -d "$2" ]; do sleep 1; done
            [ -d "$2" ] || exit 0
            pid=$(head -n 1 "$2/data/postmaster.pid")
            if [ -n "$pid" ]; then
                kill -QUIT "$pid"
                for i in $(seq 1 100); do kill -0 "$pid" || break; sleep 0.1; done
            fi
            rm -rf "$2"
            """;
        if (File.Exists("/usr/bin/setsid"))
        {
            var startInfo = new ProcessStartInfo("/usr/bin/setsid")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "-f", "/bin/sh", "-c", watchdog, "riskwatch-pg-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), RootDirectory })
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var setsid = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start the PostgreSQL watchdog");
            setsid.WaitForExit();
            return;
        }

        // Without setsid (macOS) the best left is the exit handler, with the next run's orphan sweep behind it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAsync(CancellationToken.None);
        DeleteQuietly(RootDirectory);
    }

    /// <summary>Stops and deletes clusters whose owning test process died without cleaning up (killed, debugger stopped).</summary>
    private static async Task RemoveOrphansAsync(LocalPostgresClusterOptions options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(ParentDirectory))
        {
            return;
        }

        foreach (var root in Directory.EnumerateDirectories(ParentDirectory))
        {
            try
            {
                var ownerFile = Path.Combine(root, OwnerFileName);
                if (!File.Exists(ownerFile)
                    || IsAlive(int.Parse(await File.ReadAllTextAsync(ownerFile, cancellationToken), CultureInfo.InvariantCulture)))
                {
                    continue;
                }

                var dataDirectory = Path.Combine(root, "data");
                if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
                {
                    await LocalPostgresCluster.StopIfRunningAsync(dataDirectory, options, cancellationToken);
                }

                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                // Another user's folder or one being removed concurrently: not ours to fix, and no reason to fail a test.
            }
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for RemoveOrphansAsync of a later run.
        }
    }
}
