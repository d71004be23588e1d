using System.Collections.Frozen;

namespace RiskWatch.Ml.Text;

/// <summary>
/// A fixed list of words, looked up at a position of a text without allocating: the words are grouped
/// by their first character, longest first, so a lookup costs one dictionary probe and a few
/// comparisons. Chinese words compare exactly; English words (<see cref="Contains"/>) ignore case.
/// </summary>
internal sealed class Lexicon
{
    private readonly FrozenDictionary<char, string[]> byFirst;
    private readonly FrozenSet<string> whole;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> wholeLookup;
    private readonly int maxLength;

    public Lexicon(params string[] words)
    {
        ArgumentNullException.ThrowIfNull(words);
        byFirst = words
            .Where(w => w.Length > 0)
            .GroupBy(w => char.ToLowerInvariant(w[0]))
            .ToFrozenDictionary(g => g.Key, g => g.Distinct(StringComparer.Ordinal).OrderByDescending(w => w.Length).ToArray());
        whole = words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        wholeLookup = whole.GetAlternateLookup<ReadOnlySpan<char>>();
        maxLength = words.Length == 0 ? 0 : words.Max(w => w.Length);
    }

    /// <summary>Length of the longest word that <paramref name="text"/> starts with, or 0.</summary>
    public int LongestAt(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || !byFirst.TryGetValue(text[0], out var candidates))
        {
            return 0;
        }

        foreach (var w in candidates)
        {
            if (text.StartsWith(w, StringComparison.Ordinal))
            {
                return w.Length;
            }
        }

        return 0;
    }

    public bool StartsAt(ReadOnlySpan<char> text) => LongestAt(text) > 0;

    /// <summary>Whether <paramref name="text"/> ends with one of the words.</summary>
    public bool EndsIn(ReadOnlySpan<char> text)
    {
        for (var k = Math.Max(0, text.Length - maxLength); k < text.Length; k++)
        {
            if (!byFirst.TryGetValue(text[k], out var candidates))
            {
                continue;
            }

            foreach (var w in candidates)
            {
                if (w.Length == text.Length - k && text[k..].SequenceEqual(w))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether some word occurs anywhere in <paramref name="text"/>.</summary>
    public bool Occurs(ReadOnlySpan<char> text)
    {
        for (var k = 0; k < text.Length; k++)
        {
            if (byFirst.ContainsKey(text[k]) && LongestAt(text[k..]) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="word"/> is one of the words, ignoring case (for English tokens).</summary>
    public bool Contains(ReadOnlySpan<char> word) => wholeLookup.Contains(word);
}
