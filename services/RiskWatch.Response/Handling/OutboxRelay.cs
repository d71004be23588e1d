using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskWatch.Data.Alerts;
using RiskWatch.Messaging;

namespace RiskWatch.Response.Handling;

/// <summary>
/// Publishes the outbox: every alert change to Kafka (<c>riskwatch.alerts.v1</c>, key = alert id) and to each webhook
/// subscriber, signed, retried with exponential backoff, and never sent again once a subscriber answered 2xx.
/// </summary>
public sealed class OutboxRelay(
    OutboxStore store,
    AcknowledgedProducer producer,
    KafkaOptions kafka,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    IOptions<HandlingOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const string HttpClientName = "riskwatch-webhooks";

    private readonly Dictionary<string, WebhookSubscriberOptions> subscribers =
        options.Value.Webhooks.ToDictionary(w => w.Name, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var synced = false;
        using var timer = new PeriodicTimer(options.Value.RelayInterval);
        do
        {
            try
            {
                if (!synced)
                {
                    await store.SyncSubscribersAsync(subscribers.Values.Select(s => new WebhookSubscription(s.Name, s.Url)).ToList(), stoppingToken);
                    synced = true;
                }

                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or BrokerUnavailableException or InvalidOperationException
                                      or Confluent.Kafka.KafkaException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The outbox relay could not publish; trying again at the next tick");
            }
        }
        while (await Tick(timer, stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        while (await store.PublishPendingAsync(messages => PublishAsync(messages, cancellationToken), 200, cancellationToken) == 200)
        {
        }

        if (subscribers.Count == 0)
        {
            return;
        }

        await store.EnqueueDeliveriesAsync(clock.GetUtcNow(), cancellationToken);
        for (var i = 0; i < 100 && await store.DeliverNextAsync(clock.GetUtcNow(), d => DeliverAsync(d, cancellationToken), cancellationToken); i++)
        {
        }
    }

    private async Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await producer.ProduceAsync(kafka.AlertsTopic, message.AlertId.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(message.Payload),
                new Dictionary<string, string> { ["event-kind"] = message.Kind, ["outbox-id"] = message.OutboxId.ToString(CultureInfo.InvariantCulture) },
                cancellationToken);
        }
    }

    private async Task<DeliveryOutcome> DeliverAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!subscribers.TryGetValue(delivery.Subscriber, out var subscriber))
        {
            // Configured on another instance only; leave it to that one.
            return new DeliveryOutcome(false, false, clock.GetUtcNow() + settings.WebhookRetryBase, null, "subscriber not configured on this instance");
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscriber.Secret, timestamp, delivery.Payload));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, $"{delivery.OutboxId.ToString(CultureInfo.InvariantCulture)}:{delivery.Subscriber}");
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Kind);

        int? status = null;
        string? error;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.WebhookTimeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new DeliveryOutcome(true, false, null, status, null);
            }

            error = $"HTTP {status}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e.Message;
        }

        var attempts = delivery.Attempts + 1;
        var giveUp = attempts >= settings.WebhookMaxAttempts;
        var wait = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, settings.WebhookRetryBase.Ticks * (1L << Math.Min(attempts - 1, 20))));
        logger.LogWarning("Webhook delivery {OutboxId} to {Subscriber} failed ({Error}); attempt {Attempts}, {Next}",
            delivery.OutboxId, delivery.Subscriber, error, attempts, giveUp ? "giving up" : $"retrying in {wait}");
        return new DeliveryOutcome(false, giveUp, giveUp ? null : clock.GetUtcNow() + wait, status, error);
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
