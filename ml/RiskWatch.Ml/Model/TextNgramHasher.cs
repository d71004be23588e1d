using System.Runtime.CompilerServices;
using System.Text;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Model;

/// <summary>
/// The text part of the feature vector: character 1-3-grams and word 1-2-grams (and the stems of Latin words) of the
/// normalised text, counted, each family scaled to unit L2 norm, and hashed into <see cref="Slots"/> slots. Words are
/// runs of Latin letters and digits and, in runs of Chinese ideographs, the words jieba's algorithm finds
/// (<see cref="ChineseSegmenter"/>), so 拖欠 and 工资 are features beside their characters.
/// It computes the same kind of features ML.NET's FeaturizeText gave this model (the whole text as
/// one character sequence between a start and an end marker, words split on spaces, raw counts,
/// char and word vectors normalised separately) without its dictionary, strings or per-row
/// allocations: a report costs a few microseconds instead of about thirty.
/// <para>
/// Hashing instead of a dictionary: the training corpus has about 47,000 distinct n-grams
/// (34,000 char, 13,000 word). With 2^18 slots about 1 n-gram in 6 shares its slot with another;
/// almost all of those partners are rare n-grams, and a linear model learns the sum of what the
/// sharers say, which costs nothing measurable here (see ml/README.md for the figures against the
/// dictionary featuriser). 2^18 also keeps the linear model's dense weights at 5 × 1 MB and the
/// tree trainers' feature count near the dictionary's. The hash is a fixed FNV-1a + murmur
/// finaliser, so slots do not depend on the process (string.GetHashCode does).
/// </para>
/// Not thread-safe: each worker owns one.
/// </summary>
public sealed class TextNgramHasher
{
    public const int Bits = 18;
    public const int Slots = 1 << Bits;
    private const int SlotMask = Slots - 1;

    // The markers ML.NET's character tokenizer puts around the text, so that "starts with" and
    // "ends with" n-grams (<start>停工) are features of their own.
    private const char StartMarker = '\u0002';
    private const char EndMarker = '\u0003';

    // One seed per n-gram kind: the character "a", the word "a" and the bigram "a b" are different features.
    private const uint CharSeed1 = 0x9E3779B1;
    private const uint CharSeed2 = 0x85EBCA77;
    private const uint CharSeed3 = 0xC2B2AE3D;
    private const uint WordSeed1 = 0x27D4EB2F;
    private const uint WordSeed2 = 0x165667B1;
    private const uint WordSeed3 = 0xD3A2646C;
    private const uint FnvPrime = 0x01000193;

    // Longest text ever featurised in full; the contract caps report text well below this.
    private const int MaxChars = 1 << 15;

    private char[] text = new char[256];
    private int[] keys = new int[1024];
    private int[] sortScratch = new int[1024];
    private int[] indices = new int[512];
    private float[] values = new float[512];

    /// <summary>Slot indices (ascending) and values of the last <see cref="Featurise"/> call.</summary>
    public ReadOnlySpan<int> Indices => this.indices.AsSpan(0, Count);

    public ReadOnlySpan<float> Values => this.values.AsSpan(0, Count);

    public int Count { get; private set; }

    /// <summary>
    /// Lower case, every ASCII digit as 0 (the magnitude's shape stays, "000人", while exact values,
    /// which the dense features carry, do not split the n-grams), Latin diacritics dropped, as
    /// ML.NET's text normaliser did. Takes text already passed through TextNumberExtractor.Normalize.
    /// </summary>
    public static char Fold(char c) =>
        char.IsAsciiDigit(c) ? '0'
        : c < 0x80 ? (char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c)
        : c is >= '\u00C0' and <= '\u024F' ? LatinBase[c - 0xC0]
        : c is >= '\u3000' and <= '\u9FFF' ? c // CJK punctuation, kana and ideographs have no case: skip the lookup
        : char.ToLowerInvariant(c);

