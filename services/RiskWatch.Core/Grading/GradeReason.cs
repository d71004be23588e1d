using System.Text.Json;

namespace RiskWatch.Core.Grading;

/// <summary>
/// One reason for a report's grade, in both languages RiskWatch speaks. A report's reasons are given in its own language
/// (a Chinese report's in Chinese), and the console shows them in the console's.
/// </summary>
public sealed record GradeReason(string Zh, string En)
{
    /// <summary>The reason in <paramref name="language"/>: English for "en", Chinese otherwise.</summary>
    public string In(string? language) => language == "en" ? En : Zh;

    /// <summary>Reasons as stored with a report (<c>reports.reasons</c>): <c>[{"zh": "...", "en": "..."}]</c>.</summary>
    public static string ToJson(IEnumerable<GradeReason> reasons) =>
        JsonSerializer.Serialize(reasons.Select(r => new Stored(r.Zh, r.En)), StoredJson);

    /// <summary>
    /// Reads stored reasons. Reports stored before reasons had two languages hold plain (English) strings: each stands for
    /// both languages. Anything else in the array is skipped.
    /// </summary>
    public static IReadOnlyList<GradeReason> FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var reasons = new List<GradeReason>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
            {
                reasons.Add(new GradeReason(text, text));
            }
            else if (item.ValueKind == JsonValueKind.Object
                     && item.TryGetProperty("zh", out var zh) && zh.ValueKind == JsonValueKind.String
                     && item.TryGetProperty("en", out var en) && en.ValueKind == JsonValueKind.String)
            {
                reasons.Add(new GradeReason(zh.GetString()!, en.GetString()!));
            }
        }

        return reasons;
    }

    private sealed record Stored(string Zh, string En);

    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
