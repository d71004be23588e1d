using System.Diagnostics;
using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Scoring;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Scoring.Consuming;

/// <summary>A consumed batch read and scored, waiting to be made durable: its reports, its dead letters and the offsets after it.</summary>
public sealed record ScoredBatch(IReadOnlyList<ScoredMessage> Reports, IReadOnlyList<DeadLetter> DeadLetters, ConsumerPosition Position, long StartedAt)
{
    public int Consumed => Reports.Count + DeadLetters.Count;
}

/// <summary>
/// Handles one batch of consumed messages in two steps, so that the consumer can score the next batch while this one
/// is written: <see cref="Score"/> (the consumer's thread, this process's CPU) reads the messages and grades the readable
/// ones with one model; <see cref="SaveAsync"/> (the writer, mostly PostgreSQL's CPU) publishes the dead letters and
/// writes the scored reports and the offsets in one PostgreSQL transaction. It owns no consumer; <see cref="ReportConsumer"/> does.
/// </summary>
public sealed class ReportBatchHandler(
    ModelHolder model,
    ScoringStore store,
    DeadLetterPublisher deadLetters,
    MessageClassifier classifier,
    TimeProvider clock)
{
    public static readonly ActivitySource Tracing = new("RiskWatch.Scoring");

    public ScoredBatch Score(IReadOnlyList<ConsumeResult<string, byte[]>> batch, string groupId)
    {
        var started = Stopwatch.GetTimestamp();
        var valid = new List<(ReportV1 Report, ConsumeResult<string, byte[]> Message)>(batch.Count);
        var letters = new List<DeadLetter>();
        var now = clock.GetUtcNow();
        foreach (var message in batch)
        {
            switch (classifier.Classify(message, now))
            {
                case ReadResult.Readable readable:
                    valid.Add((readable.Report, message));
                    break;
                case ReadResult.Unreadable why:
                    letters.Add(new DeadLetter(message, why));
                    break;
            }
        }

        // One model for the whole batch, even when a promotion swaps the holder's model meanwhile.
        ScoringMetrics.BatchSize.Observe(batch.Count);
        using var lease = model.Acquire();
        var predictions = valid.Count == 0 ? [] : lease.Model.PredictBatch(valid.Select(v => v.Report).ToList());
        var scored = valid.Select((v, i) => new ScoredMessage(
            new ScoredReport(v.Report, predictions[i].Grade, predictions[i].Probabilities, predictions[i].ModelVersion)
            {
                TraceId = TraceHeaders.Extract(v.Message.Message.Headers) is { TraceId: var trace } context && context != default ? trace.ToHexString() : null,
                SubmittedBy = SubmittedBy(v.Message, v.Report),
                ReceivedAt = ReceivedAt(v.Message, now),
            },
            v.Message.Partition.Value,
            v.Message.Offset.Value) { Reasons = predictions[i].Reasons }).ToList();
        return new ScoredBatch(scored, letters, new ConsumerPosition(groupId, batch[0].Topic, NextOffsets(batch)), started);
    }

    /// <summary>
    /// Makes a batch (or a lane of one) durable: its dead letters acknowledged by the broker first, then its reports,
    /// alerts and offsets in one transaction, so the offsets never move past a message that is nowhere.
    /// </summary>
    public async Task<BatchOutcome> SaveAsync(ScoredBatch batch, CancellationToken cancellationToken)
    {
        using var activity = StartBatchActivity(batch);
        if (batch.DeadLetters.Count > 0)
        {
            await deadLetters.PublishAsync(batch.DeadLetters, cancellationToken);
        }

        var outcome = await StoreAsync(batch.Reports, batch.Position, cancellationToken);
        var scored = batch.Reports;
        if (scored.Count > 0)
        {
            ScoringMetrics.SetModelVersion(scored[0].Scored.ModelVersion);
            ScoringMetrics.RecordScored(scored.Select(s => s.Scored.Grade), scored[0].Scored.ModelVersion);
        }

        ScoringMetrics.Duplicates.Inc(outcome.Duplicates);
        ScoringMetrics.AlertsRaised.WithLabels("opened").Inc(outcome.AlertsOpened);
        ScoringMetrics.AlertsRaised.WithLabels("joined").Inc(outcome.AlertsJoined);
        ScoringMetrics.BatchDuration.Observe(Stopwatch.GetElapsedTime(batch.StartedAt).TotalSeconds);
        return outcome with { DeadLettered = batch.DeadLetters.Count };
    }

    /// <summary>
    /// A span for the batch's write, linked to the trace of each report it holds (at most <see cref="MaxLinks"/>): a batch
    /// has many parents, so it links them rather than belonging to one. Null when nobody listens.
    /// </summary>
    private static Activity? StartBatchActivity(ScoredBatch batch)
    {
        if (!Tracing.HasListeners())
        {
            return null;
        }

        var links = batch.Reports.Select(r => r.Scored.TraceId).OfType<string>().Distinct().Take(MaxLinks)
            .Select(t => new ActivityLink(new ActivityContext(ActivityTraceId.CreateFromString(t), default, ActivityTraceFlags.Recorded)));
        var activity = Tracing.StartActivity("score batch", ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("messaging.batch.message_count", batch.Consumed);
        return activity;
    }

    private const int MaxLinks = 128;

    private async Task<BatchOutcome> StoreAsync(IReadOnlyList<ScoredMessage> scored, ConsumerPosition position, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await store.SaveBatchAsync(scored, position, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ServiceMetrics.DatabaseErrors.WithLabels(ScoringMetrics.SaveBatch).Inc();
            throw;
        }
        finally
        {
            ServiceMetrics.ObserveTransaction(ScoringMetrics.SaveBatch, started);
        }
    }

    /// <summary>
    /// The reporter, when Ingest says the report came with the reporter's own key (header <c>submitted-by</c>); null otherwise.
    /// A platform producing straight to Kafka is trusted as Ingest is (Kafka's ACLs decide who may), but a report without the
    /// header, or with one naming somebody else, counts as anonymous.
    /// </summary>
    private static string? SubmittedBy(ConsumeResult<string, byte[]> message, ReportV1 report) =>
        message.Message.Headers is { } headers && headers.TryGetLastBytes(ContractValues.SubmittedByHeader, out var bytes)
        && System.Text.Encoding.UTF8.GetString(bytes) is var principal && principal == report.Reporter
            ? principal
            : null;

    /// <summary>
    /// When the report was received: its message's timestamp (set when Ingest produced it), never later than now; now when the
    /// message has none. Deadlines run from it (issue 14, finding 7); a backlog in Scoring does not push them back.
    /// </summary>
    private static DateTimeOffset ReceivedAt(ConsumeResult<string, byte[]> message, DateTimeOffset now)
    {
        var stamp = message.Message.Timestamp;
        if (stamp.Type == TimestampType.NotAvailable || stamp.UnixTimestampMs <= 0)
        {
            return now;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(stamp.UnixTimestampMs, now.ToUnixTimeMilliseconds()));
        return at;
    }

    private static Dictionary<int, long> NextOffsets(IReadOnlyList<ConsumeResult<string, byte[]>> batch)
    {
        var next = new Dictionary<int, long>();
        foreach (var message in batch)
        {
            var partition = message.Partition.Value;
            next[partition] = Math.Max(next.GetValueOrDefault(partition), message.Offset.Value + 1);
        }

        return next;
    }
}
