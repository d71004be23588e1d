using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Console;
using RiskWatch.Response.Metrics;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Apis;

public sealed record AssignRequest(string? Assignee, string? Note);

public sealed record NoteRequest(string? Text);

public sealed record RegradeRequest(string? Grade, string? Reason);

public sealed record ReasonRequest(string? Reason);

public sealed record ResolveRequest(string? Outcome, string? Note);

/// <summary>
/// The responders' actions: POST /api/v1/alerts/{id}/acknowledge, assign, notes, regrade, escalate, resolve, close, reopen.
/// Each answers the alert as it is afterwards; 404 outside the caller's jurisdiction, 409 when the status forbids it.
/// </summary>
public static class AlertActionsApi
{
    public const string ActionProblem = "https://riskwatch.example/problems/alert-action-not-allowed";
    public const string InvalidAction = "https://riskwatch.example/problems/invalid-alert-action";
    public const string TierTooLow = "https://riskwatch.example/problems/alert-action-needs-higher-tier";
    private const int MaxText = 4000;

    public static RouteGroupBuilder MapAlertActions(this RouteGroupBuilder alerts)
    {
        var actions = alerts.MapGroup("/{id:long}").AddEndpointFilter<CsrfFilter>();
        actions.MapPost("/acknowledge", (long id, HttpContext c, CancellationToken t) =>
            Run(c, id, new AlertCommand(AlertAction.Acknowledge), t));
        actions.MapPost("/assign", (long id, AssignRequest body, HttpContext c, CancellationToken t) =>
            Required(body.Assignee, "assignee", 200) ?? Optional(body.Note, "note")
            ?? Run(c, id, new AlertCommand(AlertAction.Assign) { Assignee = body.Assignee!.Trim(), Text = Trim(body.Note) }, t));
        actions.MapPost("/notes", (long id, NoteRequest body, HttpContext c, CancellationToken t) =>
            Required(body.Text, "text", MaxText) ?? Run(c, id, new AlertCommand(AlertAction.Note) { Text = body.Text!.Trim() }, t));
        actions.MapPost("/regrade", (long id, RegradeRequest body, HttpContext c, CancellationToken t) =>
            Regrade(c, id, body, t));
        // Escalating hands the alert to a higher tier and restarts its clock there: the tier above needs to know why.
        actions.MapPost("/escalate", (long id, ReasonRequest? body, HttpContext c, CancellationToken t) =>
            Required(body?.Reason, "reason", MaxText) ?? Run(c, id, new AlertCommand(AlertAction.Escalate) { Text = body!.Reason!.Trim() }, t));
        actions.MapPost("/resolve", (long id, ResolveRequest body, HttpContext c, CancellationToken t) =>
            Outcomes.IsKnown(body.Outcome)
                ? Optional(body.Note, "note") ?? Run(c, id, new AlertCommand(AlertAction.Resolve) { Outcome = body.Outcome, Text = Trim(body.Note) }, t)
                : Task.FromResult(Invalid("outcome", $"must be one of {string.Join(", ", Outcomes.All)}")));
        actions.MapPost("/close", (long id, ReasonRequest? body, HttpContext c, CancellationToken t) =>
            Optional(body?.Reason, "reason") ?? Run(c, id, new AlertCommand(AlertAction.Close) { Text = Trim(body?.Reason) }, t));
        actions.MapPost("/reopen", (long id, ReasonRequest body, HttpContext c, CancellationToken t) =>
            Required(body.Reason, "reason", MaxText) ?? Run(c, id, new AlertCommand(AlertAction.Reopen) { Text = body.Reason!.Trim() }, t));
        return alerts;
    }

    private static Task<IResult> Regrade(HttpContext context, long id, RegradeRequest body, CancellationToken cancellationToken)
    {
        if (!Grades.TryParse(body.Grade, out var grade) || grade == Grade.None)
        {
            return Task.FromResult(Invalid("grade", "must be one of blue, yellow, orange, red (resolve as false_alarm for no risk)"));
        }

        return Required(body.Reason, "reason", MaxText)
            ?? Run(context, id, new AlertCommand(AlertAction.Regrade) { Grade = grade, Text = body.Reason!.Trim() }, cancellationToken);
    }

    private static async Task<IResult> Run(HttpContext context, long id, AlertCommand command, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var user = context.User;
        var clock = services.GetRequiredService<TimeProvider>();
        var actor = user.Principal() ?? "unknown";
        var result = await services.GetRequiredService<AlertCommands>().ApplyAsync(id, AlertsApi.ScopeOf(user, services.GetRequiredService<Core.Policy.HandlingPolicy>()), command, actor,
            user.Jurisdiction().Tier, clock.GetUtcNow(), cancellationToken);
        switch (result.Status)
        {
            case CommandStatus.NotFound:
                return AlertsApi.NotFound(id);
            case CommandStatus.Forbidden:
                return ResponseAnswers.TierTooLow(result.Problem);
            case CommandStatus.Conflict:
                return TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status409Conflict, type: ActionProblem,
                    title: "The alert's status does not allow this action.");
            case CommandStatus.Done:
            default:
                HandlingTimes.Observe(command.Action, result.Alert!, services.GetRequiredService<Core.Policy.HandlingPolicy>());

                return TypedResults.Ok(AlertView.From(result.Alert!));
        }
    }

    private static Task<IResult>? Required(string? value, string field, int max) =>
        string.IsNullOrWhiteSpace(value) ? Task.FromResult(Invalid(field, "is required"))
        : value.Length > max ? Task.FromResult(Invalid(field, $"must be at most {max} characters"))
        : Optional(value, field);

    /// <summary>PostgreSQL cannot store U+0000 in text or jsonb: refused here with its field, not a failed write (a 500).</summary>
    private static Task<IResult>? Optional(string? value, string field) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? Task.FromResult(Invalid(field, "must not contain NUL characters")) : null;

    private static IResult Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, detail: $"{field}: {reason}",
            title: "The action's request is not valid.", type: InvalidAction);

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim()[..Math.Min(text.Trim().Length, MaxText)];
}
