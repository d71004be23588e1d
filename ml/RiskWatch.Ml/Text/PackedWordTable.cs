using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace RiskWatch.Ml.Text;

/// <summary>
/// A <see cref="WordTable"/> packed for reading: an edge is one 8-byte word (parent node, character, frequency; eight to
/// a cache line) and a node's id is one more than the slot of the edge that reaches it, so no field names the child.
/// jieba's dictionary takes 8 MB instead of 16. The segmenter's probes are mostly cache misses, and while grading they
/// share the cache with the weight table (<c>Model.SlotWeights</c>): a smaller table is a faster one
/// (ml/README.md, "Scoring speed"). Read-only: safe from many threads.
/// </summary>
internal sealed class PackedWordTable
{
    /// <summary>The node of the empty word, where every walk starts.</summary>
    public const int Root = 0;

    private const int FrequencyBits = 24;
    private const int CharacterShift = FrequencyBits;
    private const int ParentShift = CharacterShift + 16;
    private const int ParentBits = 23;
    private const ulong Occupied = 1UL << 63;
    private const ulong FrequencyMask = (1UL << FrequencyBits) - 1;

    /// <summary>The largest frequency an edge holds (jieba's largest is 883,634).</summary>
    public const int MaxFrequency = (1 << FrequencyBits) - 1;

    // Kept at most half full, so a probe rarely reads past its first slot.
    private readonly ulong[] entries;
    private readonly int mask;

    /// <param name="nodes">How many nodes (words and prefixes, not the root) will be added.</param>
    public PackedWordTable(int nodes)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, nodes * 2));
        if (size >= 1 << ParentBits)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, $"A packed word table holds at most {(1 << (ParentBits - 2)):N0} words and prefixes.");
        }

        this.entries = new ulong[size];
        this.mask = size - 1;
    }

    /// <summary>Adds the edge from <paramref name="parent"/> by <paramref name="c"/> and returns the node it reaches; a parent is added before its children.</summary>
    public int Add(int parent, char c, int frequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frequency, MaxFrequency);
        var key = Key(parent, c);
        var slot = Start(parent, c);
        while (this.entries[slot] != 0)
        {
            if ((this.entries[slot] & ~FrequencyMask) == key)
            {
                throw new InvalidOperationException($"The edge from node {parent} by '{c}' is already in the table.");
            }

            slot = (slot + 1) & this.mask;
        }

        this.entries[slot] = key | (uint)frequency;
        return slot + 1;
    }

    /// <summary>The node reached from <paramref name="node"/> by <paramref name="c"/> and its frequency (0 for a prefix), or -1 when no word continues so.</summary>
    public int Child(int node, char c, out int frequency)
    {
        var key = Key(node, c);
        var slot = Start(node, c);
        while (true)
        {
            var entry = this.entries[slot];
            if ((entry & ~FrequencyMask) == key)
            {
                frequency = (int)(entry & FrequencyMask);
                return slot + 1;
            }

            if (entry == 0)
            {
                frequency = 0;
                return -1;
            }

            slot = (slot + 1) & this.mask;
        }
    }

    /// <summary>Asks the processor to fetch the slot where the edge from <paramref name="node"/> by <paramref name="c"/> would be, without waiting.</summary>
    public unsafe void Prefetch(int node, char c)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(this.entries), Start(node, c))));
        }
    }

    /// <summary>Whether <paramref name="word"/> is a word or a prefix of one, and its frequency (0 for a prefix).</summary>
    public bool TryGetValue(ReadOnlySpan<char> word, out int frequency)
    {
        frequency = 0;
        var node = Root;
        foreach (var c in word)
        {
            node = Child(node, c, out frequency);
            if (node < 0)
            {
                return false;
            }
        }

        return node != Root;
    }

    private static ulong Key(int parent, char c) => Occupied | ((ulong)(uint)parent << ParentShift) | ((ulong)c << CharacterShift);

    private int Start(int parent, char c) => (int)((((ulong)(uint)parent << 16) | c) * 0x9E3779B97F4A7C15UL >> 32) & this.mask;
}
