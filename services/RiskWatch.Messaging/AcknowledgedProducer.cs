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

    /// <summary>
    /// Writes many messages and completes when the broker has answered for each (acks=all), or the delivery timeout (plus
    /// the same margin) has passed: one wait and one timer for all of them, where <see cref="ProduceAsync"/> costs a task, a
    /// continuation, a timer and a cancellation registration per message. For intake's batches (issue 18).
    /// </summary>
    /// <returns>One <see cref="Delivery"/> per message, in order. Cancelling stops the wait, not the deliveries.</returns>
    public async Task<Delivery[]> ProduceAllAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(messages);
        // Written by librdkafka's delivery-report thread, read here once all have come (or the guard gave up): a reference
        // per slot, so a late report after the guard cannot tear what is read.
        var deliveries = new Delivery?[messages.Count];
        var remaining = messages.Count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Settle(int index, Delivery delivery)
        {
            Volatile.Write(ref deliveries[index], delivery);
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                done.TrySetResult();
            }
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var index = i;
            var (key, value, headers) = messages[i];
            try
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers },
                    report => Settle(index, report.Error.IsError ? new Delivery(null, report.Error) : new Delivery(report.TopicPartitionOffset, null)));
            }
            catch (ProduceException<string, byte[]> ex)
            {
                // Not queued (the local queue is full, the message too large): no report will come for it.
                Settle(index, new Delivery(null, ex.Error));
            }
        }

        if (messages.Count > 0)
        {
            try
            {
                await done.Task.WaitAsync(deliveryGuard, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Those not answered yet count as not acknowledged in time; they may still be written later.
            }
        }

        var timedOut = new Delivery(null, new Error(ErrorCode.Local_TimedOut));
        var answered = new Delivery[deliveries.Length];
        for (var i = 0; i < answered.Length; i++)
        {
            answered[i] = Volatile.Read(ref deliveries[i]) ?? timedOut;
        }

        return answered;
    }

    /// <summary>Waits up to <see cref="KafkaOptions.DeliveryTimeoutMs"/> for queued messages, then closes the client.</summary>
    public void Dispose()
    {
        producer.Flush(TimeSpan.FromMilliseconds(options.DeliveryTimeoutMs));
        producer.Dispose();
    }

    internal static bool IsUnavailable(Error error) =>
        !error.IsFatal && error.Code is ErrorCode.Local_MsgTimedOut
            or ErrorCode.Local_TimedOut
            or ErrorCode.Local_QueueFull
            or ErrorCode.Local_AllBrokersDown
            or ErrorCode.Local_Transport
            or ErrorCode.RequestTimedOut
            or ErrorCode.NotEnoughReplicas
            or ErrorCode.NotEnoughReplicasAfterAppend;

    /// <summary>Kafka headers from names and text values; null when there are none.</summary>
    public static Headers? ToHeaders(IReadOnlyDictionary<string, string>? headers)
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

/// <summary>One message of <see cref="AcknowledgedProducer.ProduceAllAsync"/>; messages may share one <see cref="Headers"/>.</summary>
public readonly record struct OutgoingMessage(string Key, byte[] Value, Headers? Headers);

/// <summary>What became of one message of <see cref="AcknowledgedProducer.ProduceAllAsync"/>: written at an offset, or the error.</summary>
public sealed record Delivery(TopicPartitionOffset? Written, Error? Error)
{
    /// <summary>Not written, for a reason that may pass (no acknowledgement in time, a full queue, brokers down).</summary>
    public bool Unavailable => Written is null && (Error is null || AcknowledgedProducer.IsUnavailable(Error));
}
