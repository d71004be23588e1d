using System.CommandLine;
using Microsoft.Extensions.Configuration;
using RiskWatch.Host;
using RiskWatch.ServiceDefaults.Logging;

namespace RiskWatch.Cli.Commands;

public static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up", "Run RiskWatch on one machine: Ingest, Scoring and Response in one process, with an embedded PostgreSQL and Kafka-protocol broker unless configured otherwise. Ctrl+C stops it.");
        command.SetAction(async (_, cancellationToken) =>
        {
            // A person at a terminal reads short lines; RISKWATCH_Logging__Format=json brings back the deployments' JSON.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [HumanConsoleFormatter.FormatSetting] = "human" })
                .AddConfiguration(CliConfiguration.Build())
                .Build();
            await using var system = await EmbeddedSystem.StartAsync(configuration, Console.Out, cancellationToken);
            Console.WriteLine($"""

                RiskWatch is up.
                  Ingest   (reports in)      {system.IngestUrl}    POST /api/v1/reports, informant form /report
                  Response (alerts out)      {system.ResponseUrl}    GET  /api/v1/alerts, console /console/
                  Scoring  (health)          {system.ScoringUrl}    GET  /health/ready
                  Metrics and probes (this machine only): {system.IngestManagementUrl}, {system.ScoringManagementUrl}, {system.ResponseManagementUrl}    GET /metrics
                  Admin key (alerts API and console): {system.AdminKeyFile}
                Press Ctrl+C to stop.
                """);
            var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
            if (await Task.WhenAny(interrupted, system.Stopped) == system.Stopped)
            {
                Console.Error.WriteLine($"{await system.Stopped} stopped by itself (see its log above); stopping RiskWatch.");
                return 1;
            }

            Console.WriteLine("Stopping RiskWatch ...");
            return 0;
        });
        return command;
    }
}
