using System.CommandLine;
using RiskWatch.Cli.Commands;

var root = new RootCommand("RiskWatch: labour-relations risk early warning (the 211 model).")
{
    UpCommand.Create(),
    MigrateCommand.Create(),
    ModelCommands.Create(),
    ModelCommands.Score(),
    KeysCommand.Create(),
    BenchCommand.Create(),
    BenchCommand.CreateLoad(),
    ReplayCommand.Create(),
    PolicyCommand.Create(),
    DlqCommand.Create(),
    InformantsCommand.Create(),
};

// Ctrl+C or SIGTERM cancels the running command; give it time to stop the services and PostgreSQL in order
// (the default of 2 s would kill the process half-way and leave the database server running).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
