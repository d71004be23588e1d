using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest.Intake;

/// <summary>
/// One fixed window a minute per API key, or per client address for anonymous callers (the form). A refused request
/// is a 429 problem with Retry-After. Limits are per process: with N Ingest replicas a key gets up to N times as many.
/// </summary>
public static class IntakeRateLimits
{
    public const string Policy = "intake";

    public static IServiceCollection AddIntakeRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                        $"Too many requests from this {(context.HttpContext.User.FindFirstValue(RiskWatchClaims.KeyId) is null ? "address" : "key")}; try again in {seconds} s. Nothing was stored.",
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Rate limit reached.",
                        type: IngestProblems.RateLimited)
                    .ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(Policy, http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
                var keyId = http.User.FindFirstValue(RiskWatchClaims.KeyId);
                return keyId is not null
                    ? RateLimitPartition.GetFixedWindowLimiter("key:" + keyId, _ => Window(limits.KeyRequestsPerMinute))
                    : RateLimitPartition.GetFixedWindowLimiter("ip:" + http.Connection.RemoteIpAddress, _ => Window(limits.AnonymousRequestsPerMinute));
            });
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
