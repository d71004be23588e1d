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
    public async Task<SinkResult> SendAsync(string incidentKey, byte[] report, ReportOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var partition = KafkaPartitioner.For(incidentKey, kafka.ReportsPartitions);
        var size = PartitionBacklog.SizeOf(incidentKey, report);
        // Each key (or address) has its share of the partition: one sender cannot fill it for everyone (issue 14, finding 8).
        if (!backlog.TryReserve(partition, origin.Sender, size))
        {
            return SinkResult.Full;
        }

        try
        {
            if (await inner.SendAndLocateAsync(incidentKey, report, origin, cancellationToken) is { } written)
            {
                backlog.Written(partition, written.Partition.Value, origin.Sender, written.Offset.Value, size);
                return SinkResult.Delivered;
            }
        }
        catch
        {
            backlog.Release(partition, origin.Sender, size);
            throw;
        }

        // It may still reach the broker after the wait gave up; the limit's margin below what the broker keeps covers
        // such stragglers.
        backlog.Release(partition, origin.Sender, size);
        return SinkResult.BrokerUnavailable;
    }
}
