using System.Text;
using Confluent.Kafka;

namespace RiskWatch.Messaging;

/// <summary>
/// The process's one Kafka producer (register as a singleton), whose sends complete only when every in-sync replica has
/// the message (acks=all, idempotent): reports at intake, alerts from the outbox, dead letters from Scoring. librdkafka
/// batches, retries and keeps idempotence state per client, so a producer per request would lose all three.
/// </summary>
public sealed class AcknowledgedProducer(KafkaOptions options) : IDisposable
{
    // librdkafka expires queued messages by a scan about once a second, so its own timeout can fire up
    // to a second after message.timeout.ms; this guard bounds the wait at the configured budget plus a
    // little, which keeps intake inside its 5 s answer.
    private static readonly TimeSpan GuardMargin = TimeSpan.FromMilliseconds(500);

    private readonly IProducer<string, byte[]> producer =
        KafkaClientFactory.CreateProducer(KafkaClientConfigs.Producer(options));

    private readonly TimeSpan deliveryGuard = TimeSpan.FromMilliseconds(options.DeliveryTimeoutMs) + GuardMargin;

    /// <summary>
    /// Writes one message and completes when all in-sync replicas acknowledged it.
    /// </summary>
    /// <exception cref="BrokerUnavailableException">No acknowledgement within <see cref="KafkaOptions.DeliveryTimeoutMs"/>
    /// (plus a small margin), or the local queue is full because the broker is not keeping up.</exception>
    /// <exception cref="ProduceException{TKey, TValue}">The broker rejected the message (e.g. too large, unknown topic).</exception>
    public async Task<DeliveryResult<string, byte[]>> ProduceAsync(
        string topic,
        string key,
        byte[] value,
        IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);

        var message = new Message<string, byte[]> { Key = key, Value = value, Headers = ToHeaders(headers) };
        var delivery = producer.ProduceAsync(topic, message, cancellationToken);
        // When the guard below gives up first, the delivery still completes later; observe its failure
        // so it does not surface as an unobserved task exception.
        _ = delivery.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            // Cancelling stops the wait, not the delivery: a message handed to librdkafka may still be written.
            return await delivery.WaitAsync(deliveryGuard, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            // Local_TimedOut (our guard) rather than Local_MsgTimedOut (librdkafka's own expiry), so a
            // log tells which of the two gave up.
            throw new BrokerUnavailableException(topic, ErrorCode.Local_TimedOut, ex);
        }
        catch (ProduceException<string, byte[]> ex) when (IsUnavailable(ex.Error))
        {
            throw new BrokerUnavailableException(topic, ex.Error.Code, ex);
        }
    }

    /// <summary>Waits up to <see cref="KafkaOptions.DeliveryTimeoutMs"/> for queued messages, then closes the client.</summary>
    public void Dispose()
    {
        producer.Flush(TimeSpan.FromMilliseconds(options.DeliveryTimeoutMs));
        producer.Dispose();
    }

    private static bool IsUnavailable(Error error) =>
        !error.IsFatal && error.Code is ErrorCode.Local_MsgTimedOut
            or ErrorCode.Local_QueueFull
            or ErrorCode.Local_AllBrokersDown
            or ErrorCode.Local_Transport
            or ErrorCode.RequestTimedOut
            or ErrorCode.NotEnoughReplicas
            or ErrorCode.NotEnoughReplicasAfterAppend;

    private static Headers? ToHeaders(IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }

        var result = new Headers();
        foreach (var (name, value) in headers)
        {
            result.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return result;
    }
}
