using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RiskWatch.Data.Models;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Commands;

public static class ModelCommands
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var model = new Command("model", "Train, evaluate, list, promote and roll back the risk model.");
        model.Subcommands.Add(Train());
        model.Subcommands.Add(Evaluate());
        model.Subcommands.Add(List());
        model.Subcommands.Add(Promote());
        model.Subcommands.Add(Rollback());
        return model;
    }

    private static Option<string> WrittenOption() =>
        new("--written") { Description = "Folder of the written corpus (one JSON Lines file a writer).", DefaultValueFactory = _ => WrittenCorpus.DefaultDirectory };

    private static Option<string?> GeneratedOption() =>
        new("--generated") { Description = "The generated seed corpus, trained on as one more source (its reports that are not Chinese: ml/README.md); 'none' leaves it out.", DefaultValueFactory = _ => SeedCorpus.DefaultPath };

    private static Option<string> TrainerOption()
    {
        var trainer = new Option<string>("--trainer") { Description = "sdca (default), lightgbm or fasttree.", DefaultValueFactory = _ => "sdca" };
        trainer.AcceptOnlyFromAmong("sdca", "lightgbm", "fasttree");
        return trainer;
    }

    private static Option<bool> DecisionOption() =>
        new("--decision") { Description = "Add the grade decision, boosted trees over the stages' figures (ml/README.md: better macro-F1 and red recall on held-out writers, but a fifth slower scoring, and it grades nearly every real CLB strike red)." };

    private static string? Generated(string? value) => value is null or "none" ? null : Path.GetFullPath(value);

    private static Command Train()
    {
        var written = WrittenOption();
        var generated = GeneratedOption();
        var trainer = TrainerOption();
        var decision = DecisionOption();
        var includeFeedback = new Option<bool>("--include-feedback") { Description = "Add responders' corrections (grade_feedback) as labelled examples; those in the test split stay held out." };
        var noEvaluation = new Option<bool>("--no-evaluation") { Description = "Skip the leave-one-writer-out figures (one training per writer); the promotion gate then refuses the version." };
        var output = new Option<string?>("--output") { Description = "Where to write model.zip (default: <data folder>/models/<version>/model.zip)." };
        var noRegister = new Option<bool>("--no-register") { Description = "Only write the file; do not add the version to the registry." };
        var command = new Command("train", "Train a model version, measure its recipe leave-one-writer-out, and register it (it becomes current only by `model promote`).")
        {
            written, generated, trainer, decision, includeFeedback, noEvaluation, output, noRegister,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build();
            var register = !parse.GetValue(noRegister);
            var request = new ModelOperations.TrainRequest(
                Path.GetFullPath(parse.GetValue(written)!), Generated(parse.GetValue(generated)),
                new TrainingOptions { Trainer = ModelOperations.ParseTrainer(parse.GetValue(trainer)!), Decision = parse.GetValue(decision) },
                parse.GetValue(includeFeedback), !parse.GetValue(noEvaluation), ModelOperations.ModelsDirectory(configuration), parse.GetValue(output), register);
            if (!register && !request.IncludeFeedback)
            {
                await ModelOperations.TrainAsync(request, null, Console.Out, cancellationToken);
                return 0;
            }

            return await WithDatabaseAsync(configuration, cancellationToken, async dataSource =>
            {
                await ModelOperations.TrainAsync(request, dataSource, Console.Out, cancellationToken);
                return 0;
            });
        });
        return command;
    }

    private static Command Evaluate()
    {
        var byWriter = new Option<bool>("--by-writer") { Description = "Leave-one-writer-out: train without each writer of the written corpus, grade that writer (the headline figures)." };
        var writers = new Option<string?>("--writers") { Description = "With --by-writer: hold out only these writers (comma-separated)." };
        var predictions = new Option<string?>("--predictions") { Description = "With --by-writer: write each held-out report's grading to this file (JSON Lines), for reading the errors." };
        var inCorpus = new Option<int>("--in-corpus") { Description = "With --by-writer: N random folds of the reports in place of the writers (every writer also in training): the in-corpus split to compare with." };
        var groups = new Option<int>("--groups") { Description = "With --by-writer: deal the writers into N groups and hold out one group per model (N trainings; for trying a recipe quickly)." };
        var input = new Option<string?>("--input") { Description = "Labelled reports (JSON Lines: contract reports plus \"label\")." };
        var clb = new Option<string?>("--clb") { Description = "Folder of the CLB incidents (evaluation only): share graded none, red-floor rows graded orange or red." };
        var written = WrittenOption();
        var generated = GeneratedOption();
        var trainer = TrainerOption();
        var decision = DecisionOption();
        var modelPath = new Option<string?>("--model") { Description = "A model.zip (default: the registry's current version, else Model:Path)." };
        var version = new Option<string?>("--version") { Description = "A registered version." };
        var command = new Command("evaluate",
            "Per-grade precision, recall and F1, macro-F1, confusion matrix, red and none recall: of a training recipe leave-one-writer-out (--by-writer), " +
            "or of a model on labelled reports (--input) or the CLB incidents (--clb).")
        {
            byWriter, writers, groups, inCorpus, predictions, input, clb, written, generated, trainer, decision, modelPath, version,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sources = new[] { parse.GetValue(byWriter) ? "w" : null, parse.GetValue(input), parse.GetValue(clb) }.Count(v => v is not null);
            if (sources != 1)
            {
                Console.Error.WriteLine("Give exactly one of --by-writer, --input FILE, --clb DIR.");
                return 2;
            }

            if (parse.GetValue(byWriter))
            {
                var corpus = TrainingCorpus.Load(Path.GetFullPath(parse.GetValue(written)!), Generated(parse.GetValue(generated)));
                var only = parse.GetValue(writers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                var work = Path.Combine(Path.GetTempPath(), "riskwatch-lowo-" + Guid.NewGuid().ToString("N"));
                try
                {
                    var options = new TrainingOptions { Trainer = ModelOperations.ParseTrainer(parse.GetValue(trainer)!), Decision = parse.GetValue(decision) };
                    var examples = corpus.Examples;
                    if (parse.GetValue(inCorpus) is > 0 and var folds)
                    {
                        Console.WriteLine($"In-corpus split: the \"writers\" below are {folds} random folds of the written reports.");
                        examples = RiskWatch.Ml.Evaluation.WriterCrossValidation.AsRandomFolds(corpus.Examples, folds);
                    }

                    var report = RiskWatch.Ml.Evaluation.WriterCrossValidation.Run(examples, options, work, m => Console.WriteLine(m), only, parse.GetValue(groups));
                    Console.Write(report.Format());
                    if (parse.GetValue(predictions) is { } predictionsPath)
                    {
                        using var file = new StreamWriter(predictionsPath);
                        report.WritePredictions(file);
                    }
                }
                finally
                {
                    if (Directory.Exists(work))
                    {
                        Directory.Delete(work, recursive: true);
                    }
                }

                return 0;
            }

            var configuration = CliConfiguration.Build();
            var path = await ResolveModelAsync(configuration, parse.GetValue(modelPath), parse.GetValue(version), cancellationToken);
            using var model = RiskModel.Load(path);
            Console.WriteLine($"Model {model.Version} ({model.Metadata.Trainer}, trained on {model.Metadata.TrainCount} reports, data {model.Metadata.TrainingDataSha256[..8]})");
            if (parse.GetValue(clb) is { } dir)
            {
                Console.Write(ClbEvaluation.Evaluate(model, dir).Format());
                return 0;
            }

            var rows = LabelledCorpus.Read(parse.GetValue(input)!);
            Console.WriteLine($"{parse.GetValue(input)}: {rows.Count} reports");
            Console.Write(ModelEvaluator.Evaluate(model, rows).Format());
            return 0;
        });
        return command;
    }

    /// <summary><c>riskwatch score</c>: batch scoring of a JSON Lines file, in input order.</summary>
    public static Command Score()
    {
        var input = new Option<string>("--input") { Description = "Reports (JSON Lines, contract v1); - for standard input.", Required = true };
        var output = new Option<string>("--output") { Description = "Scored reports (JSON Lines); - for standard output.", Required = true };
        var modelPath = new Option<string?>("--model") { Description = "A model.zip (default: the registry's current version, else Model:Path)." };
        var version = new Option<string?>("--version") { Description = "A registered version." };
        var command = new Command("score",
            "Grade a file of reports. Each output line is its input report plus grade, probabilities, modelVersion, decidedBy and reasons, " +
            "in input order; an invalid line gives {\"line\", \"reportId\", \"errors\"} in its place and the exit code is 3.")
        {
            input, output, modelPath, version,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build();
            var path = await ResolveModelAsync(configuration, parse.GetValue(modelPath), parse.GetValue(version), cancellationToken);
            using var model = RiskModel.Load(path);
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            using var reader = inputPath == "-" ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(inputPath, Encoding.UTF8);
            using var writer = outputPath == "-"
                ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16)
                : new StreamWriter(outputPath, false, new UTF8Encoding(false), 1 << 16);
            var summary = BatchScorer.Score(model, reader, writer);
            Console.Error.WriteLine(string.Create(C, $"Scored {summary.Scored} reports with {model.Version} in {summary.Elapsed.TotalSeconds:F2} s ({summary.ReportsPerSecond:F0} reports/s); {summary.Invalid} invalid lines."));
            return summary.Invalid == 0 ? 0 : 3;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Model versions in the registry, with their held-out figures and training-data hash.");
        command.SetAction(async (_, cancellationToken) => await WithDatabaseAsync(CliConfiguration.Build(), cancellationToken, async dataSource =>
        {
            var registry = new ModelRegistry(dataSource);
            Console.WriteLine("Figures: the recipe's leave-one-writer-out macro-F1 and red recall, '-' when not measured.");
            Console.WriteLine($"  {"version",-42}{"trainer",-20}{"trained (UTC)",-18}{"data",-10}{"macro-F1",9}{"red rec.",9}  promoted (UTC)");
            foreach (var m in await registry.ListAsync(cancellationToken))
            {
                var (f1, red) = HeldOut(m.Metrics);
                Console.WriteLine($"{(m.IsCurrent ? "* " : "  ")}{m.Version,-42}{m.Trainer,-20}{m.TrainedAt.ToString("yyyy-MM-dd HH:mm", C),-18}{m.DataSha256[..8],-10}{f1,9}{red,9}  {m.PromotedAt?.ToString("yyyy-MM-dd HH:mm", C) ?? "-"}");
            }

            var history = await registry.HistoryAsync(cancellationToken);
            if (history.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine("history (newest first):");
                foreach (var p in history.Take(10))
                {
                    Console.WriteLine($"  {p.At.ToString("yyyy-MM-dd HH:mm:ss", C)}  {p.Kind,-9}{p.Version}{(p.PreviousVersion is null ? "" : " (was " + p.PreviousVersion + ")")}{(p.Forced ? " FORCED" : "")}  by {p.Actor}: {p.Reason}");
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The version's leave-one-writer-out macro-F1 and red recall, "-" when it was not measured.</summary>
    private static (string F1, string Red) HeldOut(string metrics) =>
        RiskWatch.Ml.Registry.GateFigures.FromMetrics(metrics) is { } f ? (f.MacroF1.ToString("F3", C), f.RedRecall.ToString("F3", C)) : ("-", "-");

    private static Command Promote()
    {
        var version = new Argument<string>("version") { Description = "A registered version (see `model list`)." };
        var force = new Option<bool>("--force") { Description = "Promote even when it is worse than the current model." };
        var reason = new Option<string?>("--reason") { Description = "Why, for the history." };
        var command = new Command("promote",
            "Make a version current, if its leave-one-writer-out macro-F1, red recall and none recall are at least the current one's " +
            "(and so are its figures on held-out corrections). Scoring switches within 2 s, between batches.")
        {
            version, force, reason,
        };
        command.SetAction(async (parse, cancellationToken) => await WithDatabaseAsync(CliConfiguration.Build(), cancellationToken, async dataSource =>
        {
            var decision = await ModelOperations.PromoteAsync(dataSource, parse.GetValue(version)!,
                parse.GetValue(force), Environment.UserName, parse.GetValue(reason), Console.Out, cancellationToken);
            return decision.Allowed ? 0 : 4;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var reason = new Option<string?>("--reason") { Description = "Why, for the history." };
        var command = new Command("rollback", "Make the version current before the last promotion current again.") { reason };
        command.SetAction(async (parse, cancellationToken) => await WithDatabaseAsync(CliConfiguration.Build(), cancellationToken, async dataSource =>
        {
            var version = await new ModelRegistry(dataSource).RollbackAsync(Environment.UserName, parse.GetValue(reason) ?? "rollback", cancellationToken);
            Console.WriteLine($"Rolled back: {version} is current; Scoring switches within 2 s, between batches.");
            return 0;
        }));
        return command;
    }

    /// <summary>--model, else --version from the registry, else the registry's current version, else Model:Path.</summary>
    private static async Task<string> ResolveModelAsync(IConfiguration configuration, string? modelPath, string? version, CancellationToken cancellationToken)
    {
        if (modelPath is { Length: > 0 })
        {
            return Path.GetFullPath(modelPath);
        }

        var fallback = ModelOperations.FallbackModelPath(configuration);
        if (version is null && configuration["Database:ConnectionString"] is not { Length: > 0 } && !Directory.Exists(Path.Combine(Path.GetDirectoryName(ModelOperations.ModelsDirectory(configuration))!, "postgres")))
        {
            return fallback; // no database to ask
        }

        string? resolved = null;
        await WithDatabaseAsync(configuration, cancellationToken, async dataSource =>
        {
            var registry = new ModelRegistry(dataSource);
            var wanted = version ?? (await registry.CurrentAsync(cancellationToken))?.Version;
            if (wanted is not null)
            {
                resolved = await ModelOperations.LocalModelFileAsync(registry, wanted, cancellationToken);
            }

            return 0;
        });
        return resolved ?? fallback;
    }

    private static async Task<int> WithDatabaseAsync(IConfiguration configuration, CancellationToken cancellationToken, Func<NpgsqlDataSource, Task<int>> action)
    {
        var (connectionString, cluster) = await CliDatabase.OpenAsync(configuration, cancellationToken);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            return await action(dataSource);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
