using System.CommandLine;
using RiskWatch.Cli.Commands;

var root = new RootCommand("RiskWatch: labour-relations risk early warning (the 211 model).")
{
    UpCommand.Create(),
    MigrateCommand.Create(),
    ModelCommands.Create(),
    KeysCommand.Create(),
    ReplayCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
