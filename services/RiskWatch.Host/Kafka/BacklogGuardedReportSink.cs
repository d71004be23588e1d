using RiskWatch.Ingest.Intake;
using RiskWatch.Messaging;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// Ingest's sink in the embedded mode: sends through the <see cref="KafkaReportSink"/>, but first reserves room in the
/// report's partition of the <see cref="PartitionBacklog"/>, and answers <see cref="SinkResult.Full"/> (intake answers 503)
/// before the in-memory broker would drop a report it acknowledged. A Kafka cluster keeps what its retention says, so
/// a deployed Ingest has no such guard.
/// </summary>
public sealed class BacklogGuardedReportSink(KafkaReportSink inner, PartitionBacklog backlog, KafkaOptions kafka) : IReportSink
{
    public async Task<SinkResult[]> SendAllAsync(IReadOnlyList<ReportMessage> reports, ReportOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(origin);
        var results = new SinkResult[reports.Count];
        var reserved = new List<(int Index, int Partition, long Size)>(reports.Count);
        for (var i = 0; i < reports.Count; i++)
        {
            var partition = KafkaPartitioner.For(reports[i].IncidentKey, kafka.ReportsPartitions);
            var size = PartitionBacklog.SizeOf(reports[i].IncidentKey, reports[i].Json);
            // Each key (or address) has its share of the partition: one sender cannot fill it for everyone (issue 14, finding 8).
            if (backlog.TryReserve(partition, origin.Sender, size))
            {
                reserved.Add((i, partition, size));
            }
            else
            {
                results[i] = SinkResult.Full;
            }
        }

        Delivery[] deliveries;
        try
        {
            deliveries = await inner.SendAllAndLocateAsync([.. reserved.Select(r => reports[r.Index])], origin, cancellationToken);
        }
        catch
        {
            // Cancelled: nothing is known of these, so they are released (a late write is within the limit's margin).
            foreach (var (_, partition, size) in reserved)
            {
                backlog.Release(partition, origin.Sender, size);
            }

            throw;
        }

        for (var n = 0; n < reserved.Count; n++)
        {
            var (index, partition, size) = reserved[n];
            if (deliveries[n].Written is { } written)
            {
                backlog.Written(partition, written.Partition.Value, origin.Sender, written.Offset.Value, size);
                results[index] = SinkResult.Delivered;
            }
            else
            {
                // It may still reach the broker after the wait gave up; the limit's margin below what the broker keeps
                // covers such stragglers.
                backlog.Release(partition, origin.Sender, size);
                results[index] = SinkResult.BrokerUnavailable;
            }
        }

        inner.ThrowIfRefused(deliveries);
        return results;
    }
}
