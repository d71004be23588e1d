using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Core.Triage;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Handling;
using RiskWatch.ServiceDefaults.Security;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Response.Apis;

/// <summary>An alert as the response team reads it; probabilities are keyed by grade name.</summary>
public sealed record AlertView(
    long Id, string Grade, string Status, string Tier, AlertPlace Place, string Subject, int ReportCount, int Informants, bool Corroborated,
    IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, string PolicyVersion, DateTime OpenedAt, DateTime LastReportAt,
    DateTime UpdatedAt, AlertDeadlines Deadlines, AlertHandling Handling, long? SupersededBy)
{
    public static AlertView From(AlertSummary a) => new(
        a.AlertId, a.Grade, a.Status, a.Tier, new AlertPlace(a.City, a.District, a.Street), a.SubjectName, a.ReportCount, a.InformantCount,
        a.Corroborated, ProbabilitiesByGrade(a.Probabilities), a.ModelVersion, a.PolicyVersion, a.OpenedAt, a.LastReportAt, a.UpdatedAt,
        new AlertDeadlines(a.AcknowledgeDueAt, a.ActDueAt, a.AcknowledgeMissed, a.ActMissed, a.EscalationCount),
        new AlertHandling(a.AcknowledgedAt, a.AcknowledgedBy, a.FirstActionAt, a.Assignee, a.ResolvedAt, a.Outcome, a.ClosedAt),
        a.SupersededBy);

    public static IReadOnlyDictionary<string, float> ProbabilitiesByGrade(float[] probabilities) =>
        Grades.All.Where(g => (int)g < probabilities.Length).ToDictionary(g => g.ToWire(), g => probabilities[(int)g]);
}

public sealed record AlertPlace(string City, string? District, string? Street);

/// <summary>Deadlines still running (null once met or stopped) and whether any was missed.</summary>
public sealed record AlertDeadlines(DateTime? AcknowledgeDueAt, DateTime? ActDueAt, bool AcknowledgeMissed, bool ActMissed, int Escalations);

public sealed record AlertHandling(
    DateTime? AcknowledgedAt, string? AcknowledgedBy, DateTime? FirstActionAt, string? Assignee, DateTime? ResolvedAt, string? Outcome, DateTime? ClosedAt);

/// <summary>A report of an alert; the informant appears only by pseudonym (their reporter id).</summary>
public sealed record AlertReportView(
    Guid ReportId, string? TrackingCode, string Source, string Reporter, DateTime OccurredAt, string Grade,
    IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, string Text, string Language, IReadOnlyList<string> Reasons);

/// <summary>A timeline entry: as stored (kind, actor, detail) and in words of the requested language (<see cref="ActorText"/>, <see cref="Text"/>).</summary>
public sealed record AlertEventView(long EventId, DateTime At, string Actor, string Kind, JsonElement Detail, string ActorText, string Text);

/// <summary>An alert with its reports and timeline, the team that leads it now, and how often the deadline timer escalated it.</summary>
public sealed record AlertDetailView(
    AlertView Alert, IReadOnlyList<AlertReportView> Reports, IReadOnlyList<AlertEventView> Timeline, string? Team, int TimerEscalations);

