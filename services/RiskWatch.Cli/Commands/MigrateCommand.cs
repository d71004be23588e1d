using System.CommandLine;
using RiskWatch.Data;

namespace RiskWatch.Cli.Commands;

public static class MigrateCommand
{
    public static Command Create()
    {
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string; defaults to Database:ConnectionString, else the embedded cluster." };
        var command = new Command("migrate", "Apply the database migrations that have not been applied yet, then exit.") { connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The chart's migration Job configures the database through RISKWATCH_Database__ConnectionString: a configured
            // database is migrated here, as one given with --connection (CliDatabase only migrates the embedded one).
            var configuration = CliConfiguration.Build();
            if ((parse.GetValue(connection) ?? configuration["Database:ConnectionString"]) is { Length: > 0 } given)
            {
                Console.WriteLine($"{await Migrator.MigrateAsync(given, cancellationToken)} migrations applied.");
                return 0;
            }

            // Opening the embedded database migrates it.
            var (_, cluster) = await CliDatabase.OpenAsync(configuration, cancellationToken);
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            Console.WriteLine("The database is migrated.");
            return 0;
        });
        return command;
    }
}
