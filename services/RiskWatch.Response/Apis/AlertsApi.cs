using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Response.Apis;

/// <summary>An alert as the response team reads it; probabilities are keyed by grade name.</summary>
public sealed record AlertView(
    long Id, string Grade, string Status, AlertPlace Place, string Subject, int ReportCount,
    IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, DateTime OpenedAt, DateTime LastReportAt)
{
    public static AlertView From(AlertSummary a) => new(
        a.AlertId, a.Grade, a.Status, new AlertPlace(a.City, a.District, a.Street), a.SubjectName, a.ReportCount,
        ProbabilitiesByGrade(a.Probabilities), a.ModelVersion, a.OpenedAt, a.LastReportAt);

    public static IReadOnlyDictionary<string, float> ProbabilitiesByGrade(float[] probabilities) =>
        Grades.All.Where(g => (int)g < probabilities.Length).ToDictionary(g => g.ToWire(), g => probabilities[(int)g]);
}

public sealed record AlertPlace(string City, string? District, string? Street);

public sealed record AlertReportView(
    Guid ReportId, string Source, string Reporter, DateTime OccurredAt, string Grade,
    IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, string Text);

public sealed record AlertDetailView(AlertView Alert, IReadOnlyList<AlertReportView> Reports, IReadOnlyList<AlertEvent> Timeline);

public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts");
        alerts.MapGet("/", ListAlerts).WithName("ListAlerts").WithSummary("The newest alerts first.");
        alerts.MapGet("/{id:long}", GetAlert).WithName("GetAlert").WithSummary("One alert with its reports and timeline.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<AlertView>>> ListAlerts(AlertQueries queries, CancellationToken cancellationToken, int limit = 100)
    {
        var rows = await queries.ListAsync(Math.Clamp(limit, 1, 1000), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AlertView>>(rows.Select(AlertView.From).ToList());
    }

    public static async Task<Results<Ok<AlertDetailView>, ProblemHttpResult>> GetAlert(long id, AlertQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.GetAsync(id, cancellationToken) is not { } detail)
        {
            return TypedResults.Problem($"There is no alert {id}.", statusCode: StatusCodes.Status404NotFound,
                type: ServiceDefaults.Problems.NotFound);
        }

        var reports = detail.Reports.Select(r => new AlertReportView(
            r.ReportId, r.Source, r.Reporter, r.OccurredAt, r.Grade, AlertView.ProbabilitiesByGrade(r.Probabilities), r.ModelVersion, r.Text)).ToList();
        return TypedResults.Ok(new AlertDetailView(AlertView.From(detail.Alert), reports, detail.Timeline));
    }
}
