using Dapper;
using Npgsql;
using RiskWatch.Host.Postgres;
using RiskWatch.Testing;

namespace RiskWatch.Host.Tests;

// Each test owns a cluster of its own: they stop and restart servers, which the shared fixture cluster must not see.
public sealed class LocalPostgresClusterTests
{
    [Fact]
    public async Task A_new_cluster_starts_and_answers_a_query_on_loopback_in_UTF8()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;

        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
        var settings = await connection.QuerySingleAsync<(int Answer, string Listen, string Encoding, string Fsync)>(
            "SELECT 6 * 7, current_setting('listen_addresses'), current_setting('server_encoding'), current_setting('fsync')");

        Assert.Equal(42, settings.Answer);
        Assert.Equal("127.0.0.1", settings.Listen);
        Assert.Equal("UTF8", settings.Encoding);
        Assert.Equal("off", settings.Fsync);
        Assert.False(cluster.WasAlreadyRunning);
    }

    [Fact]
    public async Task A_cluster_started_with_default_options_keeps_fsync_and_synchronous_commit_on()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync(new LocalPostgresClusterOptions());

        await using var connection = new NpgsqlConnection(temporary.Cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
        var settings = await connection.QuerySingleAsync<(string Fsync, string SynchronousCommit, string FullPageWrites)>(
            "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')");

        Assert.Equal(("on", "on", "on"), settings);
    }

    [Fact]
    public async Task Starting_again_on_the_same_folder_reuses_the_running_server_and_leaves_it_running_on_dispose()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var first = temporary.Cluster;
        var startedAt = await PostmasterStartTimeAsync(first);

        await using (var second = await LocalPostgresCluster.StartAsync(first.DataDirectory, first.Port, TemporaryPostgresCluster.Options))
        {
            Assert.True(second.WasAlreadyRunning);
            Assert.Equal(startedAt, await PostmasterStartTimeAsync(second));
        }

        Assert.Equal(startedAt, await PostmasterStartTimeAsync(first));
    }

    [Fact]
    public async Task Starting_on_a_running_cluster_with_another_port_names_the_port_it_runs_on()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var otherPort = LoopbackPorts.Free();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => LocalPostgresCluster.StartAsync(temporary.Cluster.DataDirectory, otherPort, TemporaryPostgresCluster.Options));

        Assert.Contains($"already running on port {temporary.Cluster.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_keeps_committed_rows_and_new_connections_work()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;
        await cluster.CreateDatabaseAsync("restart_check");
        var connectionString = cluster.ConnectionStringFor("restart_check");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync("CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (7)");
        }

        var startedBefore = await PostmasterStartTimeAsync(cluster);

        await cluster.RestartAsync();

        Assert.NotEqual(startedBefore, await PostmasterStartTimeAsync(cluster));
        await using var reopened = new NpgsqlConnection(connectionString);
        Assert.Equal(7, await reopened.QuerySingleAsync<int>("SELECT id FROM kept"));
    }

    [Fact]
    public async Task A_stopped_cluster_started_again_keeps_its_databases()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;
        await cluster.CreateDatabaseAsync("survivor");
        await cluster.StopAsync();

        await using var again = await LocalPostgresCluster.StartAsync(cluster.DataDirectory, cluster.Port, TemporaryPostgresCluster.Options);

        Assert.False(again.WasAlreadyRunning);
        await using var connection = new NpgsqlConnection(again.ConnectionStringFor("survivor"));
        Assert.Equal("survivor", await connection.QuerySingleAsync<string>("SELECT current_database()"));
    }

    [Fact]
    public async Task DropDatabase_removes_a_database_another_session_is_still_connected_to()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;
        await cluster.CreateDatabaseAsync("left over");
        await using var stillConnected = new NpgsqlConnection(cluster.ConnectionStringFor("left over") + ";Pooling=false");
        await stillConnected.OpenAsync();

        await cluster.DropDatabaseAsync("left over");
        await cluster.DropDatabaseAsync("left over");

        await using var maintenance = new NpgsqlConnection(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
        Assert.False(await maintenance.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'left over')"));
    }

    [Fact]
    public async Task CreateDatabase_is_idempotent_even_when_called_concurrently()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => cluster.CreateDatabaseAsync("Mixed Case \"db\"")));
        await cluster.CreateDatabaseAsync("Mixed Case \"db\"");

        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor("Mixed Case \"db\""));
        Assert.Equal("Mixed Case \"db\"", await connection.QuerySingleAsync<string>("SELECT current_database()"));
    }

    [Fact]
    public async Task Starting_on_a_folder_that_holds_something_else_refuses_and_says_why()
    {
        var folder = Directory.CreateTempSubdirectory("riskwatch-not-a-cluster-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "precious");

            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => LocalPostgresCluster.StartAsync(folder, LoopbackPorts.Free(), TemporaryPostgresCluster.Options));

            Assert.Contains("no PG_VERSION", error.Message, StringComparison.Ordinal);
            Assert.Equal("precious", await File.ReadAllTextAsync(Path.Combine(folder, "notes.txt")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_cluster_in_a_deep_folder_puts_its_socket_in_tmp_and_still_starts()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Unix socket paths stop at 107 bytes; a socket in this data folder would not fit.
        var top = Path.Combine(Path.GetTempPath(), "riskwatch-deep-" + Guid.NewGuid().ToString("N")[..8]);
        var dataDirectory = Path.Combine(top, "a-folder-name-long-enough-to-matter", "and-another-one-to-pass-the-unix-limit", "data");
        Directory.CreateDirectory(
            Path.GetDirectoryName(dataDirectory)!,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        try
        {
            await using var cluster = await LocalPostgresCluster.StartAsync(dataDirectory, LoopbackPorts.Free(), TemporaryPostgresCluster.Options);

            await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
            Assert.Equal(Path.GetTempPath().TrimEnd('/'), await connection.QuerySingleAsync<string>("SELECT current_setting('unix_socket_directories')"));
        }
        finally
        {
            Directory.Delete(top, recursive: true);
        }
    }

    /// <summary>
    /// Issue 14, finding 10: the embedded PostgreSQL trusted every local connection as superuser, so any account on the
    /// machine could read report texts or insert an admin key. It asks for a password now, generated on the cluster's
    /// first start and kept in a file only its owner can read.
    /// </summary>
    [Fact]
    public async Task Finding_10_a_local_cluster_asks_for_the_generated_password_kept_in_an_owner_only_file()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;

        var password = (await File.ReadAllTextAsync(cluster.PasswordFile)).Trim();
        Assert.True(password.Length >= 32, "the password is not a long random one");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.PasswordFile));
        }

        var withoutPassword = new NpgsqlConnectionStringBuilder(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase)) { Password = null, Pooling = false };
        await using (var anybody = new NpgsqlConnection(withoutPassword.ConnectionString))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => anybody.OpenAsync());
        }

        var wrong = new NpgsqlConnectionStringBuilder(withoutPassword.ConnectionString) { Password = "not-the-password" };
        await using (var guesser = new NpgsqlConnection(wrong.ConnectionString))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => guesser.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }

        Assert.DoesNotContain("trust", (await File.ReadAllLinesAsync(Path.Combine(cluster.DataDirectory, "pg_hba.conf"))).Where(l => !l.TrimStart().StartsWith('#')));
        await using var owner = new NpgsqlConnection(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
        Assert.Equal(1, await owner.QuerySingleAsync<int>("SELECT 1"));
    }

    [Fact]
    public async Task A_cluster_made_before_passwords_is_given_one_on_its_next_start_and_keeps_its_data()
    {
        await using var temporary = await TemporaryPostgresCluster.StartAsync();
        var cluster = temporary.Cluster;
        await cluster.CreateDatabaseAsync("older");
        await cluster.StopAsync();
        // As RiskWatch wrote it before: trust on loopback and the socket, and no password file.
        await File.WriteAllTextAsync(Path.Combine(cluster.DataDirectory, "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
        File.Delete(cluster.PasswordFile);

        await using var again = await LocalPostgresCluster.StartAsync(cluster.DataDirectory, cluster.Port, TemporaryPostgresCluster.Options);

        Assert.True(File.Exists(again.PasswordFile));
        Assert.DoesNotContain("trust", (await File.ReadAllLinesAsync(Path.Combine(cluster.DataDirectory, "pg_hba.conf"))).Where(l => !l.TrimStart().StartsWith('#')));
        await using var connection = new NpgsqlConnection(again.ConnectionStringFor("older"));
        Assert.Equal("older", await connection.QuerySingleAsync<string>("SELECT current_database()"));
        var withoutPassword = new NpgsqlConnectionStringBuilder(again.ConnectionStringFor("older")) { Password = null, Pooling = false };
        await using var anybody = new NpgsqlConnection(withoutPassword.ConnectionString);
        await Assert.ThrowsAnyAsync<Exception>(() => anybody.OpenAsync());
    }

    private static async Task<DateTime> PostmasterStartTimeAsync(LocalPostgresCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor(LocalPostgresCluster.MaintenanceDatabase));
        return await connection.QuerySingleAsync<DateTime>("SELECT pg_postmaster_start_time()");
    }
}
