using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml;

/// <summary>The hard signs of MODEL-211 that drive the red and orange floors, as the written corpus labels them.</summary>
[Flags]
public enum HardSignals
{
    None = 0,
    Death = 1,
    SelfHarm = 2,
    Violence = 4,
    Arrest = 8,
    RoadBlock = 16,
    OfficeGathering = 32,
    SeriousInjury = 64,
}

public static class HardSignalNames
{
    /// <summary>Every hard sign, in a fixed order (the order of the signal models in a model file).</summary>
    public static readonly IReadOnlyList<HardSignals> All =
        [HardSignals.Death, HardSignals.SelfHarm, HardSignals.Violence, HardSignals.Arrest, HardSignals.RoadBlock, HardSignals.OfficeGathering, HardSignals.SeriousInjury];

    /// <summary>Where a single sign sits in <see cref="All"/> (and in a probability vector): <see cref="All"/> is in bit order.</summary>
    public static int IndexOf(HardSignals signal) => System.Numerics.BitOperations.TrailingZeroCount((int)signal);

    public static string ToWire(this HardSignals signal) => signal switch
    {
        HardSignals.Death => "death",
        HardSignals.SelfHarm => "self_harm",
        HardSignals.Violence => "violence",
        HardSignals.Arrest => "arrest",
        HardSignals.RoadBlock => "road_block",
        HardSignals.OfficeGathering => "office_gathering",
        HardSignals.SeriousInjury => "serious_injury",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Not a single hard sign."),
    };

    public static HardSignals Parse(string wire) =>
        All.FirstOrDefault(s => s.ToWire() == wire) is var s && s != HardSignals.None
            ? s
            : throw new FormatException($"'{wire}' is not a hard sign ({string.Join(", ", All.Select(a => a.ToWire()))}).");
}

/// <summary>What the writer of a report says it shows, for checking the number and time readers (not used for training the grade).</summary>
public sealed record WriterFacts(int? Workers, decimal? AmountCny, ActionStatus? Action, double? HoursUntilAction);

/// <summary>One report of the written corpus: the report, its settled grade and hard signs, its writer, and the writer's facts.</summary>
public sealed record WrittenReport(ReportV1 Report, Grade Label, HardSignals Signals, string Writer, WriterFacts Facts, bool Hard)
{
    public bool IsChinese => Report.Language == "zh";
}

/// <summary>
/// The written corpus: reports written by independent writers, one file a writer (<c>ml/data/written/&lt;writer&gt;.jsonl</c>),
/// each line a contract-v1 report with <c>label</c>, <c>signals</c>, <c>facts</c>, <c>hard</c> and <c>writer</c>, checked by a
/// second labeller (see ml/README.md). The generated seed corpus can join it as one more source, writer "generated", whose
/// reports carry a grade but no labelled signs.
/// </summary>
public static class WrittenCorpus
{
    public const string GeneratedWriter = "generated";

    /// <summary>The written corpus beside the binaries (data/written), else in a checkout's ml/data/written.</summary>
    public static string DefaultDirectory => SeedCorpus.Locate(Path.Combine("data", "written"), Path.Combine("ml", "data", "written"));

    public static IReadOnlyList<WrittenReport> Read(string directory)
    {
        var files = Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"No written corpus files (*.jsonl) in {directory}.");
        }

        return files.SelectMany(ReadFile).ToList();
    }

    /// <summary>The generated seed corpus as written reports of writer "generated", without hard-sign labels.</summary>
    public static IReadOnlyList<WrittenReport> ReadGenerated(string corpusPath) =>
        LabelledCorpus.Read(corpusPath)
            .Select(r => new WrittenReport(r.Report, r.Label, HardSignals.None, GeneratedWriter, new WriterFacts(null, null, null, null), false))
            .ToList();

    private static IEnumerable<WrittenReport> ReadFile(string path)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("label", out var labelElement) || !Grades.TryParse(labelElement.GetString(), out var label))
            {
                throw new FormatException($"{path}:{lineNumber}: missing or unknown label.");
            }

            var signals = HardSignals.None;
            if (root.TryGetProperty("signals", out var list))
            {
                foreach (var s in list.EnumerateArray())
                {
                    signals |= HardSignalNames.Parse(s.GetString() ?? "");
                }
            }

            var writer = root.TryGetProperty("writer", out var w) ? w.GetString()! : Path.GetFileNameWithoutExtension(path);
            var report = root.Deserialize<ReportV1>(LabelledCorpus.JsonOptions) ?? throw new FormatException($"{path}:{lineNumber}: not a report.");
            yield return new WrittenReport(
                report,
                label,
                signals,
                writer,
                root.TryGetProperty("facts", out var facts) ? Facts(facts) : new WriterFacts(null, null, null, null),
                root.TryGetProperty("hard", out var hard) && hard.ValueKind == JsonValueKind.True);
        }
    }

    private static WriterFacts Facts(JsonElement facts)
    {
        int? workers = facts.TryGetProperty("workers", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : null;
        decimal? amount = facts.TryGetProperty("amountCny", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDecimal() : null;
        ActionStatus? action = facts.TryGetProperty("action", out var s) ? s.GetString() switch
        {
            "none" => ActionStatus.None,
            "rumoured" => ActionStatus.Rumoured,
            "planned" => ActionStatus.Planned,
            "underway" => ActionStatus.Underway,
            _ => null,
        } : null;
        double? hours = facts.TryGetProperty("hoursUntilAction", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetDouble() : null;
        return new WriterFacts(workers, amount, action, hours);
    }
}
