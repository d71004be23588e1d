using Microsoft.Extensions.DependencyInjection;

namespace RiskWatch.ServiceDefaults.Metrics;

public static class MetricsRegistration
{
    /// <summary>
    /// Creates the service's metric series with zero values and publishes its build info, so dashboards and
    /// alert rules see every series from the first scrape on.
    /// </summary>
    /// <param name="applicationName">The ASP.NET Core application name, e.g. <c>RiskWatch.Scoring</c>.</param>
    public static IServiceCollection AddRiskWatchMetrics(this IServiceCollection services, string applicationName)
    {
        RiskWatchMetrics.Initialize(RiskWatchMetrics.ServiceOf(applicationName));
        return services;
    }

    /// <summary>The readiness check that asks a Kafka broker for the reports topic's metadata.</summary>
    public static IServiceCollection AddKafkaHealthCheck(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(KafkaHealthCheck)))
        {
            return services;
        }

        services.AddSingleton<KafkaHealthCheck>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);
        return services;
    }
}