public static class AlertsApi
{
    /// <summary>Responders (by API key or console session) and admins.</summary>
    public const string HandlingPolicy = "handling";

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").RequireAuthorization(HandlingPolicy);
        alerts.MapGet("/", ListAlerts).WithName("ListAlerts").WithSummary("The newest alerts in the caller's jurisdiction first.");
        alerts.MapGet("/{id:long}", GetAlert).WithName("GetAlert").WithSummary("One alert with its reports and timeline (in words of lang=zh|en, China time).");
        alerts.MapGet("/{id:long}/cap", GetCap).WithName("GetAlertCap").WithSummary("The alert as an OASIS CAP 1.2 message.");
        alerts.MapGet("/stream", AlertStream.StreamAsync).WithName("AlertStream").WithSummary("Server-Sent Events: a line per alert change in scope.");
        alerts.MapAlertActions();
        return app;
    }

    /// <summary>The caller's scope, their key's places resolved with the policy's aliases (as alerts' places were).</summary>
    public static AlertScope ScopeOf(ClaimsPrincipal user, HandlingPolicy policy) => AlertScope.For(user.Jurisdiction(), policy.Places);

    public static async Task<Results<Ok<IReadOnlyList<AlertView>>, ValidationProblem>> ListAlerts(
        ClaimsPrincipal user, AlertQueries queries, HandlingPolicy policy, CancellationToken cancellationToken, int limit = 100, string? status = null)
    {
        if (status is not null && status != "open" && !AlertStatus.All.Contains(status, StringComparer.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"must be open or one of {string.Join(", ", AlertStatus.All)}"] },
                detail: $"status: must be open or one of {string.Join(", ", AlertStatus.All)}", type: AlertActionsApi.InvalidAction);
        }

        var rows = await queries.ListAsync(ScopeOf(user, policy), status, Math.Clamp(limit, 1, 1000), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AlertView>>(rows.Select(AlertView.From).ToList());
    }

    public static async Task<Results<Ok<AlertDetailView>, ProblemHttpResult>> GetAlert(
        long id, ClaimsPrincipal user, AlertQueries queries, HandlingPolicy policy, CancellationToken cancellationToken, string? lang = null)
    {
        if (await queries.GetAsync(id, ScopeOf(user, policy), cancellationToken) is not { } detail)
        {
            return NotFound(id);
        }

        var language = lang == "en" ? "en" : "zh";
        // Without lang, each report's reasons come in its own language; with it (the console), all in that one.
        var reports = detail.Reports.Select(r => new AlertReportView(
            r.ReportId, r.TrackingCode, r.Source, r.Reporter, r.OccurredAt, r.Grade, AlertView.ProbabilitiesByGrade(r.Probabilities), r.ModelVersion, r.Text,
            r.Language, GradeReason.FromJson(r.Reasons).Select(x => x.In(lang is null ? r.Language : language)).ToList())).ToList();
        // Reports that left the alert (split out, merged) keep their names in its timeline.
        var codes = detail.Codes;
        var timeline = detail.Timeline.Select(e =>
        {
            var json = Json(e.Detail);
            var line = TimelineText.Describe(e.Kind, e.Actor, json, language, reportId => codes.GetValueOrDefault(reportId));
            return new AlertEventView(e.EventId, e.At, e.Actor, e.Kind, json, line.Actor, line.Text);
        }).ToList();
        var a = detail.Alert;
        var timerEscalations = detail.Timeline.Count(e => e.Kind == "escalated" && e.Actor == AlertActors.Timer);
        return TypedResults.Ok(new AlertDetailView(AlertView.From(a), reports, timeline,
            policy.TeamFor(Tiers.Parse(a.Tier), a.City, a.District, a.Street), timerEscalations));
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetCap(
        long id, ClaimsPrincipal user, AlertQueries queries, HandlingPolicy policy, IOptions<HandlingOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await queries.GetAsync(id, ScopeOf(user, policy), cancellationToken) is not { } detail)
        {
            return NotFound(id);
        }

        var a = detail.Alert;
        var reasons = detail.Reports.SelectMany(r => GradeReason.FromJson(r.Reasons).Select(x => x.Zh)).Distinct(StringComparer.Ordinal).Take(5).ToList();
        var cap = CapMessage.Build(new CapAlert(a.AlertId, Grades.Parse(a.Grade), a.Status, a.Tier, a.City, a.District, a.Street, a.SubjectName,
            a.ReportCount, a.Corroborated, Utc(a.OpenedAt), Utc(a.UpdatedAt), reasons, a.Outcome), options.Value.CapSender, clock.GetUtcNow());
        return TypedResults.Text(cap.Declaration + Environment.NewLine + cap.Root, CapMessage.ContentType, System.Text.Encoding.UTF8);
    }

    public static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"There is no alert {id} in your jurisdiction.", statusCode: StatusCodes.Status404NotFound,
            type: ServiceDefaults.Problems.NotFound);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrEmpty(json) ? "null" : json);
        return document.RootElement.Clone();
    }
}
