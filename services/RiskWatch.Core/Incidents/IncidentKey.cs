using System.Globalization;
using System.Text;
using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Incidents;

/// <summary>
/// Identifies the incident a report is about: the same subject in the same place.
/// It is the Kafka message key, so every report of one incident lands in one partition and one
/// scoring instance owns the incident at a time; it is also how reports are grouped into alerts.
/// Informants type names by hand, so the key forgives width, case, spacing, punctuation and the
/// administrative suffixes people often drop ("深圳" for "深圳市", "龙岗" for "龙岗区").
/// </summary>
public static class IncidentKey
{
    public static string For(ReportV1 report) =>
        For(report.Location.City, report.Location.District, report.Subject.Name);

    public static string For(string city, string? district, string subjectName) =>
        string.Join('|', PlaceKey.City(city), PlaceKey.District(district), Normalise(subjectName));

    /// <summary>NFKC folds full-width forms; then lower case and keep only letters and digits.</summary>
    public static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var folded = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(folded.Length);
        // Every report's key is made at intake (three names each): the kept runes go in through a span, not a string apiece.
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category == UnicodeCategory.OtherLetter)
            {
                builder.Append(utf16[..Rune.ToLowerInvariant(rune).EncodeToUtf16(utf16)]);
            }
        }

        return builder.ToString();
    }
}
