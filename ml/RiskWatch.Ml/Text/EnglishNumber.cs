using System.Runtime.CompilerServices;
using System.Globalization;

namespace RiskWatch.Ml.Text;

/// <summary>A word, a number (digits with their commas and point) or one other character of an English text.</summary>
internal readonly record struct Token(int Start, int Length, TokenKind Kind)
{
    public int End => Start + Length;
}

/// <summary>A text with its tokens, and the look-ups the readers make on them.</summary>
internal readonly ref struct TokenList
{
    public TokenList(ReadOnlySpan<char> text, ReadOnlySpan<Token> items)
    {
        Text = text;
        Items = items;
    }

    public ReadOnlySpan<char> Text { get; }

    public ReadOnlySpan<Token> Items { get; }

    public int Count => Items.Length;

    /// <summary>Whether token <paramref name="k"/> (when there is one) is the word <paramref name="word"/>, ignoring case.</summary>
    public bool Is(int k, string word) =>
        (uint)k < (uint)Items.Length && Items[k].Kind == TokenKind.Word && Text.Slice(Items[k].Start, Items[k].Length).Equals(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The word at token <paramref name="k"/>, or empty.</summary>
    public ReadOnlySpan<char> Word(int k) =>
        (uint)k < (uint)Items.Length && Items[k].Kind == TokenKind.Word ? Text.Slice(Items[k].Start, Items[k].Length) : default;

    public bool Symbol(int k, char c) => (uint)k < (uint)Items.Length && Items[k].Kind == TokenKind.Symbol && Text[Items[k].Start] == c;
}

internal enum TokenKind : byte
{
    Word,
    Number,
    Symbol,
}

/// <summary>
/// Reads the numbers people write in English: digits ("1,200", "80", "1.2m", "40k", "100+", "50-odd",
/// "20-30"), number words ("two hundred", "a hundred and fifty", "forty-five") and the loose forms:
/// "a couple" 2, "a couple hundred" 200, "a few" 3, "a handful" 4, "several" 5, "a dozen" 12,
/// "dozens" 30, "a few dozen" 36, "several dozen" 40, "hundreds" 200, "a few / several hundred" 300,
/// "thousands" 1,000, "tens of thousands" 10,000. A qualifier before ("about", "over", "nearly",
/// "more than") marks it approximate; "fewer than", "under", "less than" read as 0.9 of it.
/// </summary>
public static class EnglishNumber
{
    /// <summary>Most tokens a text is read in; a longer text's tail is not read.</summary>
    internal const int MaxTokens = 1024;

    internal delegate void TokensHandler<TState>(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, ref TState state);

    /// <summary>
    /// Tokenises <paramref name="text"/> into a buffer on the stack (a pooled one for a long text) and hands the tokens to
    /// <paramref name="read"/>: the worker and money readers' way in, without an allocation per text.
    /// </summary>
    // Tokenize writes every token it returns: zeroing the 400 of the buffer on every call was for nothing.
    [SkipLocalsInit]
    internal static void ReadTokens<TState>(string text, ref TState state, TokensHandler<TState> read)
    {
        var span = text.AsSpan();
        var pooled = text.Length > 400 ? System.Buffers.ArrayPool<Token>.Shared.Rent(Math.Min(MaxTokens, text.Length)) : null;
        Span<Token> buffer = pooled ?? stackalloc Token[400];
        try
        {
            var n = Tokenize(span, buffer);
            read(span, buffer[..n], ref state);
        }
        finally
        {
            if (pooled is not null)
            {
                System.Buffers.ArrayPool<Token>.Shared.Return(pooled);
            }
        }
    }

    /// <summary>Splits <paramref name="text"/> into at most <paramref name="tokens"/>.Length tokens; returns how many.</summary>
    internal static int Tokenize(ReadOnlySpan<char> text, Span<Token> tokens)
    {
        var n = 0;
        var i = 0;
        while (i < text.Length && n < tokens.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetter(c))
            {
                var j = i + 1;
                while (j < text.Length && (char.IsAsciiLetter(text[j]) || (text[j] is '\'' or '’' && j + 1 < text.Length && char.IsAsciiLetter(text[j + 1]))))
                {
                    j++;
                }

                tokens[n++] = new Token(i, j - i, TokenKind.Word);
                i = j;
            }
            else if (char.IsAsciiDigit(c))
            {
                var j = i + 1;
                while (j < text.Length)
                {
                    if (char.IsAsciiDigit(text[j]))
                    {
                        j++;
                    }
                    else if (text[j] is ',' or '.' && j + 1 < text.Length && char.IsAsciiDigit(text[j + 1]))
                    {
                        j += 2;
                    }
                    else
                    {
                        break;
                    }
                }

                tokens[n++] = new Token(i, j - i, TokenKind.Number);
                i = j;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else
            {
                // Every other character on its own; a run of ideographs as one symbol.
                var j = i + 1;
                if (c >= '\u2e80')
                {
                    while (j < text.Length && text[j] >= '\u2e80')
                    {
                        j++;
                    }
                }

                tokens[n++] = new Token(i, j - i, TokenKind.Symbol);
                i = j;
            }
        }

        return n;
    }

    private static readonly Dictionary<string, int> Small = new(StringComparer.OrdinalIgnoreCase)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
        ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16,
        ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fourty"] = 40,
        ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SmallLookup = Small.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The value of a number word ("forty", "twelve"), or -1.</summary>
    internal static int SmallWord(ReadOnlySpan<char> word) => SmallLookup.TryGetValue(word, out var v) ? v : -1;

    /// <summary>Value of English number words ("two hundred", "forty-five", "a thousand"), or null when they are not one.</summary>
    public static long? ParseWords(string words)
    {
        ArgumentNullException.ThrowIfNull(words);
        Span<Token> tokens = stackalloc Token[32];
        var n = Tokenize(words, tokens);
        return n > 0 && TryRead(words, tokens[..n], 0, out var r) && r.End == words.TrimEnd().Length && r.Start == words.Length - words.TrimStart().Length
            ? (long)r.Value
            : null;
    }

    private static bool Is(ReadOnlySpan<char> text, Token t, string word) =>
        t.Kind == TokenKind.Word && text.Slice(t.Start, t.Length).Equals(word, StringComparison.OrdinalIgnoreCase);

    private static bool IsSymbol(ReadOnlySpan<char> text, Token t, char c) => t.Kind == TokenKind.Symbol && text[t.Start] == c;

    internal static bool WordAt(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, string word) =>
        (uint)i < (uint)tokens.Length && Is(text, tokens[i], word);

    /// <summary>
    /// The quantity that starts at token <paramref name="i"/>, with a qualifier just before it; its
    /// <see cref="NumberReading.End"/> is the end of its last token (see <paramref name="next"/>: the token after it).
    /// </summary>
    internal static bool TryRead(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, out NumberReading reading) =>
        TryRead(text, tokens, i, out reading, out _);

    internal static bool TryRead(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, out NumberReading reading, out int next)
    {
        reading = default;
        next = i;
        if ((uint)i >= (uint)tokens.Length)
        {
            return false;
        }

        var tl = new TokenList(text, tokens);
        var t = tokens[i];
        decimal value;
        var approximate = false;
        var multiplied = false;
        var j = i;
        if (t.Kind == TokenKind.Number)
        {
            if (!decimal.TryParse(text.Slice(t.Start, t.Length), NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
            {
                return false;
            }

            j = i + 1;

            // "4 5 hundred" (four or five hundred, as typed without the "or"): the middle of the range, scaled.
            if (j + 1 < tokens.Length && tokens[j].Kind == TokenKind.Number && tokens[j].Length == 1 && t.Length == 1 && tl.Is(j + 1, "hundred")
                && decimal.TryParse(text.Slice(tokens[j].Start, 1), CultureInfo.InvariantCulture, out var upper) && upper == value + 1)
            {
                value = (value + upper) / 2;
                approximate = true;
                j++;
            }

            // "2 hundred", "3 hundred": digits with the scale as a word.
            if (tl.Is(j, "hundred") && value is > 0 and < 100)
            {
                value *= 100;
                j++;
            }

            // Glued or separate multipliers: 1.2m, 40k, 3w (万), 2 million, 5 thousand, 3 grand.
            if (j < tokens.Length && tokens[j].Kind == TokenKind.Word)
            {
                var glued = tokens[j].Start == t.End;
                var w = text.Slice(tokens[j].Start, tokens[j].Length);
                var m = Multiplier(w, glued);
                if (m > 0)
                {
                    value *= m;
                    multiplied = m >= 10_000;
                    j++;
                }
            }

            // 20-30, 20 to 30, 20~30: the middle.
            if (j + 1 < tokens.Length && (IsSymbol(text, tokens[j], '-') || IsSymbol(text, tokens[j], '~') || tl.Is(j, "to")) && tokens[j + 1].Kind == TokenKind.Number
                && decimal.TryParse(text.Slice(tokens[j + 1].Start, tokens[j + 1].Length), NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var high)
                && high > value && high < value * 10)
            {
                value = (value + high) / 2;
                approximate = true;
                j += 2;
            }
        }
        else if (t.Kind == TokenKind.Word)
        {
            if (!TryReadWords(text, tokens, i, out value, out j, out approximate))
            {
                return false;
            }

            multiplied = value >= 100_000;

            // "a couple hundred", "two million", "a few thousand": the scale after.
            if (j < tokens.Length && tokens[j].Kind == TokenKind.Word && Multiplier(text.Slice(tokens[j].Start, tokens[j].Length), false) is > 0 and var m)
            {
                value *= m;
                multiplied = m >= 10_000;
                j++;
            }
        }
        else
        {
            return false;
        }

        // Loose endings: 100+, 50-odd, 60-plus, 80 or so, 80-ish, "give or take".
        if (j < tokens.Length && IsSymbol(text, tokens[j], '+'))
        {
            approximate = true;
            j++;
        }
        else if (j + 1 < tokens.Length && IsSymbol(text, tokens[j], '-') && (tl.Is(j + 1, "odd") || tl.Is(j + 1, "plus") || tl.Is(j + 1, "ish") || tl.Is(j + 1, "some")))
        {
            approximate = true;
            j += 2;
        }
        else if (tl.Is(j, "odd") || tl.Is(j, "plus") || tl.Is(j, "ish") || tl.Is(j, "something"))
        {
            // "120 something", "2 hundred something": a hundred and twenty-odd.
            approximate = true;
            j++;
        }
        else if (tl.Is(j, "or") && (tl.Is(j + 1, "so") || tl.Is(j + 1, "more")))
        {
            approximate = true;
            j += 2;
        }
        else if (tl.Is(j, "at") && tl.Is(j + 1, "least"))
        {
            approximate = true;
            j += 2;
        }

        var start = t.Start;
        var factor = Qualifier(text, tokens, i, ref start, ref approximate);
        reading = new NumberReading(start, tokens[j - 1].End, value * factor, approximate, multiplied);
        next = j;
        return true;
    }

    private static decimal Multiplier(ReadOnlySpan<char> w, bool glued)
    {
        if (w.Equals("thousand", StringComparison.OrdinalIgnoreCase) || w.Equals("grand", StringComparison.OrdinalIgnoreCase))
        {
            return 1000;
        }

        if (w.Equals("million", StringComparison.OrdinalIgnoreCase) || w.Equals("millions", StringComparison.OrdinalIgnoreCase)
            || w.Equals("mil", StringComparison.OrdinalIgnoreCase) || w.Equals("mln", StringComparison.OrdinalIgnoreCase) || w.Equals("mn", StringComparison.OrdinalIgnoreCase))
        {
            return 1_000_000;
        }

        if (w.Equals("billion", StringComparison.OrdinalIgnoreCase) || w.Equals("bn", StringComparison.OrdinalIgnoreCase))
        {
            return 1_000_000_000;
        }

        if (glued)
        {
            if (w.Equals("k", StringComparison.OrdinalIgnoreCase))
            {
                return 1000;
            }

            if (w.Equals("m", StringComparison.OrdinalIgnoreCase))
            {
                return 1_000_000;
            }

            if (w.Equals("w", StringComparison.OrdinalIgnoreCase))
            {
                return 10_000;
            }
        }

        return 0;
    }

    /// <summary>"about", "some", "over", "nearly", "more than", "at least", "up to": approximate; "fewer than", "under", "less than": 0.9 of it.</summary>
    private static decimal Qualifier(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, ref int start, ref bool approximate)
    {
        var tl = new TokenList(text, tokens);
        if (i >= 2 && (tl.Is(i - 1, "than") && (tl.Is(i - 2, "fewer") || tl.Is(i - 2, "less")) || (tl.Is(i - 1, "even") && tl.Is(i - 2, "not"))))
        {
            start = tokens[i - 2].Start;
            approximate = true;
            return 0.9m;
        }

        if (i >= 1 && (tl.Is(i - 1, "under") || tl.Is(i - 1, "below")))
        {
            start = tokens[i - 1].Start;
            approximate = true;
            return 0.9m;
        }

        if ((i >= 2 && tl.Is(i - 1, "to") && tl.Is(i - 2, "close")) || (i >= 2 && tl.Is(i - 1, "under") && tl.Is(i - 2, "just")))
        {
            // "close to 100", like 近百: just under it.
            start = tokens[i - 2].Start;
            approximate = true;
            return 0.95m;
        }

        if (i >= 1 && (tl.Is(i - 1, "nearly") || tl.Is(i - 1, "almost") || tl.Is(i - 1, "near")))
        {
            start = tokens[i - 1].Start;
            approximate = true;
            return 0.95m;
        }

        if (i >= 2 && ((tl.Is(i - 1, "than") && tl.Is(i - 2, "more")) || (tl.Is(i - 1, "least") && tl.Is(i - 2, "at")) || (tl.Is(i - 1, "to") && tl.Is(i - 2, "up"))
            || (tl.Is(i - 1, "of") && tl.Is(i - 2, "upwards")) || (tl.Is(i - 1, "estimated") && tl.Is(i - 2, "an"))))
        {
            start = tokens[i - 2].Start;
            approximate = true;
            return 1;
        }

        if (i >= 1 && (tl.Is(i - 1, "about") || tl.Is(i - 1, "around") || tl.Is(i - 1, "roughly") || tl.Is(i - 1, "some") || tl.Is(i - 1, "approximately") || tl.Is(i - 1, "approx")
            || tl.Is(i - 1, "over") || tl.Is(i - 1, "estimated") || tl.Is(i - 1, "circa") || tl.Is(i - 1, "maybe")
            || tl.Is(i - 1, "like") || IsSymbol(text, tokens[i - 1], '~')))
        {
            start = tokens[i - 1].Start;
            approximate = true;
        }

        return 1;
    }

    /// <summary>Number words and the loose phrases, from token <paramref name="i"/>.</summary>
    private static bool TryReadWords(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int i, out decimal value, out int next, out bool approximate)
    {
        var tl = new TokenList(text, tokens);
        value = 0;
        next = i;
        approximate = true;

        // The loose phrases first.
        if (tl.Is(i, "tens") && tl.Is(i + 1, "of") && tl.Is(i + 2, "thousands"))
        {
            (value, next) = (10_000, i + 3);
            return true;
        }

        if (tl.Is(i, "hundreds") && tl.Is(i + 1, "of") && tl.Is(i + 2, "thousands"))
        {
            (value, next) = (200_000, i + 3);
            return true;
        }

        if (tl.Is(i, "dozens") || tl.Is(i, "scores"))
        {
            (value, next) = (tl.Is(i, "dozens") ? 30 : 40, i + 1);
            return true;
        }

        if (tl.Is(i, "hundreds") || tl.Is(i, "thousands"))
        {
            (value, next) = (tl.Is(i, "hundreds") ? 200 : 1000, i + 1);
            return true;
        }

        if (tl.Is(i, "half") && tl.Is(i + 1, "a") && tl.Is(i + 2, "dozen"))
        {
            (value, next) = (6, i + 3);
            return true;
        }

        if (tl.Is(i, "half") && tl.Is(i + 1, "a") && (tl.Is(i + 2, "million") || tl.Is(i + 2, "mil")))
        {
            // The caller reads no scale after it: "half a million" is the whole number.
            (value, next, approximate) = (500_000, i + 3, false);
            return true;
        }

        if ((tl.Is(i, "hundred") || tl.Is(i, "thousand")) && i >= 1
            && (tl.Is(i - 1, "about") || tl.Is(i - 1, "around") || tl.Is(i - 1, "near") || tl.Is(i - 1, "nearly") || tl.Is(i - 1, "over") || tl.Is(i - 1, "like")
                || tl.Is(i - 1, "maybe") || tl.Is(i - 1, "almost")))
        {
            // "about hundred worker", "near thousand people": the article left out.
            (value, next) = (tl.Is(i, "hundred") ? 100 : 1000, i + 1);
            return true;
        }

        var k = i;
        if (tl.Is(k, "a") || tl.Is(k, "another"))
        {
            k++;
        }

        if (tl.Is(k, "couple"))
        {
            // "a couple", "a couple of", "couple hundred", "a couple dozen".
            var after = tl.Is(k + 1, "of") ? k + 2 : k + 1;
            if (tl.Is(after, "dozen"))
            {
                (value, next) = (24, after + 1);
                return true;
            }

            var scaled = after < tokens.Length && tokens[after].Kind == TokenKind.Word && Multiplier(text.Slice(tokens[after].Start, tokens[after].Length), false) > 0
                || tl.Is(after, "hundred");
            if (tl.Is(after, "hundred"))
            {
                (value, next) = (200, after + 1);
                return true;
            }

            (value, next) = (2, scaled ? after : k + 1);
            return true;
        }

        if (tl.Is(k, "few") || tl.Is(k, "handful") || tl.Is(k, "several"))
        {
            if (tl.Is(k, "few") && k == i)
            {
                // "few riders" says there are not many, not how many.
                return false;
            }

            var after = tl.Is(k + 1, "of") && tl.Is(k, "handful") ? k + 2 : k + 1;
            if (tl.Is(after, "dozen"))
            {
                (value, next) = (tl.Is(k, "several") ? 40 : 36, after + 1);
                return true;
            }

            if (tl.Is(after, "hundred"))
            {
                (value, next) = (300, after + 1);
                return true;
            }

            (value, next) = (tl.Is(k, "handful") ? 4 : tl.Is(k, "several") ? 5 : 3, tl.Is(k, "handful") ? after : k + 1);
            return true;
        }

        if (tl.Is(k, "dozen"))
        {
            (value, next) = (12, k + 1);
            return true;
        }

        if (tl.Is(k, "score") && k > i)
        {
            (value, next) = (20, k + 1);
            return true;
        }

        // Number words: "a hundred and fifty", "twenty-five", "two thousand three hundred", "three dozen".
        approximate = false;
        long total = 0;
        long current = 0;
        var any = false;
        var j = k;
        if (k > i)
        {
            // "a" or "another" must be followed by hundred, thousand, million.
            if (!(tl.Is(k, "hundred") || tl.Is(k, "thousand") || tl.Is(k, "million")))
            {
                return false;
            }

            current = 1;
        }

        while (j < tokens.Length)
        {
            var tk = tokens[j];
            if (tk.Kind == TokenKind.Symbol && text[tk.Start] == '-' && any && j + 1 < tokens.Length && SmallWord(text.Slice(tokens[j + 1].Start, tokens[j + 1].Length)) is > 0 and < 10)
            {
                // forty-five
                j++;
                continue;
            }

            if (tk.Kind != TokenKind.Word)
            {
                break;
            }

            var w = text.Slice(tk.Start, tk.Length);
            var small = SmallWord(w);
            if (small > 0)
            {
                current += small;
                any = true;
                j++;
            }
            else if (w.Equals("hundred", StringComparison.OrdinalIgnoreCase) && (any || current > 0))
            {
                current = Math.Max(current, 1) * 100;
                any = true;
                j++;
            }
            else if (w.Equals("thousand", StringComparison.OrdinalIgnoreCase) && (any || current > 0))
            {
                total += Math.Max(current, 1) * 1000;
                current = 0;
                any = true;
                j++;
            }
            else if (w.Equals("dozen", StringComparison.OrdinalIgnoreCase) && any && current is > 0 and < 13)
            {
                current *= 12;
                j++;
                break;
            }
            else if (w.Equals("and", StringComparison.OrdinalIgnoreCase) && any && j + 1 < tokens.Length && SmallWord(text.Slice(tokens[j + 1].Start, tokens[j + 1].Length)) > 0
                     && (total > 0 || current >= 100))
            {
                // "a hundred and fifty"
                j++;
            }
            else
            {
                break;
            }
        }

        if (!any && current == 0)
        {
            return false;
        }

        value = total + current;
        next = j;
        return value > 0;
    }
}
