using System.Text.Json;
using RiskWatch.Core.Contract;

namespace RiskWatch.Ingest.Intake;

/// <summary>Reads a platform batch body: where its reports are, and each report on its own.</summary>
public static class PlatformBatchReader
{
    /// <summary>Where each report is in the body, or why the body is not a batch (and whether because it is not JSON).</summary>
    public readonly record struct Batch(List<(int Start, int Length)> Reports, string? Problem, bool Malformed = false);

    /// <summary>
    /// Finds each report of a batch (a JSON array, or {"reports": [...]}) with a forward-only reader that keeps nothing but
    /// their positions, and stops once there are more than allowed. One JsonDocument over a 16 MiB batch would rent
    /// metadata as large as the body again: a few such batches at once were an out-of-memory (500) under the chart's memory
    /// limit (IngestMemoryTests). Each report is then parsed on its own.
    /// </summary>
    public static Batch Split(ReadOnlySpan<byte> body, int maxReports)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = ReportParser.MaxDepth + 2 });
        var reports = new List<(int Start, int Length)>();
        try
        {
            var isBatch = reader.Read() && FindReports(ref reader);
            while (isBatch && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                reports.Add((start, (int)reader.BytesConsumed - start));
                if (reports.Count > maxReports)
                {
                    return new(reports, $"A batch holds 1 to {maxReports} reports; this one has more.");
                }
            }

            // Whatever follows must be JSON too, as a parser of the whole body would have required.
            while (reader.Read())
            {
            }

            return !isBatch ? new(reports, "Send a JSON array of reports, or an object {\"reports\": [...]}.")
                : reports.Count == 0 ? new(reports, $"A batch holds 1 to {maxReports} reports; this one has none.")
                : new(reports, null);
        }
        catch (JsonException)
        {
            return new(reports, "The body is not valid JSON.", Malformed: true);
        }
    }

    /// <summary>Moves the reader to the start of the reports: the root array, or the root object's "reports" array.</summary>
    private static bool FindReports(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isReports = reader.ValueTextEquals("reports"u8);
            reader.Read();
            if (isReports && reader.TokenType == JsonTokenType.StartArray)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    /// <summary>One report of a batch (already known to be JSON), and its reportId when it has a readable one.</summary>
    public static (ParseResult Parsed, Guid? Id) Parse(ReadOnlyMemory<byte> json, DateTimeOffset now)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = ReportParser.MaxDepth + 2 });
        var parsed = ReportParser.Parse(document.RootElement, now);
        return (parsed, parsed.Report?.ReportId ?? IdOf(document.RootElement));
    }

    private static Guid? IdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("reportId", out var id)
        && id.ValueKind == JsonValueKind.String
        && Guid.TryParse(id.GetString(), out var guid) ? guid : null;
}
