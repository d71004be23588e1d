using System.Globalization;
using System.Text;
using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Incidents;

/// <summary>
/// Identifies the incident a report is about: the same subject in the same place, down to the street.
/// It is the Kafka message key, so every report of one incident lands in one partition and one
/// scoring instance owns the incident at a time; it is also how reports are grouped into alerts.
/// Informants type names by hand, so the key forgives width, case, spacing, punctuation, the
/// administrative suffixes people often drop ("深圳" for "深圳市", "龙岗" for "龙岗区") and known aliases
/// ("Shenzhen", see <see cref="PlaceNames"/>).
/// </summary>
/// <remarks>
/// The street is part of the key (issue 14, finding 1): an incident's place is where its reports say it is, so a report
/// about a station in 粤海街道 never joins, and is never shown through, an alert about the same name in 西丽街道, and nobody can
/// pull an incident into (or hide it from) another street's jurisdiction by sending its first report. A subject that truly
/// spans two streets becomes one alert per street; from yellow up the district leads both and sees both. A report without
/// a street is its own incident at district level (only district, city and admin responders see it).
/// </remarks>
public static class IncidentKey
{
    public static string For(ReportV1 report) => For(report, PlaceNames.BuiltIn);

    public static string For(ReportV1 report, PlaceNames places) =>
        For(report.Location.City, report.Location.District, report.Location.Street, report.Subject.Name, places);

    public static string For(string city, string? district, string? street, string subjectName) =>
        For(city, district, street, subjectName, PlaceNames.BuiltIn);

    public static string For(string city, string? district, string? street, string subjectName, PlaceNames places)
    {
        ArgumentNullException.ThrowIfNull(places);
        return FromPlaceKeys(places.City(city), places.District(district), places.Street(street), subjectName);
    }

    /// <summary>The key from place keys already made (<see cref="PlaceNames.City"/> and the others), for a caller that keeps them too.</summary>
    public static string FromPlaceKeys(string cityKey, string districtKey, string streetKey, string subjectName) =>
        string.Join('|', cityKey, districtKey, streetKey, Normalise(subjectName));

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
