using System.Text;
using Confluent.Kafka;
using RiskWatch.Core.Contract;

namespace RiskWatch.Scoring.Consuming;

/// <summary>Why a consumed message can never be processed: the dead-letter metric's <c>reason</c> label.</summary>
public enum DeadLetterReason
{
    Empty,
    Oversized,
    UnknownVersion,
    InvalidReport,
}

public static class DeadLetterReasons
{
    public static string ToLabel(this DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.Empty => "empty",
        DeadLetterReason.Oversized => "oversized",
        DeadLetterReason.UnknownVersion => "unknown_version",
        DeadLetterReason.InvalidReport => "invalid_report",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

/// <summary>What a consumed message is: a report to score, or unreadable for good (and why, in words for the dead-letter header).</summary>
public abstract record ReadResult
{
    private ReadResult()
    {
    }

    public sealed record Readable(ReportV1 Report) : ReadResult;

    /// <param name="Text">The <c>dlq-reason</c> header: what an operator reads in <c>riskwatch dlq list</c>.</param>
    public sealed record Unreadable(DeadLetterReason Reason, string Text) : ReadResult;
}

/// <summary>Reads a consumed message as a contract-v1 report, or says why it never can be.</summary>
public sealed class MessageClassifier(ScoringOptions options)
{
    public ReadResult Classify(ConsumeResult<string, byte[]> message, DateTimeOffset now)
    {
        if (message.Message.Value is not { } value)
        {
            return new ReadResult.Unreadable(DeadLetterReason.Empty, "empty message");
        }

        if (value.Length > options.MaxMessageBytes)
        {
            return new ReadResult.Unreadable(DeadLetterReason.Oversized, $"oversized: {value.Length} bytes, at most {options.MaxMessageBytes}");
        }

        // Ingest stamps the version; a platform producing straight to Kafka may leave it out (then it is 1).
        if (HeaderValue(message, ContractValues.VersionHeader) is { } version and not "1")
        {
            return new ReadResult.Unreadable(DeadLetterReason.UnknownVersion, $"unknown contract version '{version}'");
        }

        // A report scored long after it was sent is still valid: "not in the future" is checked at intake against the
        // clock of the time, so here the clock is stretched by the age of the message.
        var sentAt = message.Message.Timestamp.UtcDateTime;
        var reference = sentAt > DateTime.UnixEpoch && sentAt > now.UtcDateTime ? new DateTimeOffset(sentAt, TimeSpan.Zero) : now;
        var parsed = ReportParser.Parse(value, reference);
        return parsed.Report is { } report
            ? new ReadResult.Readable(report)
            : new ReadResult.Unreadable(DeadLetterReason.InvalidReport, "invalid report: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Field}: {e.Reason}")));
    }

    private static string? HeaderValue(ConsumeResult<string, byte[]> message, string name) =>
        message.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