    /// <summary>The normalised text as the n-grams see it (for tests and explanations).</summary>
    public static string FoldText(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        return string.Create(normalizedText.Length, normalizedText, static (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = Fold(t[i]);
            }
        });
    }

    /// <summary>
    /// Hashes the n-grams of <paramref name="normalizedText"/>; read the result from <see cref="Indices"/>
    /// and <see cref="Values"/>. Slots outside <paramref name="keep"/> (when given) are left out after
    /// the norms are taken, so the values of the kept slots do not change.
    /// </summary>
    public void Featurise(ReadOnlySpan<char> normalizedText, SlotMask? keep = null)
    {
        var length = Math.Min(normalizedText.Length, MaxChars);
        var text = Grow(ref this.text, length + 2);
        text[0] = StartMarker;
        for (var i = 0; i < length; i++)
        {
            text[i + 1] = Fold(normalizedText[i]);
        }

        text[length + 1] = EndMarker;
        var chars = text.AsSpan(0, length + 2);

        // Every n-gram becomes a key (slot << 1 | family, family 0 = char, 1 = word). One radix sort
        // groups equal n-gram slots, which gives the counts, the two families' norms and the
        // ascending slot order ML.NET's sparse vectors need, without a comparison sort (which took
        // most of the time) or a hash table.
        var capacity = 7 * chars.Length;
        var keys = Grow(ref this.keys, capacity);
        var count = CharKeys(chars, keys);
        count += WordKeys(chars[1..^1], keys.AsSpan(count));
        count += ChineseWordKeys(chars[1..^1], keys.AsSpan(count));
        RadixSort(keys.AsSpan(0, count), Grow(ref sortScratch, capacity).AsSpan(0, count));
        Grow(ref this.indices, count);
        Grow(ref this.values, count);
        Count = Emit(keys.AsSpan(0, count), keep, this.indices, this.values);
    }

    /// <summary>
    /// The n-grams of this text by slot, in the words <see cref="RiskModel.Explain"/> prints: a
    /// character n-gram as its characters, a word n-gram as its words. Slots shared by two n-grams of
    /// the same text list both.
    /// </summary>
    public static IReadOnlyDictionary<int, string> Describe(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var folded = StartMarker + FoldText(normalizedText) + EndMarker;
        var names = new Dictionary<int, SortedSet<string>>();
        void Add(int slot, string name)
        {
            if (!names.TryGetValue(slot, out var set))
            {
                names[slot] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add(name);
        }

        for (var i = 0; i < folded.Length; i++)
        {
            for (var n = 1; n <= 3 && i + n <= folded.Length; n++)
            {
                var slot = SlotOfChars(folded.AsSpan(i, n));
                var gram = folded.Substring(i, n).Replace(StartMarker.ToString(), "", StringComparison.Ordinal).Replace(EndMarker.ToString(), "", StringComparison.Ordinal);
                Add(slot, gram.Trim().Length == 0 ? "(space)" : gram.Trim());
            }
        }

        var words = new List<string>();
        var body = folded[1..^1];
        var at = 0;
        while (NextWord(body, ref at) is (var start, var length))
        {
            words.Add(body.Substring(start, length));
        }

        for (var i = 0; i < words.Count; i++)
        {
            Add(SlotOfWords(words[i]), words[i]);
            Add(SlotOfStem(words[i]), Stem(words[i]).ToString() + "~");
            if (i + 1 < words.Count)
            {
                Add(SlotOfWords(words[i], words[i + 1]), words[i] + " " + words[i + 1]);
            }
        }

        var chinese = ChineseWords(folded[1..^1]);
        for (var i = 0; i < chinese.Count; i++)
        {
            Add(SlotOfWords(chinese[i].Word), chinese[i].Word);
            if (i + 1 < chinese.Count && chinese[i].End == chinese[i + 1].Start)
            {
                Add(SlotOfWords(chinese[i].Word, chinese[i + 1].Word), chinese[i].Word + " " + chinese[i + 1].Word);
            }
        }

        return names.ToDictionary(kv => kv.Key, kv => string.Join(" / ", kv.Value));
    }

    private static int CharKeys(ReadOnlySpan<char> chars, Span<int> keys)
    {
        var count = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            uint c0 = chars[i];
            keys[count++] = Slot((CharSeed1 ^ c0) * FnvPrime) << 1;
            if (i + 1 < chars.Length)
            {
                uint c1 = chars[i + 1];
                keys[count++] = Slot((((CharSeed2 ^ c0) * FnvPrime) ^ c1) * FnvPrime) << 1;
                if (i + 2 < chars.Length)
                {
                    uint c2 = chars[i + 2];
                    keys[count++] = Slot((((((CharSeed3 ^ c0) * FnvPrime) ^ c1) * FnvPrime) ^ c2) * FnvPrime) << 1;
                }
            }
        }

        return count;
    }

    /// <summary>The slot of a character n-gram (1-3 folded characters; the start and end markers are U+0002 and U+0003).</summary>
    public static int SlotOfChars(ReadOnlySpan<char> gram)
    {
        if (gram.Length is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(gram), "Character n-grams have 1 to 3 characters.");
        }

        var h = gram.Length switch { 1 => CharSeed1, 2 => CharSeed2, _ => CharSeed3 };
        foreach (var c in gram)
        {
            h = (h ^ c) * FnvPrime;
        }

        return Slot(h);
    }

    /// <summary>The slot of a word (<paramref name="next"/> empty) or of a word pair, words as runs of folded Latin letters and digits.</summary>
    public static int SlotOfWords(ReadOnlySpan<char> word, ReadOnlySpan<char> next = default) =>
        next.IsEmpty ? WordUnigramSlot(WordHash(word)) : WordBigramSlot(WordHash(word), WordHash(next));

    private static int WordKeys(ReadOnlySpan<char> text, Span<int> keys)
    {
        var count = 0;
        var previous = 0u;
        var havePrevious = false;
        var i = 0;
        while (NextWord(text, ref i) is (var start, var length))
        {
            var word = text.Slice(start, length);
            var h = WordHash(word);
            keys[count++] = (WordUnigramSlot(h) << 1) | 1;
            keys[count++] = (SlotOfStem(word) << 1) | 1;
            if (havePrevious)
            {
                keys[count++] = (WordBigramSlot(previous, h) << 1) | 1;
            }

            previous = h;
            havePrevious = true;
        }

        return count;
    }

    /// <summary>
    /// The next word of Latin letters and digits from <paramref name="i"/> on (an apostrophe inside a word belongs to it:
    /// didn't), or null at the end. Punctuation and ideographs end a word, so "life." and "life" are one word; ideograph
    /// runs have their own words (<see cref="ChineseWordKeys"/>).
    /// </summary>
    private static (int Start, int Length)? NextWord(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && !IsWordChar(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            return null;
        }

        var start = i;
        while (i < text.Length && (IsWordChar(text[i]) || (text[i] == '\'' && i + 1 < text.Length && IsWordChar(text[i + 1]) && i > start)))
        {
            i++;
        }

        return (start, i - start);
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is >= '\u00C0' and <= '\u024F';

    /// <summary>
    /// The slot of a word's stem: the word without one common English ending (killed, kills, killing: kill), so a form
    /// the training reports never used still meets the weight its other forms earned.
    /// </summary>
    public static int SlotOfStem(ReadOnlySpan<char> word) => Slot(WordHash(Stem(word)) ^ WordSeed3);

    /// <summary>
    /// A light English stemmer: one ending off (-ing, -ed, -es after s/x/z/ch/sh, -s, -ly), then a final e, keeping at least
    /// three letters: strike, strikes, striking: strik; killed, kills: kill.
    /// </summary>
    internal static ReadOnlySpan<char> Stem(ReadOnlySpan<char> word)
    {
        var stem = word;
        if (stem.Length >= 6 && stem.EndsWith("ing"))
        {
            stem = stem[..^3];
        }
        else if (stem.Length >= 5 && stem.EndsWith("ed"))
        {
            stem = stem[..^2];
        }
        else if (stem.Length >= 5 && stem.EndsWith("es") && (stem[^3] is 's' or 'x' or 'z' || stem[^4..^2] is "ch" or "sh"))
        {
            stem = stem[..^2];
        }
        else if (stem.Length >= 4 && stem[^1] == 's' && stem[^2] != 's')
        {
            stem = stem[..^1];
        }
        else if (stem.Length >= 5 && stem.EndsWith("ly"))
        {
            stem = stem[..^2];
        }

        return stem.Length >= 4 && stem[^1] == 'e' ? stem[..^1] : stem;
    }

    /// <summary>
    /// Keys of the jieba words of every ideograph run and of each pair of adjacent words (a pair never spans a gap
    /// of other characters), in the word family: 拖欠 from jieba and 拖欠 between spaces are the same feature.
    /// </summary>
    private static int ChineseWordKeys(ReadOnlySpan<char> text, Span<int> keys)
    {
        var state = new ChineseKeys(text, keys);
        ChineseSegmenter.Default.Segment(text, ref state, static (ref ChineseKeys s, int start, int length) =>
        {
            var h = WordHash(s.Text.Slice(start, length));
            s.Keys[s.Count++] = (WordUnigramSlot(h) << 1) | 1;
            if (s.PreviousEnd == start)
            {
                s.Keys[s.Count++] = (WordBigramSlot(s.Previous, h) << 1) | 1;
            }

            s.Previous = h;
            s.PreviousEnd = start + length;
        });
        return state.Count;
    }

    /// <summary>The jieba words of <paramref name="folded"/> with where they start and end (for <see cref="Describe"/>).</summary>
    private static List<(string Word, int Start, int End)> ChineseWords(string folded)
    {
        var list = new List<(string, int, int)>();
        var position = 0;
        foreach (var word in ChineseSegmenter.Default.Cut(folded))
        {
            var start = folded.IndexOf(word, position, StringComparison.Ordinal);
            list.Add((word, start, start + word.Length));
            position = start + word.Length;
        }

        return list;
    }

    private ref struct ChineseKeys(ReadOnlySpan<char> text, Span<int> keys)
    {
        public readonly ReadOnlySpan<char> Text = text;
        public readonly Span<int> Keys = keys;
        public int Count;
        public uint Previous;
        public int PreviousEnd = -1;
    }

    private static uint WordHash(ReadOnlySpan<char> word)
    {
        var h = 0x811C9DC5u;
        foreach (var c in word)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    private static int WordUnigramSlot(uint wordHash) => Slot(wordHash ^ WordSeed1);

    private static int WordBigramSlot(uint first, uint second) => Slot((Finalise(first ^ WordSeed2) * FnvPrime) ^ second);

    private static int Slot(uint h) => (int)(Finalise(h) & SlotMask);

    // Murmur3's finaliser: every input bit reaches every output bit, so the low bits taken as the slot are well mixed.
    private static uint Finalise(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }

    /// <summary>LSD radix sort of non-negative keys below 2^21 in three passes of 7 bits; the result is in <paramref name="keys"/>.</summary>
    [SkipLocalsInit] // the buckets are cleared below: once is enough
    private static void RadixSort(Span<int> keys, Span<int> scratch)
    {
        if (keys.Length < 32)
        {
            keys.Sort();
            return;
        }

        // The three digits' counts in one read of the keys, then each pass only moves keys.
        Span<int> buckets = stackalloc int[3 * 128];
        buckets.Clear();
        foreach (var k in keys)
        {
            buckets[k & 127]++;
            buckets[128 + ((k >> 7) & 127)]++;
            buckets[256 + ((k >> 14) & 127)]++;
        }

        var from = keys;
        var to = scratch;
        for (var digit = 0; digit < 3; digit++)
        {
            var offsets = buckets.Slice(digit * 128, 128);
            var sum = 0;
            for (var b = 0; b < offsets.Length; b++)
            {
                var c = offsets[b];
                offsets[b] = sum;
                sum += c;
            }

            var shift = digit * 7;
            foreach (var k in from)
            {
                to[offsets[(k >> shift) & 127]++] = k;
            }

            var swap = from;
            from = to;
            to = swap;
        }

        // Three passes end in the scratch buffer.
        from.CopyTo(keys);
    }

    /// <summary>
    /// Turns sorted keys into (slot, count / family norm) pairs: runs of one key are one n-gram
    /// slot's count, the families' L2 norms come from those counts, and a char and a word n-gram
    /// in the same slot (adjacent keys) add up.
    /// </summary>
    private static int Emit(ReadOnlySpan<int> sorted, SlotMask? keep, int[] indices, float[] values)
    {
        // First the distinct keys and their counts (in the output arrays, which hold as many), then the values.
        Span<double> squares = stackalloc double[2];
        squares.Clear();
        var distinct = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i + 1;
            while (j < sorted.Length && sorted[j] == sorted[i])
            {
                j++;
            }

            squares[sorted[i] & 1] += (double)(j - i) * (j - i);
            indices[distinct] = sorted[i];
            values[distinct] = j - i;
            distinct++;
            i = j;
        }

        Span<float> inverseNorm = [squares[0] > 0 ? (float)(1 / Math.Sqrt(squares[0])) : 0, squares[1] > 0 ? (float)(1 / Math.Sqrt(squares[1])) : 0];
        var n = 0;
        for (var i = 0; i < distinct; i++)
        {
            var key = indices[i];
            var slot = key >> 1;
            if (keep is not null && !keep.Contains(slot))
            {
                continue;
            }

            var value = values[i] * inverseNorm[key & 1];
            if (n > 0 && indices[n - 1] == slot)
            {
                values[n - 1] += value;
            }
            else
            {
                indices[n] = slot;
                values[n] = value;
                n++;
            }
        }

        return n;
    }

    private static T[] Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }

        return buffer;
    }

    // Base letters of U+00C0..U+024F (é -> e, Ł stays Ł lower-cased), built once from Unicode decomposition.
    private static readonly char[] LatinBase = BuildLatinBase();

    private static char[] BuildLatinBase()
    {
        var table = new char[0x250 - 0xC0];
        for (var c = 0xC0; c < 0x250; c++)
        {
            var lower = char.ToLowerInvariant((char)c);
            var decomposed = lower.ToString().Normalize(NormalizationForm.FormD);
            table[c - 0xC0] = decomposed.Length > 0 && decomposed[0] < 0x80 ? decomposed[0] : lower;
        }

        return table;
    }
}
