using System.Diagnostics;
using System.Globalization;

namespace RiskWatch.Host.Postgres;

/// <summary>Finds the PostgreSQL server programs and runs them as the right OS user.</summary>
internal sealed class PostgresBinaries
{
    public const string BinDirectoryVariable = "RISKWATCH_POSTGRES_BIN";

    // initdb and postgres refuse to run as root; Debian's packages create this account for the server.
    public const string ServiceUser = "postgres";

    private PostgresBinaries(string binDirectory, bool runAsServiceUser)
    {
        BinDirectory = binDirectory;
        RunsAsServiceUser = runAsServiceUser;
    }

    public string BinDirectory { get; }

    /// <summary>True when this process is root, so every server program goes through <c>runuser -u postgres</c>.</summary>
    public bool RunsAsServiceUser { get; }

    public static PostgresBinaries Locate(string? configuredBinDirectory)
    {
        var isRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        return new PostgresBinaries(ResolveBinDirectory(configuredBinDirectory), isRoot);
    }

    public Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(BinDirectory, program);
        return RunAsServerUserAsync(executable, arguments, timeout, cancellationToken);
    }

    public Task<ProcessResult> RunAsServerUserAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        return RunsAsServiceUser
            ? RunProcessAsync("runuser", ["-u", ServiceUser, "--", executable, .. arguments], timeout, cancellationToken)
            : RunProcessAsync(executable, arguments, timeout, cancellationToken);
    }

    public static async Task<ProcessResult> RunProcessAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user may not be allowed into our working directory (e.g. /root); initdb and pg_ctl
            // then fail with "could not identify current directory".
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // PGPORT, PGDATA, PGHOST and friends in the caller's shell would silently override what we pass.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
        }

        return new ProcessResult(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    private static string ResolveBinDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasServerPrograms(configured)
                ? configured
                : throw new InvalidOperationException($"configured PostgreSQL bin directory '{configured}' holds no initdb and pg_ctl");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return HasServerPrograms(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"{BinDirectoryVariable}='{fromEnvironment}' holds no initdb and pg_ctl");
        }

        // Debian/Ubuntu install each major version side by side; RHEL uses /usr/pgsql-N. Prefer the newest.
        var versioned = VersionedDirectories("/usr/lib/postgresql", "*", d => Path.Combine(d, "bin"))
            .Concat(VersionedDirectories("/usr", "pgsql-*", d => Path.Combine(d, "bin")))
            .Where(c => HasServerPrograms(c.Path))
            .OrderByDescending(c => c.Major)
            .ThenByDescending(c => c.Minor)
            .Select(c => c.Path)
            .FirstOrDefault();
        if (versioned is not null)
        {
            return versioned;
        }

        // Debian's PATH carries pg_ctlcluster wrappers only, so this mostly finds Homebrew or source builds.
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServerPrograms);
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL server programs (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or PATH; " +
            $"install the PostgreSQL server or set {BinDirectoryVariable}");
    }

    private static IEnumerable<(string Path, int Major, int Minor)> VersionedDirectories(string root, string pattern, Func<string, string> binOf)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var directory in Directory.EnumerateDirectories(root, pattern))
        {
            var name = Path.GetFileName(directory);
            var versionText = name.StartsWith("pgsql-", StringComparison.Ordinal) ? name["pgsql-".Length..] : name;
            var parts = versionText.Split('.');
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            {
                var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
                yield return (binOf(directory), major, minor);
            }
        }
    }

    private static bool HasServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => string.Join(Environment.NewLine, new[] { StandardError, StandardOutput }.Where(s => s.Length > 0));
}
