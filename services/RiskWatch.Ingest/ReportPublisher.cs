using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Messaging;

namespace RiskWatch.Ingest;

/// <summary>Writes a valid report to the reports topic, keyed by its incident (<see cref="IncidentKey"/>) so one partition holds an incident.</summary>
public static class ReportPublisher
{
    /// <summary>Header naming how the report came in (api, form, platform), for metrics.</summary>
    public const string ChannelHeader = "channel";

    /// <param name="report">The report's JSON (<see cref="ReportJson.Serialize"/>).</param>
    public static Task<DeliveryResult<string, byte[]>> PublishAsync(
        ReportProducer producer, KafkaOptions kafka, byte[] report, string incidentKey, string channel, CancellationToken cancellationToken) =>
        producer.ProduceAsync(
            kafka.ReportsTopic,
            incidentKey,
            report,
            new Dictionary<string, string> { [ContractValues.VersionHeader] = "1", [ChannelHeader] = channel },
            cancellationToken);
}
