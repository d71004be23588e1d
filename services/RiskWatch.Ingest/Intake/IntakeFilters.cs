using Microsoft.AspNetCore.Authentication;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest.Intake;

public static class IntakeFilters
{
    /// <summary>
    /// The form and the single-report API take anonymous reports; but a key that is presented must be valid, so a
    /// revoked or mistyped key is told so (401) instead of silently reporting anonymously.
    /// </summary>
    public static async ValueTask<object?> RejectUnknownKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await context.HttpContext.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        if (result.Failure is not null)
        {
            var channel = context.HttpContext.Request.Path.StartsWithSegments("/api/v1/reports", StringComparison.Ordinal)
                ? IntakeChannel.Api
                : IntakeChannel.Form;
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.Unauthorized, null, channel);
            return IngestProblems.NotAuthenticated("The API key is unknown or revoked. Send no key to report anonymously.");
        }

        return await next(context);
    }
}
