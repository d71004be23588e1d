using System.Numerics;

namespace RiskWatch.Ml.Text;

/// <summary>
/// A word → frequency table for jieba's dictionary and its prefixes (about 500,000 keys), looked up by span. The keys
/// live in one character array and the table is open addressing over integer arrays: about 12 MB, filled line by line
/// as the dictionary is read, where a <c>FrozenDictionary&lt;string, int&gt;</c> built from a <c>Dictionary</c> held
/// about 46 MB of strings and entries in every process that scores (ml/README.md, "Scoring speed").
/// </summary>
internal sealed class WordTable
{
    private char[] characters = new char[1 << 16];
    private int[] starts = new int[1 << 12];
    private byte[] lengths = new byte[1 << 12];
    private int[] frequencies = new int[1 << 12];
    private int used;

    // Slot → entry index + 1 (0: empty); a power of two, kept at most half full.
    private int[] slots = new int[1 << 13];

    public int Count { get; private set; }

    /// <summary>The frequencies of all entries, words and prefixes (0) alike.</summary>
    public ReadOnlySpan<int> Frequencies => this.frequencies.AsSpan(0, Count);

    public bool TryGetValue(ReadOnlySpan<char> word, out int frequency)
    {
        var entry = Find(word, out _);
        frequency = entry < 0 ? 0 : this.frequencies[entry];
        return entry >= 0;
    }

    /// <summary>Sets <paramref name="word"/>'s frequency, adding it if missing.</summary>
    public void Set(ReadOnlySpan<char> word, int frequency)
    {
        var entry = Find(word, out var slot);
        if (entry >= 0)
        {
            this.frequencies[entry] = frequency;
        }
        else
        {
            Add(word, frequency, slot);
        }
    }

    /// <summary>Adds <paramref name="word"/> with <paramref name="frequency"/> unless it is there already.</summary>
    public void AddIfMissing(ReadOnlySpan<char> word, int frequency)
    {
        if (Find(word, out var slot) < 0)
        {
            Add(word, frequency, slot);
        }
    }

    /// <summary>The entry holding <paramref name="word"/>, or -1 and the empty slot where it would go.</summary>
    private int Find(ReadOnlySpan<char> word, out int slot)
    {
        var mask = this.slots.Length - 1;
        for (slot = (int)Hash(word) & mask; this.slots[slot] != 0; slot = (slot + 1) & mask)
        {
            var entry = this.slots[slot] - 1;
            if (this.lengths[entry] == word.Length && this.characters.AsSpan(this.starts[entry], word.Length).SequenceEqual(word))
            {
                return entry;
            }
        }

        return -1;
    }

    private void Add(ReadOnlySpan<char> word, int frequency, int slot)
    {
        if (word.IsEmpty || word.Length > byte.MaxValue)
        {
            throw new ArgumentException($"A word must have 1 to {byte.MaxValue} characters: '{word}'.", nameof(word));
        }

        if (this.used + word.Length > this.characters.Length)
        {
            Array.Resize(ref this.characters, (int)BitOperations.RoundUpToPowerOf2((uint)(this.used + word.Length)));
        }

        if (Count == this.starts.Length)
        {
            Array.Resize(ref this.starts, Count * 2);
            Array.Resize(ref this.lengths, Count * 2);
            Array.Resize(ref this.frequencies, Count * 2);
        }

        word.CopyTo(this.characters.AsSpan(this.used));
        this.starts[Count] = this.used;
        this.lengths[Count] = (byte)word.Length;
        this.frequencies[Count] = frequency;
        this.used += word.Length;
        this.slots[slot] = ++Count;
        if (Count * 2 > this.slots.Length)
        {
            Rehash();
        }
    }

    private void Rehash()
    {
        this.slots = new int[this.slots.Length * 2];
        var mask = this.slots.Length - 1;
        for (var entry = 0; entry < Count; entry++)
        {
            var slot = (int)Hash(this.characters.AsSpan(this.starts[entry], this.lengths[entry])) & mask;
            while (this.slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            this.slots[slot] = entry + 1;
        }
    }

    // The runtime's string hash (randomised per process, which suits a table built in the process that reads it).
    private static uint Hash(ReadOnlySpan<char> word) => (uint)string.GetHashCode(word);
}
