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
    public async Task<SinkResult> SendAsync(string incidentKey, byte[] report, IntakeChannel channel, CancellationToken cancellationToken)
    {
        var partition = KafkaPartitioner.For(incidentKey, kafka.ReportsPartitions);
        var size = PartitionBacklog.SizeOf(incidentKey, report);
        if (!backlog.TryReserve(partition, size))
        {
            return SinkResult.Full;
        }

        try
        {
            if (await inner.SendAndLocateAsync(incidentKey, report, channel, cancellationToken) is { } written)
            {
                backlog.Written(partition, written.Partition.Value, written.Offset.Value, size);
                return SinkResult.Delivered;
            }
        }
        catch
        {
            backlog.Release(partition, size);
            throw;
        }

        // It may still reach the broker after the wait gave up; the limit's margin below what the broker keeps covers
        // such stragglers.
        backlog.Release(partition, size);
        return SinkResult.BrokerUnavailable;
    }
}
