using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Model;
using RiskWatch.Ml.Signals;

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
    /// <summary>
    /// How well each learned fact was read on writers the model never saw, at probability 0.5 (a fact's floor threshold is
    /// chosen for 90% precision and is usually higher).
    /// </summary>
    public IReadOnlyList<(FactSigns Fact, SignCounts Counts)> Facts { get; } = [.. FactSignNames.All.Select(fact =>
    {
        var k = FactSignNames.IndexOf(fact);
        var labelled = Predictions.Where(p => p.Example.Facts is not null && p.Prediction.FactProbabilities.Length > k).ToList();
        return (fact, new SignCounts(
            labelled.Count(p => (p.Example.Facts!.Value & fact) != 0),
            labelled.Count(p => (p.Example.Facts!.Value & fact) != 0 && p.Prediction.FactProbabilities[k] >= 0.5f),
            labelled.Count(p => (p.Example.Facts!.Value & fact) == 0 && p.Prediction.FactProbabilities[k] >= 0.5f)));
    })];

    /// <summary>The learned grade model alone, before any floor raised a grade.</summary>
    public EvaluationResult ModelOnly { get; } = ModelEvaluator.FromPairs(Predictions.Select(p => (p.Example.Label, p.Prediction.ModelGrade)));

    public double NoneRecall => All.PerGrade[(int)Grade.None].Recall;

    /// <summary>With a grade decision (<see cref="TrainingOptions.Decision"/>): the same folds graded without it.</summary>
    public CrossValidationReport? WithoutDecision { get; init; }

    /// <summary>
    /// Each held-out report's grading as one JSON line (its id, writer, label and signs; the grade, the grade model's own
    /// grade and probabilities, the floors that fired, the signs floored and flagged): for reading the errors.
    /// </summary>
    public void WritePredictions(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (example, p) in Predictions)
        {
            writer.WriteLine(JsonSerializer.Serialize(new
            {
                reportId = example.Report.ReportId,
                writer = example.Writer,
                language = example.Report.Language,
                label = example.Label.ToWire(),
                labelSigns = example.Signals is { } s ? Names(s) : null,
                grade = p.Grade.ToWire(),
                probabilities = p.Probabilities,
                modelGrade = p.ModelGrade.ToWire(),
                modelProbabilities = p.ModelProbabilities,
                floors = p.Floors.Select(f => $"{f.Rule}:{f.Grade.ToWire()}"),
                signs = Names(p.Signs),
                flagged = Names(p.FlaggedSigns),
                signProbabilities = p.SignProbabilities,
                factProbabilities = p.FactProbabilities,
                labelFacts = example.Facts is { } f ? (int)f : (int?)null,
                text = example.Report.Text,
            }, JsonOptions));
        }
    }

    private static IEnumerable<string> Names(HardSignals signs) => HardSignalNames.All.Where(s => (signs & s) != 0).Select(s => s.ToWire());

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Leave-one-writer-out{(WithoutDecision is null ? "" : " with the grade decision")} over {ByWriter.Count} writers, {All.Count} reports: macro-F1 {All.MacroF1:F3}, red recall {All.RedRecall:F3}, none recall {NoneRecall:F3}");
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

        sb.AppendLine("learned fact (at 0.5)                          support  recall  precision");
        foreach (var (fact, counts) in Facts)
        {
            sb.AppendLine(c, $"{FactSignNames.Descriptions[FactSignNames.IndexOf(fact)],-46} {counts.Support,7}  {counts.Recall,6:F3}  {counts.Precision,9:F3}");
        }

        if (WithoutDecision is not null)
        {
            sb.AppendLine().AppendLine("The same folds without the grade decision:").Append(WithoutDecision.Format());
        }

        return sb.ToString();
    }
}

