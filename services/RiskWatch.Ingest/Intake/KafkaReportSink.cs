using System.Diagnostics;
using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Messaging;

namespace RiskWatch.Ingest.Intake;

/// <summary>
/// Sends reports to the reports topic through the process's <see cref="AcknowledgedProducer"/>, with the contract version,
/// the channel and the trace context of the request in headers (Scoring goes on with the same trace).
/// </summary>
public sealed class KafkaReportSink(AcknowledgedProducer producer, KafkaOptions kafka) : IReportSink
{
    /// <summary>Header naming how the report came in (api, form, platform).</summary>
    public const string ChannelHeader = "channel";

    /// <summary>
    /// Header naming the principal of the key the report came with, when it came with one. Scoring counts a report towards
    /// corroboration as its reporter's only when this names the reporter; a report without it (sent without a key, or
    /// produced straight to Kafka) is anonymous, and an incident's anonymous reports together count at most once.
    /// </summary>
    public const string SubmittedByHeader = ContractValues.SubmittedByHeader;

    public static readonly ActivitySource Tracing = new("RiskWatch.Ingest");

    public async Task<SinkResult> SendAsync(string incidentKey, byte[] report, ReportOrigin origin, CancellationToken cancellationToken) =>
        await SendAndLocateAsync(incidentKey, report, origin, cancellationToken) is null ? SinkResult.BrokerUnavailable : SinkResult.Delivered;

    /// <summary>Sends a report and answers where the broker put it; null when it did not acknowledge in time.</summary>
    public async Task<TopicPartitionOffset?> SendAndLocateAsync(string incidentKey, byte[] report, ReportOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var headers = new Dictionary<string, string>(5) { [ContractValues.VersionHeader] = "1", [ChannelHeader] = origin.Channel.ToLabel() };
        if (origin.SubmittedBy is { Length: > 0 } principal)
        {
            headers[SubmittedByHeader] = principal;
        }

        // A span of its own when traces are exported; the request's context (from its traceparent) otherwise.
        using var activity = Tracing.StartActivity("send report", ActivityKind.Producer);
        TraceHeaders.Inject(activity ?? Activity.Current, headers);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var delivered = await producer.ProduceAsync(kafka.ReportsTopic, incidentKey, report, headers, cancellationToken);
            IngestMetrics.ObserveProduce("acked", started);
            return delivered.TopicPartitionOffset;
        }
        catch (BrokerUnavailableException)
        {
            IngestMetrics.ObserveProduce("unavailable", started);
            return null;
        }
        catch (ProduceException<string, byte[]>)
        {
            IngestMetrics.ObserveProduce("failed", started);
            throw;
        }
    }
}
