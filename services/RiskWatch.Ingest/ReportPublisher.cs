using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Messaging;

namespace RiskWatch.Ingest;

/// <summary>Writes a valid report to the reports topic, keyed by its incident (<see cref="IncidentKey"/>) so one partition holds an incident.</summary>
public static class ReportPublisher
{
    /// <summary>Header naming how the report came in (api, form, platform), for metrics.</summary>
    public const string ChannelHeader = "channel";

    public static Task PublishAsync(
        ReportProducer producer, KafkaOptions kafka, ReportV1 report, string incidentKey, string channel, CancellationToken cancellationToken) =>
        producer.ProduceAsync(
            kafka.ReportsTopic,
            incidentKey,
            ReportJson.Serialize(report),
            new Dictionary<string, string> { [ContractValues.VersionHeader] = "1", [ChannelHeader] = channel },
            cancellationToken);
}
