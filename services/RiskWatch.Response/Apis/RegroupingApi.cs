using RiskWatch.Core.Policy;
using System.Security.Claims;
using RiskWatch.Core.Contract;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Console;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Apis;

public sealed record MergeRequest(long? IntoAlertId, string? Reason);

public sealed record SplitRequest(Guid? ReportId, string? Reason);

public sealed record MessageRequest(string? Text);

/// <summary>
/// POST /api/v1/alerts/{id}/merge, /split and /messages: merge two alerts that are one incident, take a wrongly joined
/// report out into an alert of its own, and send the alert's informants a message for their follow-up page. Both alerts
/// of a merge must be in the caller's jurisdiction (404 otherwise, as for any alert outside it).
/// </summary>
public static class RegroupingApi
{
    public const int MaxMessage = 1000;

    public static IEndpointRouteBuilder MapRegroupingApi(this IEndpointRouteBuilder app)
    {
        var alert = app.MapGroup("/api/v1/alerts/{id:long}").RequireAuthorization(AlertsApi.HandlingPolicy).AddEndpointFilter<CsrfFilter>();
        alert.MapPost("/merge", MergeAsync).WithName("MergeAlert")
            .WithSummary("Merges this alert into another of the same incident ({intoAlertId, reason}): its reports move there and it closes.");
        alert.MapPost("/split", SplitAsync).WithName("SplitReport")
            .WithSummary("Takes one report out of this alert into a new alert of its own ({reportId, reason}).");
        alert.MapPost("/messages", MessageAsync).WithName("MessageInformants")
            .WithSummary("A message for the informants of this alert's reports, shown on their follow-up page ({text}).");
        return app;
    }

    public static async Task<IResult> MergeAsync(long id, MergeRequest body, ClaimsPrincipal user, AlertRegrouping regrouping, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (body.IntoAlertId is not { } into || into <= 0)
        {
            errors.Add(new FieldError("intoAlertId", "is required: the number of the alert to merge this one into"));
        }
        else if (into == id)
        {
            errors.Add(new FieldError("intoAlertId", "must be another alert than this one"));
        }

        if (ResponseAnswers.Required(body.Reason, "reason") is { } reason)
        {
            errors.Add(reason);
        }

        if (errors.Count > 0)
        {
            return ResponseAnswers.Invalid(errors);
        }

        var result = await regrouping.MergeAsync(id, body.IntoAlertId!.Value, AlertsApi.ScopeOf(user, policy), body.Reason!.Trim(), user.Principal() ?? "unknown",
            user.Jurisdiction().Tier, clock.GetUtcNow(), cancellationToken);
        return result.Status == CommandStatus.NotFound && result.Problem == $"alert {body.IntoAlertId}"
            ? AlertsApi.NotFound(body.IntoAlertId.Value)
            : ResponseAnswers.Outcome(result, id);
    }

    public static async Task<IResult> SplitAsync(long id, SplitRequest body, ClaimsPrincipal user, AlertRegrouping regrouping, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (body.ReportId is not { } reportId || reportId == Guid.Empty)
        {
            errors.Add(new FieldError("reportId", "is required: the id of the report to take out"));
        }

        if (ResponseAnswers.Required(body.Reason, "reason") is { } reason)
        {
            errors.Add(reason);
        }

        if (errors.Count > 0)
        {
            return ResponseAnswers.Invalid(errors);
        }

        var result = await regrouping.SplitAsync(id, body.ReportId!.Value, AlertsApi.ScopeOf(user, policy), body.Reason!.Trim(), user.Principal() ?? "unknown",
            clock.GetUtcNow(), cancellationToken);
        if (result.Status == CommandStatus.NotFound && result.Alert is not null)
        {
            return TypedResults.Problem($"Alert {id} holds no report {body.ReportId}.", statusCode: StatusCodes.Status404NotFound,
                type: ServiceDefaults.Problems.NotFound);
        }

        return ResponseAnswers.Outcome(result, id);
    }

    public static async Task<IResult> MessageAsync(long id, MessageRequest body, ClaimsPrincipal user, AlertRegrouping regrouping, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ResponseAnswers.Required(body.Text, "text", MaxMessage) is { } error)
        {
            return ResponseAnswers.Invalid([error]);
        }

        var result = await regrouping.MessageInformantsAsync(id, AlertsApi.ScopeOf(user, policy), body.Text!.Trim(), user.Principal() ?? "unknown",
            clock.GetUtcNow(), cancellationToken);
        return ResponseAnswers.Outcome(result, id);
    }
}
