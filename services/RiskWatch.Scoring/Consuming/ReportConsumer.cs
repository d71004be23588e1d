using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskWatch.Data.Scoring;
using RiskWatch.Messaging;

namespace RiskWatch.Scoring.Consuming;

/// <summary>
/// The scoring consumer loop: owns the Kafka consumer and its offsets, collects batches and hands them to
/// <see cref="ReportBatchHandler"/>. Offsets live in PostgreSQL beside the rows they cover; on assignment the consumer
/// seeks to them, so Kafka's own committed offsets are never trusted for correctness.
/// </summary>
/// <remarks>
/// Two stages. A synchronous poll loop on a thread of its own (<c>Consume</c> blocks, and rebalance callbacks run inside
/// it) collects and scores batches (this process's CPU) and puts them into a <see cref="BatchWriter"/>, which splits each
/// batch into lanes by partition and writes each lane's parts to PostgreSQL (mostly the database's CPU) one after another
/// in the order they were consumed: each transaction's offsets follow the previous one's in its lane, and an incident's
/// reports reach its alert in order. When partitions leave, the writer finishes what it holds first.
/// </remarks>
public sealed class ReportConsumer(
    KafkaOptions kafka,
    IOptions<ScoringOptions> options,
    ReportBatchHandler handler,
    ScoringStore store,
    IHostApplicationLifetime lifetime,
    ILogger<ReportConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How long the poll loop waits in one call for a batch's first message, and for room in the writer.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a batch that gathers while the writer is busy looks whether it has finished.</summary>
    private static readonly TimeSpan WriterCheckInterval = TimeSpan.FromMilliseconds(2);

    /// <summary>Messages consumed into the batch being collected (poll thread only); revoked partitions' messages are dropped from it.</summary>
    private readonly List<ConsumeResult<string, byte[]>> collecting = [];

    private BatchWriter? writer;
    private long lagUpdatedAt;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Poll(stoppingToken);
                finished.SetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                finished.SetResult();
            }
            catch (Exception e)
            {
                finished.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "scoring-consumer",
        };
        thread.Start();
        return finished.Task;
    }

    private void Poll(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(kafka);
        using var consumer = KafkaClientFactory.CreateConsumer(config, builder => builder
            .SetPartitionsAssignedHandler((_, partitions) => SeekToStoredOffsets(config.GroupId, partitions, stoppingToken))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition), stoppingToken))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition), stoppingToken))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer error {Code}: {Reason}", error.Code, error.Reason)));

        writer = StartWriter(stoppingToken);
        consumer.Subscribe(kafka.ReportsTopic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                writer.ThrowIfFailed();
                Collect(consumer, stoppingToken);
                if (collecting.Count > 0)
                {
                    var scored = handler.Score([.. collecting], config.GroupId);
                    collecting.Clear();
                    while (!writer.TryAdd(scored, PollInterval, stoppingToken))
                    {
                        UpdateLag(consumer);
                    }
                }

                UpdateLag(consumer);
            }

            // Stopping: what is queued was consumed and scored but not committed; it will be read again, so it is not waited for.
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Never leave the host running with a dead loop: stop, so the orchestrator restarts the process.
            ScoringMetrics.Errors.WithLabels("fatal").Inc();
            logger.LogCritical(e, "The scoring loop failed; stopping the service");
            lifetime.StopApplication();
            throw;
        }
        finally
        {
            writer.Stop();
            consumer.Close();
        }
    }

    private BatchWriter StartWriter(CancellationToken stoppingToken) =>
        new(options.Value.WriteLanes, part => SaveWithRetryAsync(part, stoppingToken), stoppingToken);

    private void Collect(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var first = consumer.Consume(PollInterval);
        if (first is null || first.IsPartitionEOF)
        {
            return;
        }

        collecting.Add(first);
        var deadline = DateTime.UtcNow.AddMilliseconds(settings.MaxBatchWaitMs);
        while (collecting.Count < settings.MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            // Natural batching: while the writer is busy this batch could not be written sooner, so it gathers what arrives
            // meanwhile (until the deadline); with the writer idle it takes only what has arrived and goes. A trickle of
            // reports then waits for no timer, and a surge still fills whole batches.
            var busy = writer!.Busy;
            var wait = busy ? deadline - DateTime.UtcNow : TimeSpan.Zero;
            var next = consumer.Consume(wait > TimeSpan.Zero ? Min(wait, WriterCheckInterval) : TimeSpan.Zero);
            if (next is null)
            {
                if (busy && DateTime.UtcNow < deadline)
                {
                    continue;
                }

                break;
            }

            if (!next.IsPartitionEOF)
            {
                collecting.Add(next);
            }
        }
    }

    /// <summary>
    /// A lane's part of a batch (<see cref="ScoringOptions.WriteLanes"/>) that fails for a passing reason (PostgreSQL
    /// restarting, the broker away) is retried with backoff, holding the same messages: nothing later in its lane is written
    /// until it is durable, so nothing is skipped.
    /// </summary>
    private async Task SaveWithRetryAsync(ScoredBatch part, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var outcome = await handler.SaveAsync(part, stoppingToken);
                logger.LogDebug("Scored batch: {Outcome}", outcome);
                return;
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                ScoringMetrics.Errors.WithLabels("transient").Inc();
                logger.LogWarning(e, "Batch of {Count} failed; retrying in {Backoff}", part.Consumed, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Passing failures are retried with the same messages. A batch that breaks a constraint, holds data PostgreSQL
    /// refuses, or meets a schema it does not match (SQLSTATE classes 22, 23, 42) would fail the same way forever and
    /// block its partition: that stops the service loudly instead.
    /// </summary>
    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState is not ['2', '2', ..] and not ['2', '3', ..] and not ['4', '2', ..],
        _ => e is NpgsqlException or TimeoutException or BrokerUnavailableException or System.Net.Sockets.SocketException or ConcurrentBatchException,
    };

    /// <summary>Runs inside <c>Consume</c> on the poll thread: blocking here blocks nobody else.</summary>
    private IEnumerable<TopicPartitionOffset> SeekToStoredOffsets(string groupId, List<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        var stored = ReadOffsetsWithRetry(groupId, partitions, stoppingToken);
        logger.LogInformation("Assigned partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value)));
        foreach (var partition in partitions)
        {
            ScoringMetrics.SetConsumerLag(partition.Partition.Value, 0);
        }

        return partitions.Select(p => new TopicPartitionOffset(
            p, stored.TryGetValue(p.Partition.Value, out var next) ? new Offset(next) : Offset.Unset));
    }

    private IReadOnlyDictionary<int, long> ReadOffsetsWithRetry(string groupId, List<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return store.ReadOffsetsAsync(groupId, kafka.ReportsTopic, partitions.Select(p => p.Partition.Value).ToList(), stoppingToken)
                    .GetAwaiter().GetResult();
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Cannot read stored offsets; retrying in {Backoff}", backoff);
                stoppingToken.WaitHandle.WaitOne(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Partitions leave this instance (revoked or lost): the writer finishes every batch it holds first, so their offsets are
    /// in PostgreSQL before the next owner reads them, and then starts afresh; the messages being collected from those
    /// partitions are dropped (the next owner reads them again). Runs inside <c>Consume</c> on the poll thread.
    /// </summary>
    private void Release(IEnumerable<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        // Stopping: what the writer holds was not committed and will be read again. A writer that failed stays, so that
        // the poll loop throws its failure.
        if (writer is { } current && !stoppingToken.IsCancellationRequested && current.TryDrain())
        {
            writer = StartWriter(stoppingToken);
        }

        var gone = partitions.ToHashSet();
        collecting.RemoveAll(m => gone.Contains(m.TopicPartition));
        foreach (var partition in gone)
        {
            ScoringMetrics.ForgetConsumerLag(partition.Partition.Value);
        }
    }

    /// <summary>
    /// Lag per owned partition: the broker's high watermark (as last fetched, no extra request) minus the consumer's
    /// position, plus messages consumed but not yet durable. At most once a second.
    /// </summary>
    private void UpdateLag(IConsumer<string, byte[]> consumer)
    {
        var now = Environment.TickCount64;
        if (now - lagUpdatedAt < 1000)
        {
            return;
        }

        lagUpdatedAt = now;
        foreach (var partition in consumer.Assignment)
        {
            try
            {
                var high = consumer.GetWatermarkOffsets(partition).High;
                var position = consumer.Position(partition);
                if (high == Offset.Unset || position == Offset.Unset)
                {
                    continue; // nothing fetched from this partition yet
                }

                var notDurable = collecting.Count(m => m.TopicPartition == partition) + writer!.Holding(partition.Partition.Value);
                ScoringMetrics.SetConsumerLag(partition.Partition.Value, high.Value - position.Value + notDurable);
            }
            catch (KafkaException)
            {
                // Revoked between Assignment and the call: the next round has the new assignment.
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
