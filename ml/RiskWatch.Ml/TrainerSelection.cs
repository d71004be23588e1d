using System.Diagnostics;
using System.Globalization;
using System.Text;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml;

/// <summary>One trainer's figures: cross-validated on the train part, then trained on it and scored on validation.</summary>
public sealed record TrainerCandidate(TrainerKind Trainer, double CvMacroF1, EvaluationResult Validation, TimeSpan TrainingTime);

/// <summary>The trainers compared and the one chosen. The test part plays no part in it.</summary>
public sealed record TrainerChoice(IReadOnlyList<TrainerCandidate> Candidates, TrainerKind Chosen, int Folds)
{
    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"trainer              {Folds}-fold CV macro-F1  validation macro-F1  validation red recall  training time");
        foreach (var t in Candidates)
        {
            sb.AppendLine(c, $"{t.Trainer,-20} {t.CvMacroF1,18:F3}  {t.Validation.MacroF1,19:F3}  {t.Validation.RedRecall,21:F3}  {t.TrainingTime.TotalSeconds,11:F0} s{(t.Trainer == Chosen ? "   <- chosen" : "")}");
        }

        return sb.ToString();
    }
}

/// <summary>
/// Chooses a trainer: each is cross-validated on the train part (learned model alone) and trained on the train
/// part and scored, floors included, on the validation part. The choice is made on validation: the highest
/// macro-F1, where two are within <see cref="Tie"/> (about one report of the validation part) the higher red
/// recall, then the faster to train.
/// </summary>
public static class TrainerSelection
{
    public const double Tie = 0.0015;

    public static TrainerChoice Choose(
        IReadOnlyList<(ReportV1 Report, Grade Label)> train,
        IReadOnlyList<(ReportV1 Report, Grade Label)> validation,
        IReadOnlyList<TrainerKind> trainers,
        string dataSha256,
        string workDirectory,
        int folds = 3,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(trainers);
        if (trainers.Count == 0)
        {
            throw new ArgumentException("No trainer to compare.", nameof(trainers));
        }

        var candidates = new List<TrainerCandidate>();
        foreach (var trainer in trainers)
        {
            log?.Invoke($"{trainer}: {folds}-fold cross-validation on {train.Count} train reports ...");
            var cv = ModelTrainer.CrossValidateMacroF1(train, trainer, folds);
            log?.Invoke($"{trainer}: training on the train part, scoring {validation.Count} validation reports ...");
            var path = Path.Combine(workDirectory, trainer.ToString(), "model.zip");
            var sw = Stopwatch.StartNew();
            ModelTrainer.TrainRows(train, dataSha256, path, new TrainingOptions { Trainer = trainer, Version = "candidate-" + trainer });
            var elapsed = sw.Elapsed;
            using var model = RiskModel.Load(path);
            var result = ModelEvaluator.Evaluate(model, validation);
            candidates.Add(new TrainerCandidate(trainer, cv, result, elapsed));
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{trainer}: CV macro-F1 {cv:F3}, validation macro-F1 {result.MacroF1:F3}, red recall {result.RedRecall:F3}"));
        }

        return new TrainerChoice(candidates, Pick(candidates), folds);
    }

    /// <summary>The choice rule alone (pure), so that it can be tested without training.</summary>
    public static TrainerKind Pick(IReadOnlyList<TrainerCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var best = candidates.Max(c => c.Validation.MacroF1);
        return candidates
            .Where(c => c.Validation.MacroF1 >= best - Tie)
            .OrderByDescending(c => c.Validation.RedRecall)
            .ThenBy(c => c.TrainingTime)
            .First().Trainer;
    }
}
