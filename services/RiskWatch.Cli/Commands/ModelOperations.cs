using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Host;
using RiskWatch.Data.Models;
using RiskWatch.Ml;
using RiskWatch.Ml.Evaluation;
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
        string WrittenDirectory, string? GeneratedPath, TrainingOptions Options, bool IncludeFeedback, bool Evaluate, string ModelsDirectory,
        string? OutputPath, bool Register);

    /// <summary>
    /// Trains a model on the corpora (and the responders' corrections when asked), measures the same recipe leave-one-writer-out
    /// (unless told not to: it trains once per writer), and registers the version (not current) with those figures, which the
    /// promotion gate compares.
    /// </summary>
    public static async Task<string> TrainAsync(TrainRequest request, NpgsqlDataSource? dataSource, TextWriter log, CancellationToken cancellationToken)
    {
        IReadOnlyList<FeedbackExample> feedback = dataSource is null ? [] : await ReadFeedbackAsync(dataSource, cancellationToken);
        var corpus = TrainingCorpus.Load(request.WrittenDirectory, request.GeneratedPath);
        var data = TrainingData.Create(corpus, feedback, request.IncludeFeedback);
        var writers = data.Examples.Select(e => e.Writer).Distinct(StringComparer.Ordinal).Count();
        log.WriteLine(string.Create(C, $"Training data: {data.Examples.Count} reports from {writers} sources (written corpus {request.WrittenDirectory}{(request.GeneratedPath is null ? "" : ", generated " + request.GeneratedPath)})."));
        if (request.IncludeFeedback)
        {
            log.WriteLine(string.Create(C, $"Feedback: {feedback.Count} corrected reports; {data.FeedbackForTraining.Count} train, {data.HeldOutFeedback.Count} are held out for promotion."));
        }

        var options = request.Options;
        GateFigures? byWriter = null;
        if (request.Evaluate)
        {
            log.WriteLine($"{options.Trainer}: leave-one-writer-out (one model per writer) ...");
            var work = Path.Combine(Path.GetTempPath(), "riskwatch-lowo-" + Guid.NewGuid().ToString("N"));
            try
            {
                var report = WriterCrossValidation.Run(data.Examples, options, work, m => log.WriteLine("  " + m));
                log.Write(report.Format());
                byWriter = GateFigures.From(report);
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }

        var now = DateTimeOffset.UtcNow;
        var version = string.Create(C, $"m-{now:yyyyMMdd-HHmmss}-{Short(options.Trainer)}-{data.Sha256[..8]}");
        var output = request.OutputPath is { Length: > 0 } o ? Path.GetFullPath(o) : Path.Combine(request.ModelsDirectory, version, "model.zip");
        var result = ModelTrainer.Train(data.Examples, data.Sha256, output, options with { Version = version, Now = now });
        log.WriteLine(string.Create(C, $"Trained {version} on {result.TrainCount} reports in {result.Elapsed.TotalSeconds:F0} s -> {output}"));

        if (request.Register && dataSource is not null)
        {
            var metrics = JsonSerializer.Serialize(new
            {
                trainer = options.Trainer.ToString(),
                trainCount = result.TrainCount,
                feedbackUsed = data.FeedbackForTraining.Count,
                byWriter,
            }, MetricsJson);
            var registered = await new ModelRegistry(dataSource).RegisterAsync(new ModelRegistration(
                version, options.Trainer.ToString(), now, data.Sha256, metrics, output, await File.ReadAllBytesAsync(output, cancellationToken)), cancellationToken);
            log.WriteLine(registered
                ? $"Registered {version}. Make it current with: riskwatch model promote {version}"
                : $"{version} was already registered.");
        }

        return version;
    }

    /// <summary>Registry metrics in camelCase, as <see cref="GateFigures.FromMetrics"/> reads them.</summary>
    private static readonly JsonSerializerOptions MetricsJson = new(JsonSerializerDefaults.Web);

    public static TrainerKind ParseTrainer(string name) => name switch
    {
        "sdca" => TrainerKind.SdcaMaximumEntropy,
        "lightgbm" => TrainerKind.LightGbm,
        "fasttree" => TrainerKind.FastTreeOva,
        _ => throw new ArgumentException($"unknown trainer '{name}' (sdca, lightgbm, fasttree)"),
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
    /// Promotes a registered version when its leave-one-writer-out figures are at least the current one's, and so are its
    /// figures on held-out corrections (when there are any), or when forced. Returns the decision.
    /// </summary>
    public static async Task<PromotionDecision> PromoteAsync(
        NpgsqlDataSource dataSource, string version, bool force, string actor, string? reason, TextWriter log, CancellationToken cancellationToken)
    {
        var registry = new ModelRegistry(dataSource);
        var candidateInfo = await registry.GetAsync(version, cancellationToken) ?? throw new KeyNotFoundException($"No model version '{version}' is registered.");
        var current = await registry.CurrentAsync(cancellationToken);
        if (current?.Version == version)
        {
            throw new InvalidOperationException($"{version} is already current.");
        }

        var currentInfo = current is null ? null : await registry.GetAsync(current.Version, cancellationToken);
        var heldOut = (await ReadFeedbackAsync(dataSource, cancellationToken)).Where(f => CorpusSplit.Of(f.Report.ReportId) == CorpusPart.Test)
            .Select(f => (f.Report, f.Label)).ToList();
        EvaluationResult? candidateFeedback = null, currentFeedback = null;
        if (heldOut.Count > 0 && current is not null)
        {
            using (var candidate = RiskModel.Load(await LocalModelFileAsync(registry, version, cancellationToken)))
            {
                candidateFeedback = ModelEvaluator.Evaluate(candidate, heldOut);
            }

            using var model = RiskModel.Load(await LocalModelFileAsync(registry, current.Version, cancellationToken));
            currentFeedback = ModelEvaluator.Evaluate(model, heldOut);
        }

        var decision = PromotionGate.Decide(
            GateFigures.FromMetrics(candidateInfo.Metrics), currentInfo is null ? null : GateFigures.FromMetrics(currentInfo.Metrics), candidateFeedback, currentFeedback);
        log.WriteLine($"candidate {version}, leave-one-writer-out: {decision.Candidate?.ToString() ?? "none measured"}");
        if (current is not null)
        {
            log.WriteLine($"current   {current.Version}, leave-one-writer-out: {decision.Current?.ToString() ?? "none measured"}");
        }

        if (candidateFeedback is not null)
        {
            log.WriteLine(string.Create(C, $"held-out corrections ({heldOut.Count}): candidate macro-F1 {candidateFeedback.MacroF1:F4}, red recall {candidateFeedback.RedRecall:F4}; current macro-F1 {currentFeedback!.MacroF1:F4}, red recall {currentFeedback.RedRecall:F4}"));
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
