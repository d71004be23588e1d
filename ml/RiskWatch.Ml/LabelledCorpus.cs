using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml;

/// <summary>Reads the labelled corpus: JSON Lines of contract-v1 reports with an extra <c>label</c> field.</summary>
public static class LabelledCorpus
{
    /// <summary>The contract's camelCase names; Web defaults also read numbers written as strings leniently.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<(ReportV1 Report, Grade Label)> Read(string path)
    {
        var rows = new List<(ReportV1, Grade)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            if (!doc.RootElement.TryGetProperty("label", out var labelElement) || !Grades.TryParse(labelElement.GetString(), out var label))
            {
                throw new FormatException($"{path}:{lineNumber}: missing or unknown label.");
            }

            var report = doc.RootElement.Deserialize<ReportV1>(JsonOptions)
                ?? throw new FormatException($"{path}:{lineNumber}: not a report.");
            rows.Add((report, label));
        }

        return rows;
    }

    /// <summary>Reads contract-v1 reports without labels (e.g. a replay stream).</summary>
    public static IReadOnlyList<ReportV1> ReadReports(string path)
    {
        var rows = new List<ReportV1>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                rows.Add(JsonSerializer.Deserialize<ReportV1>(line, JsonOptions) ?? throw new FormatException("not a report"));
            }
        }

        return rows;
    }
}

/// <summary>Which part of the corpus a report belongs to.</summary>
public enum CorpusPart
{
    Train = 0,
    Validation = 1,
    Test = 2,
}

/// <summary>
/// A deterministic 70/15/15 split by a hash of the report id: the same report always lands in the
/// same part, whatever the corpus order or size, so the test part stays unseen across retraining.
/// </summary>
public static class CorpusSplit
{
    public static CorpusPart Of(Guid reportId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(reportId.ToString("D")), hash);
        var bucket = (hash[0] << 8 | hash[1]) % 100;
        return bucket < 70 ? CorpusPart.Train : bucket < 85 ? CorpusPart.Validation : CorpusPart.Test;
    }
}
