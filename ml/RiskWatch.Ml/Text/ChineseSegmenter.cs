using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;

namespace RiskWatch.Ml.Text;

/// <summary>
/// Chinese word segmentation by jieba's algorithm on jieba's dictionary (jieba.NET's <c>dict.txt</c>, embedded): every
/// dictionary word that starts at each character forms a graph, and the path through a run of ideographs with the
/// highest product of word probabilities is its segmentation (jieba's "accurate mode" without the HMM for unknown words,
/// which leaves them as single characters). The same words as <c>JiebaSegmenter.Cut(run, hmm: false)</c> for every run of the
/// written corpus (<c>ChineseSegmenterTests</c>); written here because jieba.NET cuts about 20,000 short texts a second, and scoring needs several
/// times that.
/// </summary>
/// <remarks>Thread-safe: the dictionary is read-only, and each call keeps its state on the stack or in its own arrays.</remarks>
public sealed class ChineseSegmenter
{
    /// <summary>Longest run segmented as a whole; a longer run (rare: punctuation usually breaks text) is cut in pieces.</summary>
    private const int MaxRun = 256;

    private static readonly Lazy<ChineseSegmenter> Shared = new(() => new ChineseSegmenter(ReadEmbeddedDictionary()));

    /// <summary>Word → frequency; a prefix of a word that is not a word itself maps to 0 (jieba's prefix dictionary).</summary>
    private readonly PackedWordTable words;
    private readonly double logTotal;

    private ChineseSegmenter(WordTable dictionary)
    {
        words = dictionary.Pack();
        long total = 0;
        foreach (var freq in dictionary.Frequencies)
        {
            total += freq;
            WordCount += freq > 0 ? 1 : 0;
        }

        logTotal = Math.Log(total);
    }

    /// <summary>The segmenter on jieba's dictionary, loaded once per process (about 350,000 words).</summary>
    public static ChineseSegmenter Default => Shared.Value;

    public int WordCount { get; }

    /// <summary>Is <paramref name="c"/> an ideograph jieba segments (its "Han" class, U+4E00 to U+9FD5)?</summary>
    public static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FD5';

    /// <summary>
    /// Calls <paramref name="word"/> with the start and length of each word of every run of ideographs in
    /// <paramref name="text"/>, in order; text between runs (Latin, digits, punctuation, spaces) is not reported.
    /// </summary>
    // The scratch arrays are written before they are read: zeroing their 2.5 KB on every call was for nothing (with the
    // two other scratch buffers of the hot path, a report's grading 8% faster: ml/README.md "Scoring speed").
    [SkipLocalsInit]
    public void Segment<TState>(ReadOnlySpan<char> text, ref TState state, WordHandler<TState> word)
        where TState : allows ref struct
    {
        Span<double> best = stackalloc double[MaxRun + 1];
        Span<short> length = stackalloc short[MaxRun];
        var i = 0;
        while (i < text.Length)
        {
            if (!IsHan(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsHan(text[i]) && i - start < MaxRun)
            {
                i++;
            }

            SegmentRun(text[start..i], start, best, length, ref state, word);
        }
    }

    /// <summary>The words of <paramref name="text"/>'s ideograph runs, as strings (tests and explanations).</summary>
    public IReadOnlyList<string> Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<string>();
        var state = new CutState(text, list);
        Segment(text, ref state, static (ref CutState s, int start, int count) => s.Words.Add(s.Text.Substring(start, count)));
        return list;
    }

    public delegate void WordHandler<TState>(ref TState state, int start, int length)
        where TState : allows ref struct;

    private void SegmentRun<TState>(
        ReadOnlySpan<char> run, int offset, scoped Span<double> best, scoped Span<short> length, ref TState state, WordHandler<TState> word)
        where TState : allows ref struct
    {
        var n = run.Length;
        foreach (var c in run)
        {
            words.Prefetch(PackedWordTable.Root, c);
        }

        best[n] = 0;
        // From the end backwards: the best path from i is the best of (word i..j) + best path from j+1, over the words
        // starting at i; ties go to the shortest word, as in jieba.NET (its candidate is replaced only when strictly better).
        for (var i = n - 1; i >= 0; i--)
        {
            var bestScore = double.MinValue;
            var bestLength = 1;
            var any = false;
            var node = PackedWordTable.Root;
            for (var j = i; j < n; j++)
            {
                node = words.Child(node, run[j], out var freq);
                if (node < 0)
                {
                    break; // not even a prefix of a word: no longer word starts here
                }

                if (freq <= 0)
                {
                    continue; // only a prefix
                }

                any = true;
                var score = Math.Log(freq) - logTotal + best[j + 1];
                if (score > bestScore)
                {
                    bestScore = score;
                    bestLength = j - i + 1;
                }
            }

            if (!any)
            {
                // No word starts here: the character alone, with jieba's default frequency of 1.
                bestScore = -logTotal + best[i + 1];
                bestLength = 1;
            }

            best[i] = bestScore;
            length[i] = (short)bestLength;
        }

        for (var i = 0; i < n; i += length[i])
        {
            word(ref state, offset + i, length[i]);
        }
    }

    private static WordTable ReadEmbeddedDictionary()
    {
        using var stream = typeof(ChineseSegmenter).Assembly.GetManifestResourceStream("Text.jieba-dict.txt")
            ?? throw new InvalidOperationException("The embedded jieba dictionary (Text.jieba-dict.txt) is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader);
    }

    /// <summary>Reads jieba's dictionary format: a line per word, "word frequency [tag]" separated by spaces or tabs.</summary>
    internal static WordTable Parse(TextReader reader)
    {
        var dictionary = new WordTable();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split([' ', '\t'], 3);
            if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var freq))
            {
                continue;
            }

            var wordText = parts[0];
            // A later line for the same word wins, as in jieba.NET; every prefix is known, as a word or as a prefix (0).
            dictionary.Set(wordText, freq);
        }

        return dictionary;
    }

    private readonly ref struct CutState(string text, List<string> words)
    {
        public string Text { get; } = text;

        public List<string> Words { get; } = words;
    }
}
