using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Cli.Embedded;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>
/// RiskWatch embedded as <see cref="RiskWatchFixture"/> starts it, with a known contact-encryption key (so a test can
/// create platform signing secrets itself) and intake limits a test chooses.
/// </summary>
public class IntakeFixture : IAsyncLifetime
{
    public static readonly byte[] EncryptionKey = SHA256.HashData("riskwatch intake tests"u8);

    private readonly PostgresFixture postgres = new();
    private EmbeddedSystem? system;

    public EmbeddedSystem System => system ?? throw new InvalidOperationException("The fixture has not started.");

    public HttpClient Ingest { get; private set; } = new();

    public SecretBox Box { get; } = new(EncryptionKey);

    /// <summary>Intake limits; high by default so tests that send thousands of requests are not throttled.</summary>
    protected virtual int AnonymousRequestsPerMinute => 1_000_000;

    public async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Model:Path"] = await TestModel.PathAsync(),
            ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), "riskwatch-tests", Guid.NewGuid().ToString("N")),
            ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
            ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
            ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
            ["Security:ContactEncryptionKey"] = Convert.ToBase64String(EncryptionKey),
            ["Ingest:AnonymousRequestsPerMinute"] = AnonymousRequestsPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Ingest:KeyRequestsPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        system = await EmbeddedSystem.StartAsync(configuration, TextWriter.Null, CancellationToken.None);
        Ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Ingest.Dispose();
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        await postgres.DisposeAsync();
    }

    public NpgsqlDataSource DataSource() => NpgsqlDataSource.Create(System.ConnectionString);

    public async Task<long> CountAsync(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the query's count reaches <paramref name="atLeast"/>.</summary>
    public async Task WaitForCountAsync(string sql, object? parameter, long atLeast, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        long count;
        while ((count = await CountAsync(sql, parameter)) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {count} of {atLeast} rows for: {sql}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<string> CreateKeyAsync(string role, string principal)
    {
        await using var dataSource = DataSource();
        var (key, _) = await new ApiKeyStore(dataSource).CreateAsync(role, principal, Jurisdiction.Everywhere, null, CancellationToken.None);
        return key;
    }

    /// <summary>A platform key and its signing secret, as <c>riskwatch keys create --role platform</c> makes them.</summary>
    public async Task<(string Key, string Secret)> CreatePlatformAsync(string principal)
    {
        await using var dataSource = DataSource();
        var (key, info) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Platform, principal, Jurisdiction.Everywhere, null, CancellationToken.None);
        var secret = await new PlatformSigning(dataSource, Box).CreateSecretAsync(info.KeyId, CancellationToken.None);
        return (key, secret);
    }

    /// <summary>A platform batch request signed as the README tells platforms to sign it.</summary>
    public static HttpRequestMessage SignedBatch(string key, string secret, string body, DateTimeOffset? at = null, string? signatureOverride = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = signatureOverride ?? Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/platform/reports")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-RiskWatch-Timestamp", timestamp);
        request.Headers.Add("X-RiskWatch-Signature", signature);
        return request;
    }
}
