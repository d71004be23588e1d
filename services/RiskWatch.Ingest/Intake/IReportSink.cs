namespace RiskWatch.Ingest.Intake;

/// <summary>What became of a report handed to an <see cref="IReportSink"/>.</summary>
public enum SinkResult
{
    /// <summary>The broker acknowledged it (acks=all).</summary>
    Delivered,

    /// <summary>The broker did not acknowledge it in time.</summary>
    BrokerUnavailable,

    /// <summary>The sink holds as much not yet consumed as it safely can; nothing was sent.</summary>
    Full,
}

/// <summary>
/// Where intake writes a valid report: the reports topic, keyed by the report's incident so one partition holds an
/// incident. Two implementations exist: <see cref="KafkaReportSink"/> for a Kafka cluster, and the embedded host's, which
/// also keeps the in-memory broker from dropping what it was given.
/// </summary>
public interface IReportSink
{
    /// <summary>Sends the reports of one request (all from <paramref name="origin"/>) and answers for each, in order.</summary>
    /// <exception cref="Confluent.Kafka.ProduceException{TKey, TValue}">The broker refused one of them for good.</exception>
    Task<SinkResult[]> SendAllAsync(IReadOnlyList<ReportMessage> reports, ReportOrigin origin, CancellationToken cancellationToken);
}

/// <summary>A report as it goes to the reports topic: its incident key (the message key) and its contract JSON.</summary>
public readonly record struct ReportMessage(string IncidentKey, byte[] Json);

/// <summary>
/// How a report came in and from whom: the channel; <paramref name="SubmittedBy"/>, the principal of the key it came with (null
/// without a key), which Scoring counts as an independent informant only when it is the report's own reporter; and
/// <paramref name="Sender"/>, whose share of a backlog it takes (the key, or the client address without one).
/// </summary>
public sealed record ReportOrigin(IntakeChannel Channel, string? SubmittedBy, string Sender);
