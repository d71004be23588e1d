using System.Text;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// Bytes written to each partition of a topic that its consumer has not yet committed past, counting messages still on
/// their way to the broker. A producer that must not let a partition's unconsumed part grow beyond what the broker keeps
/// asks <see cref="TryReserve"/> before each message: librdkafka's in-memory broker (the embedded mode) keeps only the
/// newest 5 MiB of a partition and drops older messages whether or not anyone has read them.
/// </summary>
/// <remarks>
/// The room is shared fairly (issue 14, finding 8: four batches of one platform key filled a partition in 0.16 s and an
/// informant's report to it got 503). Each sender (an API key, or a client address without one) holding more than a
/// sixteenth of the limit may fill the partition only up to three quarters; the last quarter is for senders holding
/// little. However many reports one key (or a few) sends while Scoring is behind, an informant's report still gets in.
/// </remarks>
/// <param name="limitBytes">Most unconsumed bytes in one partition; 0 means no limit (and no bookkeeping).</param>
public sealed class PartitionBacklog(long limitBytes)
{
    /// <summary>Added to each message's key and value: a one-record batch's header, the record's and a few short message
    /// headers, with room to spare, so the count is never less than what the broker stores, compressed or not.</summary>
    public const int MessageOverheadBytes = 256;

    private readonly Lock gate = new();
    private readonly Dictionary<int, Partition> partitions = [];

    public bool Enabled => limitBytes > 0;

    /// <summary>What a sender may hold of a partition and still use all of it.</summary>
    public long SmallShare => limitBytes / 16;

    /// <summary>What senders holding more than <see cref="SmallShare"/> leave free for the others.</summary>
    public long Reserve => limitBytes / 4;

    /// <summary>The bytes a message counts for: what the broker can store for it at most.</summary>
    public static long SizeOf(string key, ReadOnlySpan<byte> value) => Encoding.UTF8.GetByteCount(key) + value.Length + MessageOverheadBytes;

    /// <summary>
    /// Reserves room for <paramref name="sender"/>'s message about to go to <paramref name="partition"/>; false when it would
    /// not fit, or when the sender already holds more than its small share and would eat into the room kept for others.
    /// </summary>
    public bool TryReserve(int partition, string sender, long bytes)
    {
        if (!Enabled)
        {
            return true;
        }

        lock (gate)
        {
            var backlog = Get(partition);
            var held = backlog.HeldBy.GetValueOrDefault(sender);
            var after = backlog.Bytes + bytes;
            if (after > limitBytes || (held + bytes > SmallShare && after > limitBytes - Reserve))
            {
                return false;
            }

            backlog.Reserved += bytes;
            backlog.HeldBy[sender] = held + bytes;
            return true;
        }
    }

    /// <summary>A reserved message was not written after all (the broker refused it or did not answer).</summary>
    public void Release(int partition, string sender, long bytes)
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            var backlog = Get(partition);
            backlog.Reserved -= bytes;
            backlog.Free(sender, bytes);
        }
    }

    /// <summary>A reserved message is in the broker: it counts until the consumer commits past its offset.</summary>
    /// <param name="reservedFor">The partition it was reserved for.</param>
    /// <param name="writtenTo">The partition the broker put it in (the same, unless the partition count changed).</param>
    public void Written(int reservedFor, int writtenTo, string sender, long offset, long bytes)
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            var reserved = Get(reservedFor);
            reserved.Reserved -= bytes;
            reserved.Free(sender, bytes);
            var backlog = Get(writtenTo);
            if (offset >= backlog.ConsumedUpTo)
            {
                backlog.Written.Enqueue((bytes, sender), offset);
                backlog.WrittenBytes += bytes;
                backlog.HeldBy[sender] = backlog.HeldBy.GetValueOrDefault(sender) + bytes;
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
                while (backlog.Written.TryPeek(out var message, out var offset) && offset < backlog.ConsumedUpTo)
                {
                    backlog.Written.Dequeue();
                    backlog.WrittenBytes -= message.Bytes;
                    backlog.Free(message.Sender, message.Bytes);
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

    /// <summary>Unconsumed bytes of a partition that one sender's messages take, reserved or written.</summary>
    public long BytesOf(int partition, string sender)
    {
        lock (gate)
        {
            return partitions.TryGetValue(partition, out var backlog) ? backlog.HeldBy.GetValueOrDefault(sender) : 0;
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
        /// <summary>Written messages by offset (deliveries of one partition may be reported out of order), with their sender.</summary>
        public PriorityQueue<(long Bytes, string Sender), long> Written { get; } = new();

        /// <summary>Bytes each sender holds here, reserved or written.</summary>
        public Dictionary<string, long> HeldBy { get; } = new(StringComparer.Ordinal);

        public long WrittenBytes { get; set; }

        public long Reserved { get; set; }

        public long ConsumedUpTo { get; set; }

        public long Bytes => WrittenBytes + Reserved;

        public void Free(string sender, long bytes)
        {
            var left = HeldBy.GetValueOrDefault(sender) - bytes;
            if (left > 0)
            {
                HeldBy[sender] = left;
            }
            else
            {
                HeldBy.Remove(sender);
            }
        }
    }
}
