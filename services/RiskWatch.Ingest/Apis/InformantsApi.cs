using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;
using RiskWatch.Data.Intake;
using RiskWatch.ServiceDefaults;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest.Apis;

/// <summary>Why a responder needs an informant's contact, and the alert it is for.</summary>
public sealed record ContactRevealRequest(long? AlertId, string? Reason);

/// <summary>A revealed contact, with the id of the audit-log row that records who saw it and why.</summary>
public sealed record ContactRevealView(long RevealId, string InformantId, long AlertId, string Contact);

/// <summary>
/// Informants' contacts for the response team. Seeing a contact is an act that is recorded (who, why, for which alert,
/// what they got), so it is a POST that creates an audit row, never a GET a browser or a proxy may repeat or prefetch.
/// A responder may see the contact of an informant who has a report in an alert of their jurisdiction, and only with
/// the informant's consent; admins may for any alert. Anything else answers as if the informant did not exist.
/// </summary>
public static class InformantsApi
{
    public const string ContactNotShared = "https://riskwatch.example/problems/contact-not-shared";
    public const string InvalidReveal = "https://riskwatch.example/problems/invalid-contact-reveal";

    /// <summary>A reason of 1,000 characters, JSON-escaped, fits many times over.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapInformantsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/informants/{informantId}/contact-reveals", RevealContact)
            .WithName("RevealInformantContact")
            .WithSummary("Shows a responder an informant's contact, for an alert of their jurisdiction holding a report by the informant, with the informant's consent; every request is recorded in the audit log with who and why.")
            .WithTags("Informants")
            .Accepts<ContactRevealRequest>("application/json")
            .RequireAuthorization(Roles.Responder);
        app.MapGet("/api/v1/contact-reveals", ListReveals)
            .WithName("ListContactReveals")
            .WithSummary("The audit log of contact reveals (and refusals), newest first; admins only. Never holds a contact.")
            .WithTags("Informants")
            .RequireAuthorization(Roles.Admin);
        return app;
    }

    public static async Task<Results<Ok<ContactRevealView>, ValidationProblem, ProblemHttpResult>> RevealContact(
        string informantId, HttpContext context, InformantStore informants, HandlingPolicy policy, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<ContactRevealRequest>(context.Request, MaxBodyBytes, cancellationToken);
        var errors = new List<FieldError>();
        if (body.Error is { } unreadable)
        {
            errors.Add(unreadable);
        }
        else
        {
            if (body.Value?.AlertId is not > 0)
            {
                errors.Add(new FieldError("alertId", "is required: the id of the alert, in your jurisdiction, that holds a report by this informant"));
            }

            if (InformantStore.ReasonProblem(body.Value?.Reason) is { } problem)
            {
                errors.Add(new FieldError("reason", problem));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The contact reveal request is not valid.", InvalidReveal);
        }

        var user = context.User;
        var alertId = body.Value!.AlertId!.Value;
        var actor = new RevealActor(user.Principal() ?? "unknown", user.Role() ?? "unknown", user.FindFirstValue(RiskWatchClaims.KeyId), "api");
        var result = await informants.RevealContactAsync(informantId, alertId, AlertScope.For(user.Jurisdiction(), policy.Places), actor, body.Value.Reason!, cancellationToken);

        // Who looked and what came of it, never what they saw or why (the reason may name people; it is in the audit log).
        loggers.CreateLogger("RiskWatch.Ingest.InformantContact").LogInformation(
            "Contact reveal {RevealId} of informant {InformantId} for alert {AlertId} by {Principal}: {Outcome}",
            result.RevealId, informantId, alertId, actor.Principal, result.Outcome);

        return result.Outcome switch
        {
            RevealOutcome.Revealed => TypedResults.Ok(new ContactRevealView(result.RevealId, informantId, alertId, result.Contact!)),
            RevealOutcome.NoConsent => TypedResults.Problem(
                "The informant has not agreed that responders see their contact details. Your request was recorded.",
                statusCode: StatusCodes.Status403Forbidden, title: "The informant's contact is not shared.", type: ContactNotShared),
            _ => TypedResults.Problem(
                $"There is no informant {informantId} with a report in alert {alertId} in your jurisdiction.",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown informant.", type: Problems.NotFound),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<ContactRevealEntry>>, ValidationProblem>> ListReveals(
        InformantStore informants, CancellationToken cancellationToken, string? informantId = null, string? principal = null, int limit = 100)
    {
        // A query string may carry %00, which PostgreSQL cannot compare; no id or principal holds one.
        var bad = new[] { ("informantId", informantId), ("principal", principal) }.Where(f => f.Item2?.Contains('\0', StringComparison.Ordinal) == true)
            .Select(f => new FieldError(f.Item1, "must not contain NUL characters")).ToList();
        if (bad.Count > 0)
        {
            return Problems.Invalid(bad, "The audit log query is not valid.", InvalidReveal);
        }

        return TypedResults.Ok(await informants.ListRevealsAsync(informantId, principal, Math.Clamp(limit, 1, 1000), cancellationToken));
    }
}
