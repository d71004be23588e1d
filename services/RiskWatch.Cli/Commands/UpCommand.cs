using System.CommandLine;
using RiskWatch.Cli.Embedded;

namespace RiskWatch.Cli.Commands;

public static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up", "Run RiskWatch on one machine: Ingest, Scoring and Response in one process, with an embedded PostgreSQL and Kafka-protocol broker unless configured otherwise. Ctrl+C stops it.");
        command.SetAction(async (_, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build();
            await using var system = await EmbeddedSystem.StartAsync(configuration, Console.Out, cancellationToken);
            Console.WriteLine($"""

                RiskWatch is up.
                  Ingest   (reports in)      {system.IngestUrl}    POST /api/v1/reports
                  Response (alerts out)      {system.ResponseUrl}    GET  /api/v1/alerts
                  Scoring  (health, metrics) {system.ScoringUrl}    GET  /health/ready, /metrics
                Press Ctrl+C to stop.
                """);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping RiskWatch ...");
            }

            return 0;
        });
        return command;
    }
}
