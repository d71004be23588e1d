using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace RiskWatch.Host.Postgres;

/// <summary>
/// A PostgreSQL cluster in a local folder, created with initdb and run with pg_ctl, listening on 127.0.0.1 only and
/// asking for the superuser's password (SCRAM-SHA-256), which is generated on the cluster's first start and kept in a file
/// only its owner can read (<see cref="PasswordFile"/>). It backs the embedded (one-machine) mode and the test fixtures.
/// </summary>
/// <remarks>
/// Before issue 14 (finding 10) such clusters trusted every local connection as superuser, so any account on the machine
/// could read report texts or insert an admin key. A cluster made then is given a password on its next start.
/// </remarks>
/// <remarks>
/// The server is a daemon that outlives this process: pg_ctl detaches it. <see cref="DisposeAsync"/> stops it only
/// when this instance started it, so a second process that found it running (e.g. a migration command next to a
/// running host) does not pull it from under the first.
/// </remarks>
public sealed partial class LocalPostgresCluster : IAsyncDisposable
{
    public const string Superuser = "postgres";
    public const string MaintenanceDatabase = "postgres";

    private const string LogFileName = "server.log";

    // Unix socket paths are limited to 107 bytes; deep data folders fall back to /tmp.
    private const int MaxSocketPathLength = 100;

    private readonly PostgresBinaries binaries;
    private readonly LocalPostgresClusterOptions options;
    private bool running;

    private LocalPostgresCluster(string dataDirectory, int port, LocalPostgresClusterOptions options, PostgresBinaries binaries)
    {
        DataDirectory = dataDirectory;
        Port = port;
        this.options = options;
        this.binaries = binaries;
        PasswordFile = Path.GetFullPath(options.PasswordFile
            ?? Path.Combine(Path.GetDirectoryName(dataDirectory) ?? dataDirectory, "secrets", Path.GetFileName(dataDirectory) + ".password"));
    }

    public string DataDirectory { get; }

    /// <summary>The file holding the superuser's password (mode 600).</summary>
    public string PasswordFile { get; }

    public int Port { get; }

    /// <summary>True when the server was already running on this folder and was reused, not started.</summary>
    public bool WasAlreadyRunning { get; private set; }

    public string LogFile => Path.Combine(DataDirectory, LogFileName);

    public static Task<LocalPostgresCluster> StartAsync(string dataDirectory, int port, CancellationToken cancellationToken = default) =>
        StartAsync(dataDirectory, port, new LocalPostgresClusterOptions(), cancellationToken);

    /// <summary>
    /// Creates the cluster if the folder holds none, then starts it, or reuses it when it is already running on
    /// <paramref name="port"/>. Returns once it accepts connections.
    /// </summary>
    public static async Task<LocalPostgresCluster> StartAsync(
        string dataDirectory, int port, LocalPostgresClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(options);

        var cluster = new LocalPostgresCluster(
            Path.GetFullPath(dataDirectory), port, options, PostgresBinaries.Locate(options.BinDirectory));

        if (!File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION")))
        {
            await cluster.InitializeAsync(cancellationToken);
        }

        if (await cluster.IsServerRunningAsync(cancellationToken))
        {
            var runningPort = cluster.ReadRunningPort();
            if (runningPort != port)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL cluster '{cluster.DataDirectory}' is already running on port {runningPort}, not the requested {port}; stop it or use that port");
            }

            await cluster.WaitUntilAcceptingAsync(cancellationToken);
            cluster.WasAlreadyRunning = true;
            cluster.running = true;
            await cluster.RequirePasswordAsync(cancellationToken);
            return cluster;
        }

        await cluster.StartServerAsync(cancellationToken);
        await cluster.RequirePasswordAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Stops whatever server runs on <paramref name="dataDirectory"/>, if any; for cleaning up after a crashed owner.</summary>
    public static async Task StopIfRunningAsync(
        string dataDirectory, LocalPostgresClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresClusterOptions();
        var cluster = new LocalPostgresCluster(
            Path.GetFullPath(dataDirectory), port: 0, options, PostgresBinaries.Locate(options.BinDirectory));
        if (await cluster.IsServerRunningAsync(cancellationToken))
        {
            await cluster.StopServerAsync(cancellationToken);
        }
    }

    public string ConnectionStringFor(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Password = ReadPassword(),
            Database = database,
        }.ConnectionString;
    }

