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
/// The loop is a two-stage pipeline: while one batch is written to PostgreSQL (mostly the database's CPU), the next is
/// read and scored (this process's CPU). Batches are still saved one after another, in the order they were consumed,
/// so each transaction's offsets follow the previous one's and an incident's reports reach its alert in order.
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

    /// <summary>Messages consumed but not yet scored. Revoked partitions' messages are dropped from it.</summary>
    private List<ConsumeResult<string, byte[]>> pending = [];

    /// <summary>The batch being written, and its messages (for the lag figure); null when none is.</summary>
    private Task? saving;
    private IReadOnlyList<ConsumeResult<string, byte[]>> savingMessages = [];

    private long lagUpdatedAt;

    /// <summary>How often a batch that waits on the one being written looks whether that write is done.</summary>
    private static readonly TimeSpan WritingCheckInterval = TimeSpan.FromMilliseconds(2);

    // Consume() blocks, so the loop gets a thread of its own instead of a pool thread.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(kafka);
        using var consumer = KafkaClientFactory.CreateConsumer(config, builder => builder
            .SetPartitionsAssignedHandler((_, partitions) => SeekToStoredOffsets(config.GroupId, partitions, stoppingToken))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer error {Code}: {Reason}", error.Code, error.Reason)));

        consumer.Subscribe(kafka.ReportsTopic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                CollectBatch(consumer, stoppingToken);
                if (pending.Count > 0)
                {
                    var batch = pending;
                    pending = [];
                    var scored = await WithRetryAsync(batch.Count, () => handler.ScoreAsync(batch, config.GroupId, stoppingToken), stoppingToken);
                    await WaitForSavingAsync(consumer);
                    savingMessages = batch;
                    saving = SaveWithRetryAsync(scored, stoppingToken);
                }
                else if (saving is { IsCompleted: true })
                {
                    await WaitForSavingAsync(consumer); // surfaces a failure even while no messages come
                }

                UpdateLag(consumer);
            }

            await WaitForSavingAsync(consumer);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whatever is pending or being written was not committed and will be read again.
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
            // Natural batching: while the previous batch is being written this one could not be written sooner, so it
            // gathers what arrives meanwhile (until the deadline); with nothing being written it takes only what has
            // arrived and goes. A trickle of reports then waits for no timer, and a surge still fills whole batches.
            var writing = saving is { IsCompleted: false };
            var wait = writing ? deadline - DateTime.UtcNow : TimeSpan.Zero;
            var next = consumer.Consume(wait > TimeSpan.Zero ? Min(wait, WritingCheckInterval) : TimeSpan.Zero);
            if (next is null)
            {
                if (writing && DateTime.UtcNow < deadline)
                {
                    continue;
                }

                break;
            }

            if (!next.IsPartitionEOF)
            {
                pending.Add(next);
            }
        }
    }

    /// <summary>Waits for the batch being written (keeping the lag figure fresh meanwhile) and surfaces its failure.</summary>
    private async Task WaitForSavingAsync(IConsumer<string, byte[]> consumer)
    {
        if (saving is { } inFlight)
        {
            try
            {
                while (!inFlight.IsCompleted)
                {
                    await Task.WhenAny(inFlight, Task.Delay(TimeSpan.FromSeconds(1)));
                    UpdateLag(consumer);
                }

                await inFlight;
            }
            finally
            {
                saving = null;
                savingMessages = [];
            }
        }
    }

    /// <summary>
    /// A batch that fails for a passing reason (PostgreSQL restarting, the broker away) is retried with
    /// backoff, holding the same messages: nothing later is saved until it is durable, so nothing is skipped.
    /// </summary>
    /// <remarks>The lanes of a batch (<see cref="ScoringOptions.WriteLanes"/>) are written side by side, each retried
    /// on its own; the next batch is written only after all of them.</remarks>
    private Task SaveWithRetryAsync(ScoredBatch batch, CancellationToken stoppingToken) =>
        Task.WhenAll(ReportBatchHandler.Split(batch, options.Value.WriteLanes).Select(async lane =>
        {
            var outcome = await WithRetryAsync(lane.Consumed, () => handler.SaveAsync(lane, stoppingToken), stoppingToken);
            logger.LogDebug("Scored batch: {Outcome}", outcome);
        }));

    /// <summary>Retries a step that failed for a passing reason (scoring fails so only when the dead-letter topic cannot be written).</summary>
    private async Task<T> WithRetryAsync<T>(int count, Func<Task<T>> attempt, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                RiskWatchMetrics.ScoringErrors.WithLabels("transient").Inc();
                logger.LogWarning(e, "Batch of {Count} failed; retrying in {Backoff}", count, backoff);
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

    /// <summary>
    /// Partitions leave this instance (revoked or lost): the batch being written is let finish first, so its offsets
    /// are in PostgreSQL before the next owner reads them, and the messages not yet scored are dropped (the next owner
    /// reads them again). Runs inside Consume() on the loop's thread; the save runs on the thread pool, so waiting here
    /// cannot deadlock.
    /// </summary>
    private void Release(IEnumerable<TopicPartition> partitions)
    {
        saving?.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
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

                var notDurable = pending.Count(m => m.TopicPartition == partition) + savingMessages.Count(m => m.TopicPartition == partition);
                RiskWatchMetrics.SetConsumerLag(partition.Partition.Value, high.Value - position.Value + notDurable);
            }
            catch (KafkaException)
            {
                // Revoked between Assignment and the call: the next round has the new assignment.
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
