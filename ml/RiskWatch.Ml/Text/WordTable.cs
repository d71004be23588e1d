using System.Runtime.InteropServices;

namespace RiskWatch.Ml.Text;

/// <summary>
/// jieba's dictionary as a prefix tree (about 500,000 nodes: the words and every prefix of them) whose edges live in one
/// open-addressing table keyed by (parent node, character), as it is read; <see cref="Pack"/> makes the table the
/// segmenter walks a character at a time from each position: extending a candidate word by one character is one probe,
/// usually one cache line, where a table of whole words hashed every prefix again and read four arrays to compare it
/// (ml/README.md, "Scoring speed").
/// </summary>
internal sealed class WordTable
{
    /// <summary>The node of the empty word, where every walk starts.</summary>
    public const int Root = 0;

    // Kept at most half full, so a probe rarely reads past its first slot.
    private Edge[] edges = new Edge[1 << 12];

    /// <summary>How many words and prefixes (nodes other than the root) the table holds.</summary>
    public int Count { get; private set; }

    /// <summary>The frequencies of all words and prefixes (0), in no particular order.</summary>
    public IEnumerable<int> Frequencies => this.edges.Where(e => e.Child != 0).Select(e => e.Frequency);

    /// <summary>
    /// The table packed for reading (<see cref="PackedWordTable"/>): every node added after its parent, which holds
    /// because a node's id here is the order it was added in, and <see cref="Set"/> adds a word's prefixes first.
    /// </summary>
    public PackedWordTable Pack()
    {
        var byNode = new Edge[Count + 1];
        foreach (var edge in this.edges)
        {
            if (edge.Child != 0)
            {
                byNode[edge.Child] = edge;
            }
        }

        var packed = new PackedWordTable(Count);
        var packedNode = new int[Count + 1]; // the root (0) stays the root
        for (var node = 1; node <= Count; node++)
        {
            var edge = byNode[node];
            packedNode[node] = packed.Add(packedNode[edge.Parent], edge.Character, edge.Frequency);
        }

        return packed;
    }

    /// <summary>Sets <paramref name="word"/>'s frequency, adding it and any missing prefix (at 0).</summary>
    public void Set(ReadOnlySpan<char> word, int frequency)
    {
        if (word.IsEmpty)
        {
            throw new ArgumentException("A word has at least one character.", nameof(word));
        }

        var node = Root;
        for (var i = 0; i < word.Length - 1; i++)
        {
            // Two statements: SlotOrAdd may replace the array as it grows.
            var slot = SlotOrAdd(node, word[i]);
            node = this.edges[slot].Child;
        }

        var last = SlotOrAdd(node, word[^1]);
        this.edges[last].Frequency = frequency;

    }

    /// <summary>The slot of the edge (node, c), added (frequency 0) when missing.</summary>
    private int SlotOrAdd(int node, char c)
    {
        var slot = Find(this.edges, node, c);
        if (this.edges[slot].Child != 0)
        {
            return slot;
        }

        this.edges[slot] = new Edge { Parent = node, Character = c, Child = ++Count };
        if (Count * 2 <= this.edges.Length)
        {
            return slot;
        }

        Grow();
        return Find(this.edges, node, c);
    }

    /// <summary>The slot of the edge (parent, c), or the empty slot where it would go.</summary>
    private static int Find(Edge[] table, int parent, char c)
    {
        var mask = table.Length - 1;
        var slot = (int)((((ulong)(uint)parent << 16) | c) * 0x9E3779B97F4A7C15UL >> 32) & mask;
        while (table[slot].Child != 0 && (table[slot].Parent != parent || table[slot].Character != c))
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var grown = new Edge[this.edges.Length * 2];
        foreach (var edge in this.edges)
        {
            if (edge.Child != 0)
            {
                grown[Find(grown, edge.Parent, edge.Character)] = edge;
            }
        }

        this.edges = grown;
    }

    /// <summary>One edge of the tree, 16 bytes (four to a cache line); Child 0 marks an empty slot (the root is no one's child).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Edge
    {
        public int Parent;
        public char Character;
        public int Child;
        public int Frequency;
    }
}
