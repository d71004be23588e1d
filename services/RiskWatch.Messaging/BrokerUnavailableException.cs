using Confluent.Kafka;

namespace RiskWatch.Messaging;

/// <summary>
/// The broker did not acknowledge a message in time, so it may or may not have been written. Callers
/// answer "try again later" (HTTP 503); resubmitting is safe because reports are deduplicated by id.
/// </summary>
public sealed class BrokerUnavailableException : Exception
{
    public BrokerUnavailableException()
    {
    }

    public BrokerUnavailableException(string message)
        : base(message)
    {
    }

    public BrokerUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public BrokerUnavailableException(string topic, ErrorCode reason, Exception? innerException)
        : base($"Kafka did not acknowledge the message to '{topic}' in time ({reason}).", innerException)
    {
        Topic = topic;
        Reason = reason;
    }

    public string? Topic { get; }

    /// <summary>The librdkafka error behind the failure, e.g. Local_MsgTimedOut or Local_QueueFull.</summary>
    public ErrorCode Reason { get; } = ErrorCode.Unknown;
}
