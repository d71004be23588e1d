using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RiskWatch.Ml;

namespace RiskWatch.Scoring;

/// <summary>Owns the loaded model. Loaded once on first use and kept for the life of the process.</summary>
public sealed class ModelHolder(IOptions<ModelOptions> options) : IHealthCheck, IDisposable
{
    private readonly Lazy<RiskModel> model = new(() => RiskModel.Load(options.Value.Path));

    public RiskModel Current => model.Value;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(HealthCheckResult.Healthy($"model {Current.Version}"));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"no model at {options.Value.Path}", e));
        }
    }

    public void Dispose()
    {
        if (model.IsValueCreated)
        {
            model.Value.Dispose();
        }
    }
}
