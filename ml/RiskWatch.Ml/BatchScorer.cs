using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml;

/// <summary>What a batch scoring run did.</summary>
public sealed record BatchScoreSummary(int Lines, int Scored, int Invalid, TimeSpan Elapsed)
{
    public double ReportsPerSecond => Elapsed.TotalSeconds > 0 ? Scored / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Scores a JSON Lines file of contract-v1 reports. Every non-blank input line gives one output line, in input
/// order: the report exactly as it came, plus <c>grade</c>, <c>probabilities</c> (<c>none</c> .. <c>red</c>),
/// <c>modelVersion</c>, <c>decidedBy</c> (<c>model</c>, or <c>rule</c> when a policy floor raised the grade)
/// and <c>reasons</c>. A line that is not a valid report gives an error object instead, so that output line N
/// still answers input line N: <c>{"line": N, "reportId": ... (when readable), "errors": [{"field", "reason"}]}</c>.
/// </summary>
public static class BatchScorer
{
    public static readonly IReadOnlyList<string> AddedFields = ["grade", "probabilities", "modelVersion", "decidedBy", "reasons"];

    public static BatchScoreSummary Score(RiskModel model, TextReader input, TextWriter output, int chunkSize = 4096, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var sw = Stopwatch.StartNew();
        var clock = now ?? DateTimeOffset.UtcNow;
        int lines = 0, scored = 0, invalid = 0, lineNumber = 0;
        var chunk = new List<Entry>(chunkSize);
        string? text;
        while ((text = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            lines++;
            chunk.Add(Read(text, lineNumber, clock));
            if (chunk.Count >= chunkSize)
            {
                Flush(model, chunk, output, ref scored, ref invalid);
            }
        }

        Flush(model, chunk, output, ref scored, ref invalid);
        output.Flush();
        return new BatchScoreSummary(lines, scored, invalid, sw.Elapsed);
    }

    private sealed record Entry(string Line, int LineNumber, ReportV1? Report, bool Plain, string? Error);

    private static Entry Read(string line, int lineNumber, DateTimeOffset now)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = ReportParser.MaxDepth });
        }
        catch (JsonException e)
        {
            return new Entry(line, lineNumber, null, false, ErrorLine(lineNumber, null, [new FieldError("$", "not valid JSON: " + e.Message.Split(". ")[0])]));
        }

        using (doc)
        {
            var result = ReportParser.Parse(doc.RootElement, now);
            if (result.Report is null)
            {
                string? id = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reportId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return new Entry(line, lineNumber, null, false, ErrorLine(lineNumber, id, result.Errors));
            }

            // A line that already carries one of the added fields (a scored file scored again) is rebuilt as a
            // tree so that the new values replace the old; otherwise the fields are appended to the text as is.
            var plain = !AddedFields.Any(f => doc.RootElement.TryGetProperty(f, out _));
            return new Entry(line, lineNumber, result.Report, plain, null);
        }
    }

    private static void Flush(RiskModel model, List<Entry> chunk, TextWriter output, ref int scored, ref int invalid)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        var valid = chunk.Where(e => e.Report is not null).Select(e => e.Report!).ToList();
        var predictions = model.PredictBatch(valid);
        var next = 0;
        var buffer = new ArrayBufferWriter<byte>(512);
        foreach (var entry in chunk)
        {
            if (entry.Report is null)
            {
                output.WriteLine(entry.Error);
                invalid++;
                continue;
            }

            var prediction = predictions[next++];
            scored++;
            if (entry.Plain)
            {
                buffer.Clear();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    WriteAdded(writer, prediction, entry.Report!.Language);
                    writer.WriteEndObject();
                }

                var added = Encoding.UTF8.GetString(buffer.WrittenSpan);
                var trimmed = entry.Line.AsSpan().TrimEnd();
                var body = trimmed[..^1].TrimEnd(); // without the closing brace
                output.Write(body);
                output.Write(body.EndsWith("{", StringComparison.Ordinal) ? "" : ",");
                output.WriteLine(added.AsSpan(1));
            }
            else
            {
                var node = JsonNode.Parse(entry.Line)!.AsObject();
                foreach (var field in AddedFields)
                {
                    node.Remove(field);
                }

                buffer.Clear();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    WriteAdded(writer, prediction, entry.Report!.Language);
                    writer.WriteEndObject();
                }

                foreach (var (key, value) in JsonNode.Parse(buffer.WrittenSpan)!.AsObject().ToList())
                {
                    node[key] = value?.DeepClone();
                }

                output.WriteLine(node.ToJsonString());
            }
        }

        chunk.Clear();
    }

    private static void WriteAdded(Utf8JsonWriter writer, GradePrediction prediction, string? language)
    {
        writer.WriteString("grade", prediction.Grade.ToWire());
        writer.WriteStartObject("probabilities");
        foreach (var g in Grades.All)
        {
            writer.WriteNumber(g.ToWire(), Math.Round(prediction.Probabilities[(int)g], 4));
        }

        writer.WriteEndObject();
        writer.WriteString("modelVersion", prediction.ModelVersion);
        writer.WriteString("decidedBy", DecidedBy(prediction));
        writer.WriteStartArray("reasons");
        foreach (var reason in prediction.Reasons)
        {
            // In the report's own language: a Chinese report's reasons in Chinese.
            writer.WriteStringValue(reason.In(language));
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// <c>rule</c> when the grade is above the grade model's own and a policy floor of that grade fired (the floor raised
    /// it, or the grade decision followed the floor); otherwise <c>model</c>.
    /// </summary>
    public static string DecidedBy(GradePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.Grade > prediction.ModelGrade && prediction.Floors.Any(f => f.Grade == prediction.Grade) ? "rule" : "model";
    }

    private static string ErrorLine(int lineNumber, string? reportId, IReadOnlyList<FieldError> errors)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("line", lineNumber);
            if (reportId is not null)
            {
                writer.WriteString("reportId", reportId);
            }

            writer.WriteStartArray("errors");
            foreach (var e in errors)
            {
                writer.WriteStartObject();
                writer.WriteString("field", e.Field);
                writer.WriteString("reason", e.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
