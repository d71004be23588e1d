using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RiskWatch.Messaging;

public static class KafkaRegistration
{
    /// <summary>
    /// Binds and validates the Kafka section (a bad setting stops the process at start, naming the key), exposes the
    /// options object itself to clients that take it, and adds the readiness check that asks a broker for the reports topic.
    /// </summary>
    public static IServiceCollection AddRiskWatchKafka(this IServiceCollection services)
    {
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KafkaOptions>>().Value);
        if (!services.Any(d => d.ServiceType == typeof(KafkaHealthCheck)))
        {
            services.AddSingleton<KafkaHealthCheck>();
            services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);
        }

        return services;
    }

    /// <summary>The process's one <see cref="AcknowledgedProducer"/>.</summary>
    public static IServiceCollection AddAcknowledgedProducer(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(AcknowledgedProducer)))
        {
            services.AddSingleton<AcknowledgedProducer>();
        }

        return services;
    }
}
