using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Scoring;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Scoring.Consuming;

/// <summary>A consumed batch read and scored, waiting to be made durable; its dead letters are published already.</summary>
/// <param name="DeadLetterPartitions">The partition of each message that went to the dead-letter topic.</param>
public sealed record ScoredBatch(IReadOnlyList<ScoredMessage> Reports, IReadOnlyList<int> DeadLetterPartitions, ConsumerPosition Position, long StartedAt)
{
    public int Consumed => Reports.Count + DeadLetterPartitions.Count;

    public int DeadLettered => DeadLetterPartitions.Count;
}

/// <summary>
/// Handles one batch of consumed messages in two steps, so that the consumer can score the next batch while this one
/// is written: <see cref="ScoreAsync"/> reads the messages, dead-letters the unreadable ones and grades the rest with
/// one model; <see cref="SaveAsync"/> writes the scored reports and the offsets in one PostgreSQL transaction. It owns
/// no consumer; <see cref="ReportConsumer"/> does.
/// </summary>
public sealed class ReportBatchHandler(
    ModelHolder model,
    ScoringStore store,
    DeadLetterPublisher deadLetters,
    ScoringOptions options,
    TimeProvider clock)
{
    public async Task<ScoredBatch> ScoreAsync(
        IReadOnlyList<ConsumeResult<string, byte[]>> batch, string groupId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var valid = new List<(ReportV1 Report, ConsumeResult<string, byte[]> Message)>(batch.Count);
        var letters = new List<DeadLetter>();
        var now = clock.GetUtcNow();
        foreach (var message in batch)
        {
            if (Read(message, now) is { } report)
            {
                valid.Add((report, message));
            }
            else
            {
                letters.Add(new DeadLetter(message, WhyUnreadable(message, now)));
            }
        }

        if (letters.Count > 0)
        {
            await deadLetters.PublishAsync(letters, cancellationToken);
            foreach (var letter in letters)
            {
                RiskWatchMetrics.DeadLetters.WithLabels(ReasonClass(letter.Reason)).Inc();
            }
        }

        // One model for the whole batch, even when a promotion swaps the holder's model meanwhile.
        RiskWatchMetrics.ScoringBatchSize.Observe(batch.Count);
        using var lease = model.Acquire();
        var predictions = valid.Count == 0 ? [] : lease.Model.PredictBatch(valid.Select(v => v.Report).ToList());
        var scored = valid.Select((v, i) => new ScoredMessage(
            new ScoredReport(v.Report, predictions[i].Grade, predictions[i].Probabilities, predictions[i].ModelVersion),
            v.Message.Partition.Value,
            v.Message.Offset.Value) { Reasons = predictions[i].Reasons }).ToList();
        return new ScoredBatch(
            scored, letters.Select(l => l.Message.Partition.Value).ToList(), new ConsumerPosition(groupId, batch[0].Topic, NextOffsets(batch)), started);
    }

    /// <summary>
    /// The batch as <paramref name="lanes"/> batches over disjoint partitions (partition modulo lanes), each with its
    /// partitions' offsets, dead-lettered messages' included; lanes with no partition in the batch are left out.
    /// </summary>
    public static IReadOnlyList<ScoredBatch> Split(ScoredBatch batch, int lanes)
    {
        if (lanes <= 1 || batch.Position.NextOffsets.Count <= 1)
        {
            return [batch];
        }

        return batch.Position.NextOffsets
            .GroupBy(p => p.Key % lanes)
            .Select(lane =>
            {
                var partitions = lane.ToDictionary(p => p.Key, p => p.Value);
                return batch with
                {
                    Reports = batch.Reports.Where(r => partitions.ContainsKey(r.Partition)).ToList(),
                    DeadLetterPartitions = batch.DeadLetterPartitions.Where(partitions.ContainsKey).ToList(),
                    Position = batch.Position with { NextOffsets = partitions },
                };
            })
            .ToList();
    }

    public async Task<BatchOutcome> SaveAsync(ScoredBatch batch, CancellationToken cancellationToken)
    {
        var outcome = await StoreAsync(batch.Reports, batch.Position, cancellationToken);
        var scored = batch.Reports;
        if (scored.Count > 0)
        {
            RiskWatchMetrics.SetModelVersion(scored[0].Scored.ModelVersion);
            RiskWatchMetrics.RecordScored(scored.Select(s => (int)s.Scored.Grade), scored[0].Scored.ModelVersion);
        }

        RiskWatchMetrics.ScoringDuplicates.Inc(outcome.Duplicates);
        RiskWatchMetrics.AlertsRaised.WithLabels("opened").Inc(outcome.AlertsOpened);
        RiskWatchMetrics.AlertsRaised.WithLabels("joined").Inc(outcome.AlertsJoined);
        RiskWatchMetrics.ScoringBatchDuration.Observe(Stopwatch.GetElapsedTime(batch.StartedAt).TotalSeconds);
        return outcome with { DeadLettered = batch.DeadLettered };
    }

    private async Task<BatchOutcome> StoreAsync(IReadOnlyList<ScoredMessage> scored, ConsumerPosition position, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await store.SaveBatchAsync(scored, position, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RiskWatchMetrics.DatabaseErrors.WithLabels(RiskWatchMetrics.Operations.SaveBatch).Inc();
            throw;
        }
        finally
        {
            RiskWatchMetrics.DatabaseTransactionDuration.WithLabels(RiskWatchMetrics.Operations.SaveBatch)
                .Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The reason class of a <see cref="WhyUnreadable"/> text, for the dead-letter metric; keep the two in step.</summary>
    private static string ReasonClass(string reason) =>
        reason.StartsWith("empty", StringComparison.Ordinal) ? RiskWatchMetrics.DeadLetterReasons.Empty
        : reason.StartsWith("oversized", StringComparison.Ordinal) ? RiskWatchMetrics.DeadLetterReasons.Oversized
        : reason.StartsWith("unknown contract version", StringComparison.Ordinal) ? RiskWatchMetrics.DeadLetterReasons.UnknownVersion
        : RiskWatchMetrics.DeadLetterReasons.InvalidReport;

    private ReportV1? Read(ConsumeResult<string, byte[]> message, DateTimeOffset now)
    {
        if (message.Message.Value is not { } value || value.Length > options.MaxMessageBytes || !IsKnownVersion(message))
        {
            return null;
        }

        // A report scored long after it was sent is still valid: "not in the future" is checked at intake
        // against the clock of the time, so here the clock is stretched by the age of the message.
        var sentAt = message.Message.Timestamp.UtcDateTime;
        var reference = sentAt > DateTime.UnixEpoch ? new DateTimeOffset(sentAt, TimeSpan.Zero) : now;
        return ReportParser.Parse(value, Max(reference, now)).Report;
    }

    private string WhyUnreadable(ConsumeResult<string, byte[]> message, DateTimeOffset now)
    {
        if (message.Message.Value is not { } value)
        {
            return "empty message";
        }

        if (value.Length > options.MaxMessageBytes)
        {
            return $"oversized: {value.Length} bytes, at most {options.MaxMessageBytes}";
        }

        if (!IsKnownVersion(message))
        {
            return $"unknown contract version '{HeaderValue(message, ContractValues.VersionHeader)}'";
        }

        var errors = ReportParser.Parse(value, now).Errors;
        return "invalid report: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}"));
    }

    /// <summary>Ingest stamps the version; a platform producing straight to Kafka may leave it out (then it is 1).</summary>
    private static bool IsKnownVersion(ConsumeResult<string, byte[]> message) =>
        HeaderValue(message, ContractValues.VersionHeader) is null or "1";

    private static string? HeaderValue(ConsumeResult<string, byte[]> message, string name) =>
        message.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

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

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
