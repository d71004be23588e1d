using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Prometheus;

namespace RiskWatch.ServiceDefaults;

/// <summary>What every RiskWatch service has: configuration, health, metrics, logs and problem details.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Environment variables that configure RiskWatch start with this prefix: RISKWATCH_Database__ConnectionString.</summary>
    public const string EnvironmentPrefix = "RISKWATCH_";

    /// <param name="host">What a host that runs the service adds before the defaults read the configuration: the embedded
    /// mode and tests add their settings and services here.</param>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, Action<WebApplicationBuilder>? host = null)
    {
        // Defaults first, so that every other source (riskwatch.json, the environment) overrides them. ASP.NET's own
        // lines for every request (starting, endpoint, finished) would be most of the log and a real cost at
        // thousands of requests a second; RISKWATCH_Logging__LogLevel__Microsoft.AspNetCore=Information brings them back.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        host?.Invoke(builder);

        // One JSON object a line, with the trace and span ids of the request that logged it; short lines for a person at a
        // terminal when Logging:Format is "human" (the one-machine mode sets it).
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration[Logging.HumanConsoleFormatter.FormatSetting], "human", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddConsole(options => options.FormatterName = Logging.HumanConsoleFormatter.Name)
                .AddConsoleFormatter<Logging.HumanConsoleFormatter, ConsoleFormatterOptions>();
        }
        else
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = BadRequestProblems.Describe);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        // A body that does not bind (not JSON, wrong types, missing, wrong content type) throws BadHttpRequestException,
        // which BadRequestProblems describes; otherwise minimal APIs answer a bare 400 that says nothing.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.AddTracing();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        // Metrics and probes on a management port of their own (issue 14, finding 11).
        builder.Services.AddValidatedOptions<ManagementOptions>(ManagementOptions.SectionName);
        builder.Services.AddSingleton<ManagementServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ManagementServer>());
        // In production a default or placeholder secret stops the service at start, naming the setting.
        Security.ProductionSecretsExtensions.AddProductionSecretsCheck(builder.Services);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseHttpMetrics();
        // /metrics is served on the management port only (ManagementServer); health stays here too, for load balancers.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") || check.Tags.Contains("live") });
        return app;
    }

    /// <summary>Binds an options section and stops the process at start when a setting is missing or wrong.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string sectionName)
        where T : class
    {
        return services.AddOptions<T>()
            .BindConfiguration(sectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
