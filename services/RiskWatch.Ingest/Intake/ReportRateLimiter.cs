using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RiskWatch.Ingest.Intake;

/// <summary>
/// Reports a minute per API key in platform batches (<see cref="IngestOptions.KeyReportsPerMinute"/>): a batch takes one
/// permit per report, so a key's limit holds however it cuts its reports into batches (issue 14, finding 8). The request
/// limit (<see cref="IntakeRateLimits"/>) still counts each request once. Per process, like the request limit.
/// </summary>
public sealed class ReportRateLimiter(IOptions<IngestOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.KeyReportsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes <paramref name="reports"/> permits of the key's minute; null when taken, else how long to wait.</summary>
    public TimeSpan? TryTake(string keyId, int reports)
    {
        using var lease = limiter.AttemptAcquire("key:" + keyId, Math.Clamp(reports, 1, options.Value.KeyReportsPerMinute));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => limiter.Dispose();
}
