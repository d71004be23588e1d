using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.ServiceDefaults.Metrics;
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
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.Unauthorized, null, ChannelOf(context.HttpContext));
            return IngestProblems.NotAuthenticated("The API key is unknown or revoked. Send no key to report anonymously.");
        }

        return await next(context);
    }

    /// <summary>The principal of the key that sent a request, recorded with its reports; null without a key.</summary>
    public static string? Submitter(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>
    /// A report sent with an informant's or a platform's key speaks for that key: its source must be the key's kind and
    /// its reporter the key's id, or it could pass for somebody else's report. Empty when it may go on.
    /// </summary>
    public static IReadOnlyList<FieldError> ReporterMismatches(ClaimsPrincipal user, ReportV1 report)
    {
        var role = user.IsInRole(Roles.Informant) ? Roles.Informant : user.IsInRole(Roles.Platform) ? Roles.Platform : null;
        if (role is null || Submitter(user) is not { } principal)
        {
            return [];
        }

        var errors = new List<FieldError>(2);
        if (report.Source != role)
        {
            errors.Add(new FieldError("source", $"must be {role} with this {role} key"));
        }

        if (!string.Equals(report.Reporter, principal, StringComparison.Ordinal))
        {
            errors.Add(new FieldError("reporter", $"must be this key's id, {principal}"));
        }

        return errors;
    }

    private static string ChannelOf(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v1/reports", StringComparison.Ordinal)
            ? RiskWatchMetrics.Channels.Api
            : RiskWatchMetrics.Channels.Form;
}
