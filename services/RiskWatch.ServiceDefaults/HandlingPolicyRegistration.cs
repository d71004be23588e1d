using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RiskWatch.Core.Policy;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.ServiceDefaults;

public static class HandlingPolicyRegistration
{
    /// <summary>
    /// The one <see cref="HandlingPolicy"/> of the process, from the file named by <c>Policy:Path</c> (RISKWATCH_Policy__Path) or the built-in one,
    /// for everything that grades, routes, times or counts alerts. A bad file stops the service at start with the line of
    /// each problem; the version in use is published as <c>riskwatch_policy_info</c>.
    /// </summary>
    public static IServiceCollection AddHandlingPolicy(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HandlingPolicy)))
        {
            return services;
        }

        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IConfiguration>()["Policy:Path"];
            var policy = string.IsNullOrWhiteSpace(path) ? PolicyFile.BuiltIn : PolicyFile.ParseValid(File.ReadAllText(path), path);
            ServiceMetrics.SetPolicyVersion(policy.Version);
            return policy;
        });
        services.AddHostedService<PolicyAtStart>();
        return services;
    }

    /// <summary>Reads the policy when the service starts, not at its first alert: a bad file stops the start.</summary>
    private sealed class PolicyAtStart(HandlingPolicy policy) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(policy);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
