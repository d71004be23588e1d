using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskWatch.Data.Scoring;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Scoring.Consuming;

/// <summary>
/// The scoring consumer loop: owns the Kafka consumer and its offsets, collects batches and hands them to
/// <see cref="ReportBatchHandler"/>. Offsets live in PostgreSQL beside the rows they cover; on assignment the
/// consumer seeks to them, so Kafka's own committed offsets are never trusted for correctness.
/// </summary>
public sealed class ReportConsumer(
    KafkaOptions kafka,
    IOptions<ScoringOptions> options,
    ReportBatchHandler handler,
    ScoringStore store,
    IHostApplicationLifetime lifetime,
    ILogger<ReportConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Messages consumed but not yet durable. Revoked partitions' messages are dropped from it.</summary>
    private readonly List<ConsumeResult<string, byte[]>> pending = [];

    private long lagUpdatedAt;

    // Consume() blocks, so the loop gets a thread of its own instead of a pool thread.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(kafka);
        using var consumer = KafkaClientFactory.CreateConsumer(config, builder => builder
            .SetPartitionsAssignedHandler((_, partitions) => SeekToStoredOffsets(config.GroupId, partitions, stoppingToken))
            .SetPartitionsRevokedHandler((_, partitions) => Forget(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Forget(partitions.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer error {Code}: {Reason}", error.Code, error.Reason)));

        consumer.Subscribe(kafka.ReportsTopic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                CollectBatch(consumer, stoppingToken);
                if (pending.Count > 0)
                {
                    await HandleWithRetryAsync(consumer, config.GroupId, stoppingToken);
                }

                UpdateLag(consumer);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whatever is pending was not committed and will be read again.
        }
        catch (Exception e)
        {
            // Never leave the host running with a dead loop: stop, so the orchestrator restarts the process.
            RiskWatchMetrics.ScoringErrors.WithLabels("fatal").Inc();
            logger.LogCritical(e, "The scoring loop failed; stopping the service");
            lifetime.StopApplication();
            throw;
        }
        finally
        {
            consumer.Close();
        }
    }

    private void CollectBatch(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var first = consumer.Consume(TimeSpan.FromMilliseconds(250));
        if (first is null || first.IsPartitionEOF)
        {
            return;
        }

        pending.Add(first);
        var deadline = DateTime.UtcNow.AddMilliseconds(settings.MaxBatchWaitMs);
        while (pending.Count < settings.MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var wait = deadline - DateTime.UtcNow;
            var next = consumer.Consume(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            if (next is null)
            {
                break;
            }

            if (!next.IsPartitionEOF)
            {
                pending.Add(next);
            }
        }
    }

    /// <summary>
    /// A batch that fails for a passing reason (PostgreSQL restarting, the broker away) is retried with
    /// backoff, holding the same messages: nothing new is read until it is durable, so nothing is skipped.
    /// </summary>
    private async Task HandleWithRetryAsync(IConsumer<string, byte[]> consumer, string groupId, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var outcome = await handler.HandleAsync(pending, groupId, stoppingToken);
                logger.LogDebug("Scored batch: {Outcome}", outcome);
                pending.Clear();
                return;
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                RiskWatchMetrics.ScoringErrors.WithLabels("transient").Inc();
                UpdateLag(consumer);
                logger.LogWarning(e, "Batch of {Count} failed; retrying in {Backoff}", pending.Count, backoff);
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
        _ => e is NpgsqlException or TimeoutException or BrokerUnavailableException or System.Net.Sockets.SocketException,
    };

    private IEnumerable<TopicPartitionOffset> SeekToStoredOffsets(string groupId, List<TopicPartition> partitions, CancellationToken stoppingToken)
    {
        var stored = ReadOffsetsWithRetry(groupId, partitions, stoppingToken);
        logger.LogInformation("Assigned partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value)));
        foreach (var partition in partitions)
        {
            RiskWatchMetrics.SetConsumerLag(partition.Partition.Value, 0);
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
                // The rebalance callback is synchronous; it runs on the loop's own thread, so blocking is safe.
                return store.ReadOffsetsAsync(groupId, kafka.ReportsTopic, partitions.Select(p => p.Partition.Value).ToList(), stoppingToken)
                    .GetAwaiter().GetResult();
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Cannot read stored offsets; retrying in {Backoff}", backoff);
                Thread.Sleep(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        var gone = partitions.ToHashSet();
        pending.RemoveAll(m => gone.Contains(m.TopicPartition));
        foreach (var partition in gone)
        {
            RiskWatchMetrics.ForgetConsumerLag(partition.Partition.Value);
        }
    }

    /// <summary>
    /// Lag per owned partition: the broker's high watermark (as last fetched, no extra request) minus the
    /// consumer's position, plus messages consumed but not yet durable. At most once a second.
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

                var notDurable = pending.Count(m => m.TopicPartition == partition);
                RiskWatchMetrics.SetConsumerLag(partition.Partition.Value, high.Value - position.Value + notDurable);
            }
            catch (KafkaException)
            {
                // Revoked between Assignment and the call: the next round has the new assignment.
            }
        }
    }
}
