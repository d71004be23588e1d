using System.Text;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// Bytes written to each partition of a topic that its consumer has not yet committed past, counting messages still on
/// their way to the broker. A producer that must not let a partition's unconsumed part grow beyond what the broker keeps
/// asks <see cref="TryReserve"/> before each message: librdkafka's in-memory broker (the embedded mode) keeps only the
/// newest 5 MiB of a partition and drops older messages whether or not anyone has read them.
/// </summary>
/// <param name="limitBytes">Most unconsumed bytes in one partition; 0 means no limit (and no bookkeeping).</param>
public sealed class PartitionBacklog(long limitBytes)
{
    /// <summary>Added to each message's key and value: a one-record batch's header, the record's and a few short message
    /// headers, with room to spare, so the count is never less than what the broker stores, compressed or not.</summary>
    public const int MessageOverheadBytes = 256;

    private readonly Lock gate = new();
    private readonly Dictionary<int, Partition> partitions = [];

    public bool Enabled => limitBytes > 0;

    /// <summary>The bytes a message counts for: what the broker can store for it at most.</summary>
    public static long SizeOf(string key, ReadOnlySpan<byte> value) => Encoding.UTF8.GetByteCount(key) + value.Length + MessageOverheadBytes;

    /// <summary>Reserves room for a message about to go to <paramref name="partition"/>; false when it would not fit.</summary>
    public bool TryReserve(int partition, long bytes)
    {
        if (!Enabled)
        {
            return true;
        }

        lock (gate)
        {
            var backlog = Get(partition);
            if (backlog.Bytes + bytes > limitBytes)
            {
                return false;
            }

            backlog.Reserved += bytes;
            return true;
        }
    }

    /// <summary>A reserved message was not written after all (the broker refused it or did not answer).</summary>
    public void Release(int partition, long bytes)
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            Get(partition).Reserved -= bytes;
        }
    }

    /// <summary>A reserved message is in the broker: it counts until the consumer commits past its offset.</summary>
    /// <param name="reservedFor">The partition it was reserved for.</param>
    /// <param name="writtenTo">The partition the broker put it in (the same, unless the partition count changed).</param>
    public void Written(int reservedFor, int writtenTo, long offset, long bytes)
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            Get(reservedFor).Reserved -= bytes;
            var backlog = Get(writtenTo);
            if (offset >= backlog.ConsumedUpTo)
            {
                backlog.Written.Enqueue(bytes, offset);
                backlog.WrittenBytes += bytes;
            }
        }
    }

    /// <summary>The consumer committed: everything before each partition's next offset is off the backlog.</summary>
    public void Consumed(IReadOnlyDictionary<int, long> nextOffsets)
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            foreach (var (partition, next) in nextOffsets)
            {
                var backlog = Get(partition);
                backlog.ConsumedUpTo = Math.Max(backlog.ConsumedUpTo, next);
                while (backlog.Written.TryPeek(out var bytes, out var offset) && offset < backlog.ConsumedUpTo)
                {
                    backlog.Written.Dequeue();
                    backlog.WrittenBytes -= bytes;
                }
            }
        }
    }

    /// <summary>Unconsumed bytes of a partition, reserved or written.</summary>
    public long BytesIn(int partition)
    {
        lock (gate)
        {
            return partitions.TryGetValue(partition, out var backlog) ? backlog.Bytes : 0;
        }
    }

    private Partition Get(int partition)
    {
        if (!partitions.TryGetValue(partition, out var backlog))
        {
            partitions[partition] = backlog = new Partition();
        }

        return backlog;
    }

    private sealed class Partition
    {
        /// <summary>Written messages by offset (deliveries of one partition may be reported out of order).</summary>
        public PriorityQueue<long, long> Written { get; } = new();

        public long WrittenBytes { get; set; }

        public long Reserved { get; set; }

        public long ConsumedUpTo { get; set; }

        public long Bytes => WrittenBytes + Reserved;
    }
}
