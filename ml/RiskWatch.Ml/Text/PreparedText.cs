namespace RiskWatch.Ml.Text;

/// <summary>
/// A report's text prepared once for every extractor: full-width forms folded
/// (<see cref="TextNumberExtractor.Normalize"/>), its case-folded copy for the keyword prefilters
/// (<see cref="RegexPrefilter.Fold(string)"/>), and whether it holds any Chinese ideograph or ASCII
/// letter (patterns that need one are skipped on texts without).
/// </summary>
public sealed class PreparedText
{
    private PreparedText(string normalized)
    {
        Text = normalized;
        Folded = normalized.AsSpan().IndexOfAnyInRange('A', 'Z') < 0 && !normalized.Contains('\u212A', StringComparison.Ordinal)
            ? normalized // nothing to fold: no copy
            : RegexPrefilter.Fold(normalized);
        HasIdeograph = normalized.AsSpan().IndexOfAnyInRange('\u4e00', '\u9fff') >= 0;

        // Folded, so this is exactly "holds a character that an ignore-case [a-z] matches" (A-Z, a-z, U+212A).
        HasAsciiLetter = Folded.AsSpan().IndexOfAnyInRange('a', 'z') >= 0;
    }

    /// <summary>The text after <see cref="TextNumberExtractor.Normalize"/>: what the patterns run on.</summary>
    public string Text { get; }

    public string Folded { get; }

    public bool HasIdeograph { get; }

    public bool HasAsciiLetter { get; }

    public static PreparedText Of(string text) => FromNormalized(TextNumberExtractor.Normalize(text));

    public static PreparedText FromNormalized(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return new PreparedText(normalized);
    }
}
