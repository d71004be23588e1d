using System.Buffers.Binary;
using System.Text;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// The partition a keyed message goes to, as the producer's partitioner (<c>murmur2_random</c>, the Java client's
/// default) picks it: murmur2 of the key's UTF-8 bytes, sign bit cleared, modulo the partition count. Knowing it
/// before producing lets intake account for a partition before the broker has the message.
/// </summary>
public static class KafkaPartitioner
{
    public static int For(string key, int partitions)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)((Murmur2(Encoding.UTF8.GetBytes(key)) & 0x7fffffff) % (uint)partitions);
    }

    /// <summary>Kafka's murmur2 (seed 0x9747b28c), the same in librdkafka and the Java client.</summary>
    private static uint Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var h = 0x9747b28c ^ (uint)data.Length;
        var tail = data.Length & ~3;
        for (var i = 0; i < tail; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        switch (data.Length & 3)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
    }
}
