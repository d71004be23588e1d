using System.Buffers;

namespace RiskWatch.Ml.Text;

/// <summary>The numbers a report's text carries, for when its structured fields are missing.</summary>
public sealed record ExtractedNumbers(int? Workers, decimal? AmountCny, double? HoursUntilAction);

/// <summary>
/// The numbers of a report's text in one call: workers affected (<see cref="WorkerCounts"/>), money
/// owed in CNY (<see cref="MoneyAmounts"/>, amounts per head times the workers) and hours until a
/// planned action (<see cref="ActionTimes"/>); and <see cref="Normalize"/>, the full-width folding every
/// reader and the features share. Pure and deterministic: the same text and report time always give
/// the same numbers.
/// </summary>
public static class TextNumberExtractor
{
    public static ExtractedNumbers Extract(string text, DateTimeOffset occurredAt) => Extract(PreparedText.Of(text), occurredAt);

    /// <summary><see cref="Extract(string, DateTimeOffset)"/> of a text prepared once for all extractors.</summary>
    public static ExtractedNumbers Extract(PreparedText text, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(text);
        var workers = WorkerCounts.Read(text);
        return new(workers, MoneyAmounts.Read(text, workers), ActionTimes.HoursUntil(text, occurredAt));
    }

    /// <summary>The count of workers affected or acting (<see cref="WorkerCounts"/>), or null when the text gives none.</summary>
    public static int? Workers(string text) => WorkerCounts.Read(text);

    /// <summary>The money owed in CNY (<see cref="MoneyAmounts"/>), or null.</summary>
    public static decimal? AmountCny(string text)
    {
        var prepared = PreparedText.Of(text);
        return MoneyAmounts.Read(prepared, WorkerCounts.Read(prepared));
    }

    /// <summary>Hours from <paramref name="occurredAt"/> to the first time the text names that is not past (<see cref="ActionTimes"/>), or null.</summary>
    public static double? HoursUntilAction(string text, DateTimeOffset occurredAt) => ActionTimes.HoursUntil(text, occurredAt);

    /// <summary>Full-width digits and punctuation to ASCII, so one set of patterns serves every keyboard.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Most texts have none of these characters: then the text itself is the result, with no copy.
        if (text.AsSpan().IndexOfAny(FullWidthForms) < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = NormalizeChar(t[i]);
            }
        });
    }

    private static readonly SearchValues<char> FullWidthForms = SearchValues.Create("０１２３４５６７８９：．％￥\u00A0\u3000");

    private static char NormalizeChar(char c) => c switch
    {
        >= '０' and <= '９' => (char)('0' + (c - '０')),
        '：' => ':',
        '．' => '.',
        '％' => '%',
        '￥' => '¥',
        '\u00A0' or '\u3000' => ' ',
        _ => c,
    };
}
