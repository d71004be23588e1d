using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Host;
using RiskWatch.Data.Models;
using RiskWatch.Ml;
using RiskWatch.Ml.Registry;

namespace RiskWatch.Cli.Commands;

/// <summary>The work behind <c>riskwatch model ...</c>, apart from argument parsing, so that tests run it directly.</summary>
public static class ModelOperations
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The data folder's models directory (Embedded:DataDirectory, default .riskwatch).</summary>
    public static string ModelsDirectory(IConfiguration configuration)
    {
        var options = configuration.GetSection(EmbeddedOptions.SectionName).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
        return Path.Combine(Path.GetFullPath(options.DataDirectory), "models");
    }

    /// <summary>Model:Path, or the data folder's models/model.zip: the file used while the registry is empty.</summary>
    public static string FallbackModelPath(IConfiguration configuration) =>
        configuration["Model:Path"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : Path.Combine(ModelsDirectory(configuration), "model.zip");

    public static async Task<IReadOnlyList<FeedbackExample>> ReadFeedbackAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var rows = await new FeedbackStore(dataSource).ReadAsync(cancellationToken);
        return rows.Select(r => new FeedbackExample(
                JsonSerializer.Deserialize<ReportV1>(r.Body, LabelledCorpus.JsonOptions) ?? throw new InvalidDataException($"report {r.ReportId} has no body"),
                Grades.Parse(r.CorrectedGrade),
                r.FeedbackId))
            .ToList();
    }

    public sealed record TrainRequest(
        string CorpusPath, string Trainer, bool IncludeFeedback, bool FinalOnTrainAndValidation, int Folds, string ModelsDirectory, string? OutputPath, bool Register);

    /// <summary>Trains (choosing the trainer when asked), evaluates on held-out data, and registers the version (not current).</summary>
    public static async Task<string> TrainAsync(TrainRequest request, NpgsqlDataSource? dataSource, TextWriter log, CancellationToken cancellationToken)
    {
        IReadOnlyList<FeedbackExample> feedback = dataSource is null ? [] : await ReadFeedbackAsync(dataSource, cancellationToken);
        var data = TrainingData.Create(request.CorpusPath, feedback, request.IncludeFeedback);
        var train = data.Rows(CorpusPart.Train);
        var validation = data.Rows(CorpusPart.Validation);
        log.WriteLine(string.Create(C, $"Corpus {request.CorpusPath}: {data.Corpus.Count} reports; train {train.Count}, validation {validation.Count}, held out {data.HeldOut().Count}."));
        if (request.IncludeFeedback)
        {
            log.WriteLine(string.Create(C, $"Feedback: {feedback.Count} corrected reports; {data.FeedbackForTraining.Count} join training and validation, {data.HeldOutFeedbackCount} are held out with the test split."));
        }

        var work = Path.Combine(Path.GetTempPath(), "riskwatch-train-" + Guid.NewGuid().ToString("N"));
        try
        {
            TrainerKind trainer;
            object? comparison = null;
            EvaluationResult validationResult;
            if (request.Trainer == "auto")
            {
                var choice = TrainerSelection.Choose(train, validation, [TrainerKind.SdcaMaximumEntropy, TrainerKind.LightGbm, TrainerKind.FastTreeOva],
                    data.Sha256, work, request.Folds, m => log.WriteLine(m));
                log.WriteLine();
                log.Write(choice.Format());
                trainer = choice.Chosen;
                validationResult = choice.Candidates.Single(c => c.Trainer == trainer).Validation;
                comparison = choice.Candidates.Select(c => new
                {
                    trainer = c.Trainer.ToString(),
                    cvMacroF1 = Math.Round(c.CvMacroF1, 4),
                    validationMacroF1 = Math.Round(c.Validation.MacroF1, 4),
                    validationRedRecall = Math.Round(c.Validation.RedRecall, 4),
                    trainingSeconds = Math.Round(c.TrainingTime.TotalSeconds, 1),
                }).ToList();
                log.WriteLine(string.Create(C, $"Chosen on validation (never on the test split): {trainer}."));
            }
            else
            {
                trainer = ParseTrainer(request.Trainer);
                var path = Path.Combine(work, "train-only", "model.zip");
                log.WriteLine(string.Create(C, $"{trainer}: training on the train part ..."));
                ModelTrainer.TrainRows(train, data.Sha256, path, new TrainingOptions { Trainer = trainer, Version = "candidate" });
                using var model = RiskModel.Load(path);
                validationResult = ModelEvaluator.Evaluate(model, validation);
                log.WriteLine(string.Create(C, $"Validation ({validation.Count}): macro-F1 {validationResult.MacroF1:F3}, red recall {validationResult.RedRecall:F3}."));
            }

            var now = DateTimeOffset.UtcNow;
            var version = string.Create(C, $"m-{now:yyyyMMdd-HHmmss}-{Short(trainer)}-{data.Sha256[..8]}");
            var output = request.OutputPath is { Length: > 0 } o ? Path.GetFullPath(o) : Path.Combine(request.ModelsDirectory, version, "model.zip");
            var finalRows = request.FinalOnTrainAndValidation ? data.Rows(CorpusPart.Train, CorpusPart.Validation) : train;
            log.WriteLine(request.FinalOnTrainAndValidation
                ? string.Create(C, $"The shipped model is retrained with {trainer} on train + validation ({finalRows.Count} reports); the validation figures above are of the train-only fit.")
                : string.Create(C, $"The shipped model is trained with {trainer} on the train part only ({finalRows.Count} reports)."));
            var result = ModelTrainer.TrainRows(finalRows, data.Sha256, output, new TrainingOptions { Trainer = trainer, Version = version, Now = now });

            using var shipped = RiskModel.Load(output);
            var heldOut = ModelEvaluator.Evaluate(shipped, data.HeldOut());
            log.WriteLine(string.Create(C, $"Held-out test split{(data.HeldOutFeedbackCount > 0 ? " + held-out feedback" : "")} ({heldOut.Count}): macro-F1 {heldOut.MacroF1:F3}, red recall {heldOut.RedRecall:F3}, accuracy {heldOut.Accuracy:F3}."));
            log.WriteLine(string.Create(C, $"Trained {version} in {result.Elapsed.TotalSeconds:F0} s -> {output}"));

            if (request.Register && dataSource is not null)
            {
                var metrics = JsonSerializer.Serialize(new
                {
                    trainer = trainer.ToString(),
                    trainCount = result.TrainCount,
                    finalFit = request.FinalOnTrainAndValidation ? "train+validation" : "train",
                    feedbackUsed = data.FeedbackForTraining.Count,
                    validation = validationResult.Figures(),
                    heldOut = heldOut.Figures(),
                    comparison,
                });
                var registered = await new ModelRegistry(dataSource).RegisterAsync(new ModelRegistration(
                    version, trainer.ToString(), now, data.Sha256, metrics, output, await File.ReadAllBytesAsync(output, cancellationToken)), cancellationToken);
                log.WriteLine(registered
                    ? $"Registered {version}. Make it current with: riskwatch model promote {version}"
                    : $"{version} was already registered.");
            }

            return version;
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    public static TrainerKind ParseTrainer(string name) => name switch
    {
        "sdca" => TrainerKind.SdcaMaximumEntropy,
        "lightgbm" => TrainerKind.LightGbm,
        "fasttree" => TrainerKind.FastTreeOva,
        _ => throw new ArgumentException($"unknown trainer '{name}' (auto, sdca, lightgbm, fasttree)"),
    };

    private static string Short(TrainerKind kind) => kind switch
    {
        TrainerKind.SdcaMaximumEntropy => "sdca",
        TrainerKind.LightGbm => "lightgbm",
        _ => "fasttree",
    };

    /// <summary>A local file for a registered version: its path when the bytes are there, else a temporary copy from the registry.</summary>
    public static async Task<string> LocalModelFileAsync(ModelRegistry registry, string version, CancellationToken cancellationToken)
    {
        var info = await registry.GetAsync(version, cancellationToken) ?? throw new KeyNotFoundException($"No model version '{version}' is registered.");
        return await registry.LocalFileAsync(version, info.ContentSha256, info.Path, Path.Combine(Path.GetTempPath(), "riskwatch-models"), cancellationToken);
    }

    /// <summary>
    /// Promotes a registered version when it is at least as good as the current one on macro-F1 and red recall
    /// over the same held-out data (corpus test split + held-out feedback), or when forced. Returns the decision.
    /// </summary>
    public static async Task<PromotionDecision> PromoteAsync(
        NpgsqlDataSource dataSource, string corpusPath, string version, bool force, string actor, string? reason, TextWriter log, CancellationToken cancellationToken)
    {
        var registry = new ModelRegistry(dataSource);
        var candidatePath = await LocalModelFileAsync(registry, version, cancellationToken);
        var current = await registry.CurrentAsync(cancellationToken);
        if (current?.Version == version)
        {
            throw new InvalidOperationException($"{version} is already current.");
        }

        var data = TrainingData.Create(corpusPath, await ReadFeedbackAsync(dataSource, cancellationToken), includeFeedback: false);
        var heldOut = data.HeldOut();
        EvaluationResult candidateResult;
        using (var candidate = RiskModel.Load(candidatePath))
        {
            candidateResult = ModelEvaluator.Evaluate(candidate, heldOut);
        }

        EvaluationResult? currentResult = null;
        if (current is not null)
        {
            using var model = RiskModel.Load(await LocalModelFileAsync(registry, current.Version, cancellationToken));
            currentResult = ModelEvaluator.Evaluate(model, heldOut);
        }

        var decision = PromotionGate.Decide(candidateResult, currentResult);
        log.WriteLine(string.Create(C, $"Held-out data: {heldOut.Count} reports (corpus test split{(data.HeldOutFeedbackCount > 0 ? $" + {data.HeldOutFeedbackCount} held-out feedback" : "")})."));
        log.WriteLine(string.Create(C, $"candidate {version}: macro-F1 {candidateResult.MacroF1:F4}, red recall {candidateResult.RedRecall:F4}"));
        if (currentResult is not null)
        {
            log.WriteLine(string.Create(C, $"current   {current!.Version}: macro-F1 {currentResult.MacroF1:F4}, red recall {currentResult.RedRecall:F4}"));
        }

        if (!decision.Allowed && !force)
        {
            log.WriteLine($"Refused: {decision.Reason}. Use --force to promote anyway.");
            return decision;
        }

        var why = reason ?? (decision.Allowed ? decision.Reason : "forced: " + decision.Reason);
        await registry.PromoteAsync(version, forced: !decision.Allowed, actor, why, cancellationToken);
        log.WriteLine($"Promoted {version}{(decision.Allowed ? "" : " (forced)")}; Scoring switches to it within its poll interval (2 s by default), between batches.");
        return decision with { Allowed = true };
    }
}
