using System.CommandLine;
using RiskWatch.Ml;

namespace RiskWatch.Cli.Commands;

public static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Train and evaluate the risk model.");
        model.Subcommands.Add(Train());
        return model;
    }

    private static Command Train()
    {
        var corpus = new Option<string>("--corpus") { Description = "Labelled corpus (JSON Lines).", DefaultValueFactory = _ => SeedCorpus.DefaultPath };
        var output = new Option<string>("--output") { Description = "Where to write the model.", DefaultValueFactory = _ => Path.Combine(".riskwatch", "models", "model.zip") };
        var command = new Command("train", "Train a model on the labelled corpus and save it.") { corpus, output };
        command.SetAction(parse =>
        {
            var result = ModelTrainer.Train(parse.GetValue(corpus)!, Path.GetFullPath(parse.GetValue(output)!), new TrainingOptions());
            Console.WriteLine($"Trained {result.Version} -> {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
