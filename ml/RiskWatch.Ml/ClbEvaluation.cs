using System.Globalization;
using System.Text.Json;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml;

/// <summary>How the model grades the real CLB incidents: the share graded none, and how the red-floor rows fared.</summary>
public sealed record ClbResult(
    int Count, double NoneRate, int RedFloorCount, double RedFloorOrangeOrRedRate, double RedFloorRedRate, IReadOnlyDictionary<Grade, int> Distribution)
{
    public static ClbResult From(IReadOnlyList<(Grade Floor, Grade Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var red = rows.Where(r => r.Floor == Grade.Red).ToList();
        return new ClbResult(
            rows.Count,
            rows.Count == 0 ? 0 : rows.Count(r => r.Predicted == Grade.None) / (double)rows.Count,
            red.Count,
            red.Count == 0 ? 0 : red.Count(r => r.Predicted >= Grade.Orange) / (double)red.Count,
            red.Count == 0 ? 0 : red.Count(r => r.Predicted == Grade.Red) / (double)red.Count,
            Grades.All.ToDictionary(g => g, g => rows.Count(r => r.Predicted == g)));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"CLB: {Count} incidents (text only), graded none {NoneRate:P2} ({Distribution[Grade.None]}); red-floor rows {RedFloorCount}: graded orange or red {RedFloorOrangeOrRedRate:P1}, red {RedFloorRedRate:P1}\n" +
        $"grades: {string.Join(", ", Distribution.Select(kv => $"{kv.Key.ToWire()} {kv.Value}"))}\n");

    public override string ToString() => Format();
}

/// <summary>
/// Evaluation on the CLB Strike Map incidents (<c>../shared/data/clb</c>): text only (the replay's guessed
/// category and sector are dropped). For evaluation only: nothing here trains on them.
/// </summary>
public static class ClbEvaluation
{
    public const string ReportsFile = "clb-reports-2011-2015.jsonl";
    public const string LabelsFile = "clb-labels-2011-2015.jsonl";

    public static ClbResult Evaluate(RiskModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        var reportsPath = Path.Combine(directory, ReportsFile);
        var labelsPath = Path.Combine(directory, LabelsFile);
        if (!File.Exists(reportsPath) || !File.Exists(labelsPath))
        {
            throw new FileNotFoundException($"{directory} must hold {ReportsFile} and {LabelsFile}.");
        }

        var reports = LabelledCorpus.ReadReports(reportsPath).Select(r => r with { Category = null, Sector = null }).ToList();
        // The label file lists the same ids line by line (a few ids repeat, so pair by line, not by id).
        var floors = new List<Grade>(reports.Count);
        var line = 0;
        foreach (var text in File.ReadLines(labelsPath))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(text);
            var id = Guid.Parse(doc.RootElement.GetProperty("reportId").GetString()!);
            if (line >= reports.Count || reports[line].ReportId != id)
            {
                throw new InvalidDataException($"{labelsPath}:{line + 1}: report id {id} does not match line {line + 1} of {ReportsFile}.");
            }

            floors.Add(Grades.Parse(doc.RootElement.GetProperty("gradeFloor").GetString()!));
            line++;
        }

        if (floors.Count != reports.Count)
        {
            throw new InvalidDataException($"{ReportsFile} has {reports.Count} reports but {LabelsFile} {floors.Count} labels.");
        }

        var predictions = model.PredictBatch(reports);
        return ClbResult.From(floors.Select((f, i) => (f, predictions[i].Grade)).ToList());
    }
}
