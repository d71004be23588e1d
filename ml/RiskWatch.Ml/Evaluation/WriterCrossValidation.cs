using System.Diagnostics;
using System.Globalization;
using System.Text;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml.Evaluation;

/// <summary>How the model did on one writer it never saw.</summary>
public sealed record WriterScore(string Writer, string Language, EvaluationResult Result);

/// <summary>How often one hard sign reached a threshold on reports that have it, and on reports that do not.</summary>
public sealed record SignCounts(int Support, int Found, int FalseAlarms)
{
    public double Recall => Support == 0 ? 0 : Found / (double)Support;

    public double Precision => Found + FalseAlarms == 0 ? 0 : Found / (double)(Found + FalseAlarms);
}

/// <summary>How well one hard sign was found on writers the model never saw: at its flag threshold and at its floor threshold.</summary>
public sealed record SignFigures(HardSignals Sign, SignCounts Flag, SignCounts Floor);

/// <summary>
/// Leave-one-writer-out: for each writer of the written corpus, a model trained on every other writer (and the generated
/// corpus, when it is part of the data) grades that writer's reports. The figures pool every writer's held-out grades:
/// how the model does on people whose way of writing it has never read, which is what it meets in use.
/// </summary>
public sealed record CrossValidationReport(
    EvaluationResult All,
    IReadOnlyDictionary<string, EvaluationResult> ByLanguage,
    IReadOnlyList<WriterScore> ByWriter,
    IReadOnlyList<SignFigures> Signs,
    IReadOnlyList<(TrainingExample Example, GradePrediction Prediction)> Predictions)
{
    /// <summary>The learned grade model alone, before any floor raised a grade.</summary>
    public EvaluationResult ModelOnly { get; } = ModelEvaluator.FromPairs(Predictions.Select(p => (p.Example.Label, p.Prediction.ModelGrade)));

    public double NoneRecall => All.PerGrade[(int)Grade.None].Recall;

    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Leave-one-writer-out over {ByWriter.Count} writers, {All.Count} reports: macro-F1 {All.MacroF1:F3}, red recall {All.RedRecall:F3}, none recall {NoneRecall:F3}");
        sb.Append(All.Format());
        sb.AppendLine(c, $"the grade model alone, before floors: macro-F1 {ModelOnly.MacroF1:F3}, red recall {ModelOnly.RedRecall:F3}, none recall {ModelOnly.PerGrade[(int)Grade.None].Recall:F3}");
        foreach (var (language, result) in ByLanguage.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(c, $"{language}: n = {result.Count}, macro-F1 {result.MacroF1:F3}, red recall {result.RedRecall:F3}, none recall {result.PerGrade[(int)Grade.None].Recall:F3}, accuracy {result.Accuracy:F3}");
        }

        sb.AppendLine("writer  lang    n  macro-F1  red recall  none recall");
        foreach (var w in ByWriter)
        {
            sb.AppendLine(c, $"{w.Writer,-6}  {w.Language,-4} {w.Result.Count,4}  {w.Result.MacroF1,8:F3}  {w.Result.RedRecall,10:F3}  {w.Result.PerGrade[(int)Grade.None].Recall,11:F3}");
        }

        sb.AppendLine("sign               support  flagged: recall  precision  raises the grade: recall  precision");
        foreach (var s in Signs)
        {
            sb.AppendLine(c, $"{s.Sign.ToWire(),-18} {s.Flag.Support,7}  {s.Flag.Recall,15:F3}  {s.Flag.Precision,9:F3}  {s.Floor.Recall,24:F3}  {s.Floor.Precision,9:F3}");
        }

        return sb.ToString();
    }
}

public static class WriterCrossValidation
{
    /// <param name="examples">Every example; those of writer "generated" are only ever trained on, never held out.</param>
    /// <param name="onlyWriters">Hold out just these writers (null: every written writer).</param>
    public static CrossValidationReport Run(
        IReadOnlyList<TrainingExample> examples, TrainingOptions options, string workDirectory, Action<string>? log = null, IReadOnlyCollection<string>? onlyWriters = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        var writers = examples.Select(e => e.Writer).Where(w => w != WrittenCorpus.GeneratedWriter)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(w => onlyWriters is null || onlyWriters.Contains(w)).ToList();
        Directory.CreateDirectory(workDirectory);
        var predictions = new List<(TrainingExample, GradePrediction)>();
        var byWriter = new List<WriterScore>();
        foreach (var writer in writers)
        {
            var sw = Stopwatch.StartNew();
            var train = examples.Where(e => e.Writer != writer).ToList();
            var heldOut = examples.Where(e => e.Writer == writer).ToList();
            var path = Path.Combine(workDirectory, $"without-{writer}.zip");
            ModelTrainer.Train(train, "lowo-" + writer, path, options with { Version = "lowo-" + writer });
            using (var model = RiskModel.Load(path))
            {
                var graded = model.PredictBatch(heldOut.Select(e => e.Report).ToList());
                predictions.AddRange(heldOut.Zip(graded));
                var result = ModelEvaluator.FromPairs(heldOut.Select((e, i) => (e.Label, graded[i].Grade)));
                byWriter.Add(new WriterScore(writer, Language(heldOut), result));
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{writer}: {heldOut.Count} reports, macro-F1 {result.MacroF1:F3}, red recall {result.RedRecall:F3} ({sw.Elapsed.TotalSeconds:F0} s)"));
            }

            File.Delete(path);
        }

        var all = ModelEvaluator.FromPairs(predictions.Select(p => (p.Item1.Label, p.Item2.Grade)));
        var byLanguage = predictions.GroupBy(p => p.Item1.Report.Language ?? "?", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ModelEvaluator.FromPairs(g.Select(p => (p.Item1.Label, p.Item2.Grade))), StringComparer.Ordinal);
        var labelled = predictions.Where(p => p.Item1.Signals is not null).ToList();
        SignCounts Count(HardSignals sign, Func<GradePrediction, HardSignals> found) => new(
            labelled.Count(p => (p.Item1.Signals!.Value & sign) != 0),
            labelled.Count(p => (p.Item1.Signals!.Value & sign) != 0 && (found(p.Item2) & sign) != 0),
            labelled.Count(p => (p.Item1.Signals!.Value & sign) == 0 && (found(p.Item2) & sign) != 0));
        var signs = HardSignalNames.All
            .Select(sign => new SignFigures(sign, Count(sign, p => p.Signs | p.FlaggedSigns), Count(sign, p => p.Signs)))
            .ToList();
        return new CrossValidationReport(all, byLanguage, byWriter, signs, predictions);
    }

    private static string Language(IReadOnlyList<TrainingExample> examples)
    {
        var zh = examples.Count(e => e.Report.Language == "zh");
        return zh * 2 >= examples.Count ? "zh" : "en";
    }
}
