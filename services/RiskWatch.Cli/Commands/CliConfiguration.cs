using Microsoft.Extensions.Configuration;

namespace RiskWatch.Cli.Commands;

/// <summary>The command's configuration: riskwatch.json in the working folder if present, then RISKWATCH_ variables.</summary>
public static class CliConfiguration
{
    public static IConfiguration Build() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.GetFullPath("riskwatch.json"), optional: true)
            .AddEnvironmentVariables(ServiceDefaults.ServiceDefaultsExtensions.EnvironmentPrefix)
            .Build();
}
