using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using RiskWatch.Cli.Embedded;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Response.Handling;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>
/// RiskWatch embedded with fast handling timers and one webhook subscriber: a Kestrel receiver in the test that
/// checks signatures and answers 500 to the first attempt of every delivery about a subject starting "webhook-".
/// </summary>
public sealed class HandlingFixture : IAsyncLifetime
{
    public const string WebhookSecret = "test-webhook-secret-0123456789";

    private readonly PostgresFixture postgres = new();
    private EmbeddedSystem? system;
    private WebApplication? receiver;

    public EmbeddedSystem System => system ?? throw new InvalidOperationException("The fixture has not started.");

    public HttpClient Ingest { get; private set; } = new();

    /// <summary>Response as an admin.</summary>
    public HttpClient Response { get; private set; } = new();

    public Dictionary<string, string?> Settings { get; } = [];

    public ConcurrentQueue<WebhookCall> WebhookCalls { get; } = new();

    public async Task InitializeAsync()
    {
        var app = StartReceiver();
        await app.StartAsync();
        receiver = app;

        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Model:Path"] = await TestModel.PathAsync(),
            ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), "riskwatch-tests", Guid.NewGuid().ToString("N")),
            ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
            ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
            ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Handling:TimerInterval"] = "00:00:00.200",
            ["Handling:RelayInterval"] = "00:00:00.200",
            ["Handling:StreamPollInterval"] = "00:00:00.200",
            ["Handling:WebhookRetryBase"] = "00:00:00.300",
            ["Handling:Webhooks:0:Name"] = "test-receiver",
            ["Handling:Webhooks:0:Url"] = app.Urls.First() + "/hook",
            ["Handling:Webhooks:0:Secret"] = WebhookSecret,
        })
        {
            Settings[key] = value;
        }

        system = await EmbeddedSystem.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build(), TextWriter.Null, CancellationToken.None);
        Ingest = new HttpClient { BaseAddress = new Uri(system.IngestUrl), Timeout = TimeSpan.FromSeconds(30) };
        Response = new HttpClient { BaseAddress = new Uri(system.ResponseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Response.DefaultRequestHeaders.Authorization = new("Bearer", await CreateKeyAsync(Roles.Admin, "test-admin", Jurisdiction.Everywhere));
    }

    private WebApplication StartReceiver()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers;
            var delivery = headers[WebhookSignature.DeliveryHeader].ToString();
            var valid = WebhookSignature.Verify(WebhookSecret, headers[WebhookSignature.TimestampHeader].ToString(), body,
                headers[WebhookSignature.SignatureHeader].ToString());
            var subject = JsonNode.Parse(body)?["alert"]?["subject"]?.GetValue<string>() ?? "";
            var attempt = seen.AddOrUpdate(delivery, 1, (_, n) => n + 1);
            var status = subject.StartsWith("webhook-", StringComparison.Ordinal) && attempt == 1 ? 500 : 200;
            WebhookCalls.Enqueue(new WebhookCall(delivery, headers[WebhookSignature.EventHeader].ToString(), subject, valid, status, body));
            return Results.StatusCode(status);
        });
        return app;
    }

    public async Task DisposeAsync()
    {
        Ingest.Dispose();
        Response.Dispose();
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        if (receiver is not null)
        {
            await receiver.StopAsync();
            await receiver.DisposeAsync();
        }

        await postgres.DisposeAsync();
    }

    public async Task<string> CreateKeyAsync(string role, string principal, Jurisdiction jurisdiction)
    {
        await using var dataSource = NpgsqlDataSource.Create(System.ConnectionString);
        var (key, _) = await new ApiKeyStore(dataSource).CreateAsync(role, principal, jurisdiction, null, CancellationToken.None);
        return key;
    }

    public HttpClient ResponseAs(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(System.ResponseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>Posts a report through Ingest and returns its id.</summary>
    public async Task<Guid> SubmitAsync(JsonObject report)
    {
        var response = await Ingest.PostAsJsonAsync("/api/v1/reports", report);
        response.EnsureSuccessStatusCode();
        return Guid.Parse(report["reportId"]!.GetValue<string>());
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), global::System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the query returns the expected value (or fails after the timeout).</summary>
    public async Task<T> EventuallyAsync<T>(string sql, object? parameter, Func<T, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T value;
        do
        {
            value = await ScalarAsync<T>(sql, parameter);
            if (until(value))
            {
                return value;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{sql} never matched; last value {value}");
    }

    /// <summary>The id of the only current alert about a subject, once Scoring has opened it.</summary>
    public Task<long> AlertIdAsync(string subject) =>
        EventuallyAsync<long>("SELECT coalesce(max(alert_id), 0) FROM alerts WHERE subject_name = @p", subject, id => id > 0);

    public static JsonObject ReportAbout(string station, string reporter, string district = "龙岗区", string street = "坂田街道", bool red = false)
    {
        var report = red
            ? Reports.RedStrike(station: station, district: district)
            : Reports.Report(null, station, district, "我一个人上个月被扣了200元罚款,申诉没人理。", workers: 1, status: "none");
        report["reporter"] = reporter;
        report["location"]!["street"] = street;
        return report;
    }
}

public sealed record WebhookCall(string Delivery, string Kind, string Subject, bool SignatureValid, int Status, string Body);

[CollectionDefinition(Name)]
public sealed class HandlingCollection : ICollectionFixture<HandlingFixture>
{
    public const string Name = "handling";
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