public static class WriterCrossValidation
{
    /// <param name="examples">Every example; those of writer "generated" are only ever trained on, never held out.</param>
    /// <param name="onlyWriters">Hold out just these writers (null: every written writer).</param>
    /// <param name="groups">
    /// 0: one model per writer (the headline figures). N: the writers dealt into N groups, one model per group trained
    /// without it: still writers the model never read, N trainings instead of one per writer, for trying a recipe.
    /// </param>
    public static CrossValidationReport Run(
        IReadOnlyList<TrainingExample> examples, TrainingOptions options, string workDirectory, Action<string>? log = null,
        IReadOnlyCollection<string>? onlyWriters = null, int groups = 0)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(groups);
        var writers = examples.Select(e => e.Writer).Where(w => w != WrittenCorpus.GeneratedWriter)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(w => onlyWriters is null || onlyWriters.Contains(w)).ToList();
        var folds = groups == 0
            ? writers.Select(w => (IReadOnlyList<string>)[w]).ToList()
            : writers.Select((w, i) => (w, i)).GroupBy(x => x.i % groups).Select(g => (IReadOnlyList<string>)g.Select(x => x.w).ToList()).ToList();
        Directory.CreateDirectory(workDirectory);
        var predictions = new List<(TrainingExample, GradePrediction)>();
        foreach (var fold in folds)
        {
            var sw = Stopwatch.StartNew();
            var name = string.Join('-', fold);
            var train = examples.Where(e => !fold.Contains(e.Writer)).ToList();
            var path = Path.Combine(workDirectory, $"without-{name}.zip");
            ModelTrainer.Train(train, "lowo-" + name, path, options with { Version = "lowo-" + name, Decision = false });
            using (var model = RiskModel.Load(path))
            {
                foreach (var writer in fold)
                {
                    var heldOut = examples.Where(e => e.Writer == writer).ToList();
                    var graded = model.PredictBatch(heldOut.Select(e => e.Report).ToList());
                    predictions.AddRange(heldOut.Zip(graded));
                    var result = ModelEvaluator.FromPairs(heldOut.Select((e, i) => (e.Label, graded[i].Grade)));
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"{writer}: {heldOut.Count} reports, macro-F1 {result.MacroF1:F3}, red recall {result.RedRecall:F3} before the decision ({sw.Elapsed.TotalSeconds:F0} s)"));
                }
            }

            File.Delete(path);
        }

        return options.Decision
            ? Report(writers, Decided(predictions, folds, options)) with { WithoutDecision = Report(writers, predictions) }
            : Report(writers, predictions);
    }

    private static CrossValidationReport Report(IReadOnlyList<string> writers, IReadOnlyList<(TrainingExample, GradePrediction)> predictions)
    {
        var byWriter = writers.Select(writer =>
        {
            var own = predictions.Where(p => p.Item1.Writer == writer).ToList();
            return new WriterScore(writer, Language(own.Select(p => p.Item1).ToList()), ModelEvaluator.FromPairs(own.Select(p => (p.Item1.Label, p.Item2.Grade))));
        }).ToList();
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

    /// <summary>
    /// The grade decision for each fold, trained as <see cref="ModelTrainer"/> trains it (on figures of writers the stages
    /// before had not read), here on the other folds' held-out figures, then applied to the fold's: the decision never
    /// sees the writers it grades. Predictions without learned signs stay as they are.
    /// </summary>
    private static List<(TrainingExample, GradePrediction)> Decided(
        List<(TrainingExample Example, GradePrediction Prediction)> predictions, IReadOnlyList<IReadOnlyList<string>> folds, TrainingOptions options)
    {
        static float[]? Inputs((TrainingExample Example, GradePrediction Prediction) p)
        {
            if (p.Prediction.SignProbabilities.Length == 0 || p.Prediction.FactProbabilities.Length == 0)
            {
                return null;
            }

            var inputs = new float[GradeDecision.InputCount];
            GradeDecision.Inputs(p.Prediction.ModelProbabilities, p.Prediction.SignProbabilities, p.Prediction.FactProbabilities, p.Example.Report.Language == "en", inputs);
            return inputs;
        }

        var inputs = predictions.Select(Inputs).ToList();
        var decided = predictions.ToList();
        foreach (var fold in folds)
        {
            var rows = predictions.Select((p, i) => (p, i)).Where(x => inputs[x.i] is not null && !fold.Contains(x.p.Example.Writer))
                .Select(x => (inputs[x.i]!, x.p.Example.Label)).ToList();
            if (GradeDecision.Train(rows, options.Seed, options.Threads) is not { } decision)
            {
                continue;
            }

            for (var i = 0; i < predictions.Count; i++)
            {
                if (inputs[i] is { } x && fold.Contains(predictions[i].Example.Writer))
                {
                    // As RiskModel grades with a decision: the same floors, the probabilities raised, unheeded signs only flagged.
                    var probabilities = new float[Grades.All.Count];
                    decision.Decide(x, probabilities);
                    var plain = predictions[i].Prediction;
                    var (grade, raised, signs) = RiskModel.UnderDecision(
                        probabilities, plain.Floors, new SignDetection(plain.FlaggedSigns, plain.Signs));
                    decided[i] = (predictions[i].Example, plain with { Grade = grade, Probabilities = raised, Signs = signs.Floored, FlaggedSigns = signs.Flagged });
                }
            }
        }

        return decided;
    }

    /// <summary>
    /// The in-corpus split to compare with: the written examples dealt into <paramref name="folds"/> random folds by report
    /// id, each fold standing in for a writer, so that every writer is also in training ("fold1" .. "foldN"; the generated
    /// examples stay trained on only). Leave-one-writer-out over these is an ordinary k-fold split.
    /// </summary>
    public static IReadOnlyList<TrainingExample> AsRandomFolds(IReadOnlyList<TrainingExample> examples, int folds)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        return examples.Select(e => e.Writer == WrittenCorpus.GeneratedWriter
            ? e
            : e with { Writer = "fold" + (1 + ModelTrainer.ReportFold(e, folds)) }).ToList();
    }

    /// <summary>
    /// The language a writer wrote in: <c>zh</c> or <c>en</c> when nine in ten of their reports are in it, <c>both</c>
    /// otherwise (an in-corpus fold, which mixes every writer).
    /// </summary>
    internal static string Language(IReadOnlyList<TrainingExample> examples)
    {
        var zh = examples.Count(e => e.Report.Language == "zh");
        var en = examples.Count(e => e.Report.Language == "en");
        return zh * 10 >= examples.Count * 9 ? "zh" : en * 10 >= examples.Count * 9 ? "en" : "both";
    }
}
