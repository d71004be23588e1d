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

    public async Task<SinkResult[]> SendAllAsync(IReadOnlyList<ReportMessage> reports, ReportOrigin origin, CancellationToken cancellationToken)
    {
        var deliveries = await SendAllAndLocateAsync(reports, origin, cancellationToken);
        ThrowIfRefused(deliveries);
        return [.. deliveries.Select(d => d.Written is null ? SinkResult.BrokerUnavailable : SinkResult.Delivered)];
    }

    /// <summary>
    /// Sends the reports of one request and answers, for each, where the broker put it, or why not: <see cref="Delivery.Written"/>
    /// is null when it did not acknowledge in time (<see cref="Delivery.Unavailable"/>) or refused it (see <see cref="ThrowIfRefused"/>).
    /// </summary>
    public async Task<Delivery[]> SendAllAndLocateAsync(IReadOnlyList<ReportMessage> reports, ReportOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(origin);
        var headers = new Dictionary<string, string>(5) { [ContractValues.VersionHeader] = "1", [ChannelHeader] = origin.Channel.ToLabel() };
        if (origin.SubmittedBy is { Length: > 0 } principal)
        {
            headers[SubmittedByHeader] = principal;
        }

        // A span of its own when traces are exported; the request's context (from its traceparent) otherwise. The reports of
        // one request share it, and their headers.
        using var activity = Tracing.StartActivity("send reports", ActivityKind.Producer);
        activity?.SetTag("messaging.batch.message_count", reports.Count);
        TraceHeaders.Inject(activity ?? Activity.Current, headers);
        var shared = AcknowledgedProducer.ToHeaders(headers);
        var started = Stopwatch.GetTimestamp();
        var deliveries = await producer.ProduceAllAsync(kafka.ReportsTopic, [.. reports.Select(r => new OutgoingMessage(r.IncidentKey, r.Json, shared))], cancellationToken);
        var acked = deliveries.Count(d => d.Written is not null);
        var unavailable = deliveries.Count(d => d.Unavailable);
        IngestMetrics.ObserveProduce("acked", started, acked);
        IngestMetrics.ObserveProduce("unavailable", started, unavailable);
        IngestMetrics.ObserveProduce("failed", started, deliveries.Length - acked - unavailable);
        return deliveries;
    }

    /// <summary>A report the broker refused for good (too large, unknown topic) fails the request, as it always did.</summary>
    /// <exception cref="ProduceException{TKey, TValue}">One of <paramref name="deliveries"/> was refused.</exception>
    public void ThrowIfRefused(IEnumerable<Delivery> deliveries)
    {
        if (deliveries.FirstOrDefault(d => d.Written is null && !d.Unavailable) is { Error: { } refused })
        {
            throw new ProduceException<string, byte[]>(refused, new DeliveryResult<string, byte[]> { Topic = kafka.ReportsTopic });
        }
    }
}
