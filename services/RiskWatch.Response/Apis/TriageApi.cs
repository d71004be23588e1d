using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Core.Triage;
using RiskWatch.Data.Access;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Console;
using RiskWatch.Response.Metrics;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Apis;

/// <summary>An alert of the list: the alert, how often the deadline timer escalated it, and the team leading it now.</summary>
public sealed record TriageItem(AlertView Alert, int TimerEscalations, string? Team);

public sealed record DistrictCountView(string District, string DistrictKey, int Count);

/// <summary>
/// A page of the list: which alerts of <see cref="Total"/> it holds (<see cref="From"/> to <see cref="To"/>, 1-based), and
/// the counts per grade (every filter but grade) and per district (every filter but district).
/// </summary>
public sealed record TriageView(
    int Total, int Page, int PageSize, int From, int To, IReadOnlyList<TriageItem> Items,
    IReadOnlyDictionary<string, int> GradeCounts, IReadOnlyList<DistrictCountView> DistrictCounts);

public sealed record BulkAcknowledgeRequest(IReadOnlyList<long>? AlertIds);

public sealed record BulkResult(long AlertId, string Outcome, string? Problem);

public sealed record BulkAcknowledgeView(int Acknowledged, IReadOnlyList<BulkResult> Results);

/// <summary>
/// The console's triage: the sorted, filtered, searched and paged alert list with its counts; the people an alert may be
/// assigned to; acknowledging a flood of related alerts at once.
/// </summary>
public static class TriageApi
{
    public const int MaxBulk = 200;

    public static IEndpointRouteBuilder MapTriageApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").RequireAuthorization(AlertsApi.HandlingPolicy);
        alerts.MapGet("/triage", ListAsync).WithName("TriageAlerts")
            .WithSummary("A page of the alerts in the caller's jurisdiction: sort=deadline|grade|newest, status, grade, tier, district, mine, overdue, q (subject, tracking code or alert number), page, pageSize; with the total and the counts per grade and district.");
        alerts.MapGet("/{id:long}/assignees", AssigneesAsync).WithName("AlertAssignees")
            .WithSummary("The responders whose jurisdiction holds the alert, those of its leading tier first.");
        alerts.MapPost("/acknowledge", AcknowledgeManyAsync).WithName("AcknowledgeAlerts").AddEndpointFilter<CsrfFilter>()
            .WithSummary("Acknowledges up to 200 alerts at once ({alertIds: [...]}); answers per alert.");
        return app;
    }

    public static async Task<IResult> ListAsync(HttpContext context, ClaimsPrincipal user, AlertTriage triage, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (query, errors) = TriageQuery.Parse(name => context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);
        if (query is null)
        {
            return ResponseAnswers.Invalid(errors);
        }

        var page = await triage.ListAsync(AlertsApi.ScopeOf(user, policy), query, user.Principal() ?? "", clock.GetUtcNow(), cancellationToken);
        var items = page.Rows.Select(r => new TriageItem(AlertView.From(r.Alert), r.TimerEscalations,
            policy.TeamFor(Tiers.Parse(r.Alert.Tier), r.Alert.City, r.Alert.District, r.Alert.Street))).ToList();
        return TypedResults.Ok(new TriageView(
            page.Total, query.Page, query.PageSize, items.Count == 0 ? 0 : query.Offset + 1, query.Offset + items.Count, items,
            page.GradeCounts, page.DistrictCounts.Select(d => new DistrictCountView(d.District, d.DistrictKey, d.Count)).ToList()));
    }

    public static async Task<Results<Ok<IReadOnlyList<Assignee>>, ProblemHttpResult>> AssigneesAsync(
        long id, ClaimsPrincipal user, AlertQueries queries, ResponderDirectory directory, HandlingPolicy policy, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(id, AlertsApi.ScopeOf(user, policy), cancellationToken) is not { } alert)
        {
            return AlertsApi.NotFound(id);
        }

        return TypedResults.Ok(await directory.ForAlertAsync(alert.City, alert.District, alert.Street, Tiers.Parse(alert.Tier), cancellationToken));
    }

    public static async Task<IResult> AcknowledgeManyAsync(
        BulkAcknowledgeRequest body, ClaimsPrincipal user, AlertCommands commands, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ids = body.AlertIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0 || ids.Count > MaxBulk)
        {
            return ResponseAnswers.Invalid("alertIds", $"must list from 1 to {MaxBulk} alert ids");
        }

        var results = new List<BulkResult>();
        foreach (var id in ids)
        {
            var now = clock.GetUtcNow();
            // Each alert in its own transaction, as one by one: one that cannot be acknowledged never holds up the others.
            var result = await commands.ApplyAsync(id, AlertsApi.ScopeOf(user, policy), new AlertCommand(AlertAction.Acknowledge), user.Principal() ?? "unknown",
                user.Jurisdiction().Tier, now, cancellationToken);
            if (result.Status == CommandStatus.Done)
            {
                HandlingTimes.Observe(AlertAction.Acknowledge, result.Alert!, policy);
            }

            results.Add(new BulkResult(id, result.Status switch
            {
                CommandStatus.Done => "acknowledged",
                CommandStatus.NotFound => "not_found",
                CommandStatus.Forbidden => "forbidden",
                _ => "conflict",
            }, result.Status is CommandStatus.Conflict or CommandStatus.Forbidden ? result.Problem : null));
        }

        return TypedResults.Ok(new BulkAcknowledgeView(results.Count(r => r.Outcome == "acknowledged"), results));
    }
}
