using System.Diagnostics;
using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Intake;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Ingest.Intake;

/// <summary>What became of one valid report at intake.</summary>
public enum IntakeOutcome
{
    /// <summary>Produced and acknowledged by the broker (acks=all), then written to the ledger.</summary>
    Accepted,

    /// <summary>Its reportId was accepted before; nothing was produced (idempotency).</summary>
    Duplicate,

    /// <summary>The broker did not acknowledge it in time, or holds as much unscored as it safely can (see
    /// <see cref="PartitionBacklog"/>); nothing is promised, send it again.</summary>
    Unavailable,
}

/// <summary>
/// The one way a valid report enters RiskWatch from Ingest: skip ids already accepted, produce, wait for the broker's
/// acknowledgement, then record the id in the intake ledger. A report is answered "accepted" only after the broker
/// has it, and a resubmission (same reportId) is answered "duplicate" without producing it again.
/// </summary>
public sealed class ReportIntake(ReportProducer producer, KafkaOptions kafka, IntakeLedger ledger, PartitionBacklog backlog)
{
    public async Task<IntakeOutcome> AcceptAsync(
        ReportV1 report, string channel, Guid? followUpOf, string? submittedBy, CancellationToken cancellationToken) =>
        (await AcceptManyAsync([report], channel, followUpOf, submittedBy, cancellationToken))[0];

    /// <summary>Outcomes in the order of <paramref name="reports"/>; a repeated id within the list is a duplicate too.</summary>
    /// <param name="submittedBy">The principal of the key that sent the reports; null when they came without one.</param>
    public async Task<IntakeOutcome[]> AcceptManyAsync(
        IReadOnlyList<ReportV1> reports, string channel, Guid? followUpOf, string? submittedBy, CancellationToken cancellationToken)
    {
        var outcomes = new IntakeOutcome[reports.Count];
        var seen = await ledger.AcceptedAmongAsync(reports.Select(r => r.ReportId).ToHashSet(), cancellationToken);
        var toSend = new List<int>();
        for (var i = 0; i < reports.Count; i++)
        {
            if (!seen.Add(reports[i].ReportId))
            {
                outcomes[i] = IntakeOutcome.Duplicate;
            }
            else
            {
                toSend.Add(i);
            }
        }

        // All at once: the producer batches them into few requests, each still acknowledged one by one.
        var keys = toSend.Select(i => IncidentKey.For(reports[i])).ToArray();
        var sent = await Task.WhenAll(toSend.Select((i, n) => ProduceAsync(reports[i], keys[n], channel, cancellationToken)));
        var accepted = new List<LedgerEntry>(toSend.Count);
        for (var n = 0; n < toSend.Count; n++)
        {
            var report = reports[toSend[n]];
            outcomes[toSend[n]] = sent[n];
            if (sent[n] == IntakeOutcome.Accepted)
            {
                accepted.Add(Entry(report, keys[n], channel, followUpOf, submittedBy));
            }
        }

        await ledger.RecordAsync(accepted, cancellationToken);
        return outcomes;
    }

    private async Task<IntakeOutcome> ProduceAsync(ReportV1 report, string incidentKey, string channel, CancellationToken cancellationToken)
    {
        var value = ReportJson.Serialize(report);
        var partition = KafkaPartitioner.For(incidentKey, kafka.ReportsPartitions);
        var size = PartitionBacklog.SizeOf(incidentKey, value);
        if (!backlog.TryReserve(partition, size))
        {
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.BacklogFull, report.Source, channel);
            return IntakeOutcome.Unavailable;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var delivered = await ReportPublisher.PublishAsync(producer, kafka, value, incidentKey, channel, cancellationToken);
            backlog.Written(partition, delivered.Partition.Value, delivered.Offset.Value, size);
            RiskWatchMetrics.ObserveProduce("acked", started);
            RiskWatchMetrics.RecordAccepted(report.Source, channel);
            return IntakeOutcome.Accepted;
        }
        catch (BrokerUnavailableException)
        {
            // It may still reach the broker after this wait gave up; the backlog limit's margin below what the broker
            // keeps covers such stragglers.
            backlog.Release(partition, size);
            RiskWatchMetrics.ObserveProduce("unavailable", started);
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.BrokerUnavailable, report.Source, channel);
            return IntakeOutcome.Unavailable;
        }
        catch (ProduceException<string, byte[]>)
        {
            backlog.Release(partition, size);
            RiskWatchMetrics.ObserveProduce("failed", started);
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.BrokerRejected, report.Source, channel);
            throw;
        }
    }

    private static LedgerEntry Entry(ReportV1 report, string incidentKey, string channel, Guid? followUpOf, string? submittedBy) => new(
        report.ReportId,
        TrackingCode.For(report.ReportId),
        channel,
        report.Source,
        report.Reporter,
        incidentKey,
        followUpOf,
        IntakeLedger.AboutJson(report.Location, report.Subject, report.Sector, report.Category, report.OccurredAt, ReportJson.Options),
        submittedBy);
}
