using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RiskWatch.Response.Handling;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>
/// RiskWatch embedded with fast handling timers and one webhook subscriber: a Kestrel receiver in the test that
/// checks signatures and answers 500 to the first attempt of every delivery about a subject starting "webhook-".
/// </summary>
public sealed class HandlingFixture : InProcessSystem
{
    public const string WebhookSecret = "test-webhook-secret-0123456789";

    private WebApplication? receiver;

    public ConcurrentQueue<WebhookCall> WebhookCalls { get; } = new();

    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        var app = StartReceiver();
        await app.StartAsync();
        receiver = app;
        settings["Handling:TimerInterval"] = "00:00:00.200";
        settings["Handling:RelayInterval"] = "00:00:00.200";
        settings["Handling:StreamPollInterval"] = "00:00:00.200";
        settings["Handling:WebhookRetryBase"] = "00:00:00.300";
        settings["Handling:Webhooks:0:Name"] = "test-receiver";
        settings["Handling:Webhooks:0:Url"] = app.Urls.First() + "/hook";
        settings["Handling:Webhooks:0:Secret"] = WebhookSecret;
    }

    protected override async Task StoppingAsync()
    {
        if (receiver is not null)
        {
            await receiver.StopAsync();
            await receiver.DisposeAsync();
        }
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

    /// <summary>Posts a report through Ingest and returns its id.</summary>
    public async Task<Guid> SubmitAsync(JsonObject report)
    {
        var response = await Ingest.PostAsJsonAsync("/api/v1/reports", report);
        response.EnsureSuccessStatusCode();
        return Guid.Parse(report["reportId"]!.GetValue<string>());
    }

    /// <summary>The id of the only current alert about a subject, once Scoring has opened it.</summary>
    public Task<long> AlertIdAsync(string subject) =>
        EventuallyAsync<long>("SELECT coalesce(max(alert_id), 0) FROM alerts WHERE subject_name = @p", subject, id => id > 0);
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