    /// <summary>Creates the database unless it exists; safe to call from several processes at once.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = new NpgsqlConnection(ConnectionStringFor(MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);

        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }

        // CREATE DATABASE takes no parameters, so the name is quoted as an identifier.
        await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(name)}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another caller created it between our check and our CREATE: the outcome is the one asked for.
        }
    }

    /// <summary>Drops the database if it exists, ending any session still connected to it.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = new NpgsqlConnection(ConnectionStringFor(MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stops the server (fast shutdown: open transactions roll back, committed data stays).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (await IsServerRunningAsync(cancellationToken))
        {
            await StopServerAsync(cancellationToken);
        }

        running = false;
    }

    /// <summary>Stops and starts the server with the same settings, as a crash-free restart in fault tests.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (running && !WasAlreadyRunning)
        {
            await StopAsync(CancellationToken.None);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDirectory);
        if (Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            throw new InvalidOperationException(
                $"'{DataDirectory}' is neither empty nor a PostgreSQL cluster (no PG_VERSION); refusing to initialize over it");
        }

        if (binaries.RunsAsServiceUser)
        {
            await GiveFolderToServiceUserAsync(cancellationToken);
        }

        // The superuser's password: generated here, kept for RiskWatch in the password file, and handed to initdb in a file of
        // its own that the server's user can read, removed right after. The cluster never runs a moment without it.
        var password = ReadPassword() ?? WritePassword();
        var initdbPasswordFile = DataDirectory.TrimEnd(Path.DirectorySeparatorChar) + ".initdb-password";
        await WriteOwnerOnlyAsync(initdbPasswordFile, password + "\n", cancellationToken);
        try
        {
            if (binaries.RunsAsServiceUser)
            {
                var chown = await PostgresBinaries.RunProcessAsync("chown", [PostgresBinaries.ServiceUser + ":", initdbPasswordFile], options.Timeout, cancellationToken);
                if (chown.ExitCode != 0)
                {
                    throw new InvalidOperationException($"chown of '{initdbPasswordFile}' to {PostgresBinaries.ServiceUser} failed: {chown.Output}");
                }
            }

            // C.UTF-8 makes lower()/upper() and regexes treat non-ASCII letters as letters; plain C is the fallback
            // for systems without that locale. Both sort bytewise, so results do not depend on the machine.
            var result = await RunInitdbAsync("C.UTF-8", initdbPasswordFile, cancellationToken);
            if (result.ExitCode != 0 && result.Output.Contains("locale", StringComparison.OrdinalIgnoreCase))
            {
                result = await RunInitdbAsync("C", initdbPasswordFile, cancellationToken);
            }

            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed for '{DataDirectory}' (exit {result.ExitCode}): {result.Output}");
            }
        }
        finally
        {
            File.Delete(initdbPasswordFile);
        }

        await WriteHbaAsync(cancellationToken);
    }

    /// <summary>
    /// initdb's defaults also allow ::1 and replication; say exactly what is allowed: the socket and 127.0.0.1, with the
    /// superuser's password (the server listens on 127.0.0.1 only).
    /// </summary>
    private Task WriteHbaAsync(CancellationToken cancellationToken) => File.WriteAllTextAsync(
        Path.Combine(DataDirectory, "pg_hba.conf"),
        """
        # Written by RiskWatch LocalPostgresCluster: local connections only, with the password RiskWatch generated.
        # TYPE  DATABASE  USER  ADDRESS       METHOD
        local   all       all                 scram-sha-256
        host    all       all   127.0.0.1/32  scram-sha-256

        """,
        cancellationToken);

    /// <summary>
    /// A cluster made before passwords (its pg_hba.conf trusts local connections) is given one: the superuser's password is
    /// set (generated when there is none yet), then pg_hba.conf asks for it and the server reloads it.
    /// </summary>
    private async Task RequirePasswordAsync(CancellationToken cancellationToken)
    {
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var trusts = (await File.ReadAllLinesAsync(hba, cancellationToken))
            .Any(l => !l.TrimStart().StartsWith('#') && l.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } f && f[^1] == "trust");
        if (!trusts)
        {
            if (ReadPassword() is null)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL cluster '{DataDirectory}' asks for a password, and its password file '{PasswordFile}' is missing; restore the file.");
            }

            return;
        }

        var password = ReadPassword() ?? WritePassword();
        const string sql = """
            CREATE FUNCTION pg_temp.riskwatch_set_password(secret text) RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
                EXECUTE format('ALTER ROLE %I PASSWORD %L', current_user, secret);
            END
            $fn$;
            SELECT pg_temp.riskwatch_set_password(@Secret);
            """;
        var trusted = new NpgsqlConnectionStringBuilder(ConnectionStringFor(MaintenanceDatabase)) { Password = null, Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(trusted))
        {
            await connection.OpenAsync(cancellationToken);
            await using var set = new NpgsqlCommand(sql, connection);
            set.Parameters.AddWithValue("Secret", password);
            await set.ExecuteNonQueryAsync(cancellationToken);
            await WriteHbaAsync(cancellationToken);
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteScalarAsync(cancellationToken);
        }

        NpgsqlConnection.ClearAllPools();
    }

    private string? ReadPassword() => File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() is { Length: > 0 } p ? p : null : null;

    private string WritePassword()
    {
        // URL-safe base64 of 32 random bytes: nothing a connection string or SQL literal would need to escape.
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        WriteOwnerOnlyAsync(PasswordFile, password + "\n", CancellationToken.None).GetAwaiter().GetResult();
        return password;
    }

    /// <summary>Writes a file readable by its owner only, made so before anything is written into it.</summary>
    private static async Task WriteOwnerOnlyAsync(string path, string content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken);
    }

    private Task<ProcessResult> RunInitdbAsync(string locale, string passwordFile, CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "-D", DataDirectory,
            "-U", Superuser,
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            $"--pwfile={passwordFile}",
            "--encoding=UTF8",
            $"--locale={locale}",
            "--no-instructions",
        ];
        if (!options.Durable)
        {
            arguments.Add("--no-sync");
        }

        return binaries.RunAsync("initdb", arguments, options.Timeout, cancellationToken);
    }

    private async Task GiveFolderToServiceUserAsync(CancellationToken cancellationToken)
    {
        var chown = await PostgresBinaries.RunProcessAsync(
            "chown", ["-R", PostgresBinaries.ServiceUser + ":", DataDirectory], options.Timeout, cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown of '{DataDirectory}' to {PostgresBinaries.ServiceUser} failed: {chown.Output}");
        }

        // A parent folder made by Directory.CreateTempSubdirectory (mode 0700) or under /root keeps the server
        // user out even though it owns the data folder; say so instead of letting initdb fail vaguely.
        var access = await binaries.RunAsServerUserAsync(
            "/usr/bin/test", ["-r", DataDirectory, "-a", "-w", DataDirectory, "-a", "-x", DataDirectory], options.Timeout, cancellationToken);
        if (access.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"OS user '{PostgresBinaries.ServiceUser}' (PostgreSQL refuses to run as root) cannot reach '{DataDirectory}'; " +
                $"every parent folder needs o+x. {access.Output}".TrimEnd());
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var result = await binaries.RunAsync(
            "pg_ctl",
            [
                "start",
                "-D", DataDirectory,
                // -l matters beyond logging: without it the server inherits pg_ctl's stdout/stderr, our pipes never
                // reach end of file and the caller hangs.
                "-l", LogFile,
                "-w",
                "-t", ((int)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                "-o", ServerOptions(),
            ],
            options.Timeout + TimeSpan.FromSeconds(5),
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl start failed for '{DataDirectory}' on port {Port} (exit {result.ExitCode}): {result.Output}{Environment.NewLine}" +
                $"server log {LogFile}:{Environment.NewLine}{TailOfLog()}");
        }

        await WaitUntilAcceptingAsync(cancellationToken);
        running = true;
    }

    private async Task StopServerAsync(CancellationToken cancellationToken)
    {
        var result = await binaries.RunAsync(
            "pg_ctl",
            ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", ((int)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
            options.Timeout + TimeSpan.FromSeconds(5),
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop failed for '{DataDirectory}' (exit {result.ExitCode}): {result.Output}");
        }

        // Pooled connections to the old server are dead; without this the next Open hands one out and the first
        // command fails.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>The postgres command line; pg_ctl hands it to /bin/sh, hence the single quotes.</summary>
    private string ServerOptions()
    {
        var socketDirectory = (DataDirectory + "/.s.PGSQL." + Port.ToString(CultureInfo.InvariantCulture)).Length <= MaxSocketPathLength
            ? DataDirectory
            : Path.GetTempPath().TrimEnd('/');

        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", "127.0.0.1"),
            new("port", Port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", socketDirectory),
        };
        if (!options.Durable)
        {
            settings.Add(new("fsync", "off"));
            settings.Add(new("synchronous_commit", "off"));
            settings.Add(new("full_page_writes", "off"));
        }
        else
        {
            // RiskWatch's own cluster, tuned for its write pattern (a scoring batch writes thousands of rows in one
            // transaction): room for the hot indexes in memory, and checkpoints far enough apart that a surge of
            // reports does not spend its time writing full pages after each one.
            settings.Add(new("shared_buffers", "256MB"));
            settings.Add(new("max_wal_size", "4GB"));
            settings.Add(new("checkpoint_timeout", "15min"));
        }

        settings.AddRange(options.Settings);

        var line = new StringBuilder();
        foreach (var (name, value) in settings)
        {
            if (!SettingName().IsMatch(name) || value.Contains('\'', StringComparison.Ordinal))
            {
                throw new ArgumentException($"server setting {name}='{value}' is not a plain name or holds a single quote", nameof(options));
            }

            line.Append(CultureInfo.InvariantCulture, $"-c {name}='{value}' ");
        }

        return line.ToString().TrimEnd();
    }

    private async Task<bool> IsServerRunningAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return false;
        }

        // Exit 0: running; 3: not running (a stale postmaster.pid after a crash, which the next start clears).
        var result = await binaries.RunAsync("pg_ctl", ["status", "-D", DataDirectory], options.Timeout, cancellationToken);
        return result.ExitCode switch
        {
            0 => true,
            3 => false,
            _ => throw new InvalidOperationException($"pg_ctl status failed for '{DataDirectory}' (exit {result.ExitCode}): {result.Output}"),
        };
    }

    private int ReadRunningPort()
    {
        // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, shm key, status.
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "postmaster.pid"));
        return lines.Length > 3 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new InvalidOperationException($"cannot read the port from '{DataDirectory}/postmaster.pid'");
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        // pg_ctl -w already waited, but a reused server may still be starting or recovering.
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionStringFor(MaintenanceDatabase))
        {
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;
        var deadline = DateTime.UtcNow + options.Timeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (Exception e) when ((e is NpgsqlException or TimeoutException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL cluster '{DataDirectory}' does not accept connections on 127.0.0.1:{Port} within {options.Timeout.TotalSeconds:0} s: {e.Message}",
                    e);
            }
        }
    }

    private string TailOfLog()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(20)) : "(no log written)";
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[a-z_][a-z0-9_.]*$")]
    private static partial Regex SettingName();
}
