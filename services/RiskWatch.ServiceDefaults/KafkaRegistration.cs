using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.ServiceDefaults;

public static class KafkaRegistration
{
    /// <summary>Binds and validates the Kafka section and exposes the options object itself to clients that take it.</summary>
    public static IServiceCollection AddRiskWatchKafka(this IServiceCollection services)
    {
        services.AddValidatedOptions<KafkaOptions>(KafkaOptions.SectionName);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KafkaOptions>>().Value);
        services.AddKafkaHealthCheck();
        return services;
    }
}
