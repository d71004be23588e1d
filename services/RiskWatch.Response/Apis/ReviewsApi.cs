using RiskWatch.Core.Policy;
using System.Security.Claims;
using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Alerts;
using RiskWatch.Data.Reviews;
using RiskWatch.Response.Console;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Apis;

/// <summary>A report in the review queue as a responder reads it: the informant by pseudonym, the model's view, the decision if any.</summary>
public sealed record ReviewView(
    Guid ReportId, string? TrackingCode, string Source, string Reporter, AlertPlace Place, string Subject, string Text, DateTime OccurredAt,
    DateTime QueuedAt, IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, IReadOnlyList<string> Reasons, string? Decision,
    string? DecidedBy, DateTime? DecidedAt, string? Reason, string? Grade, long? AlertId)
{
    /// <param name="language">The language of the reasons; null for the report's own.</param>
    public static ReviewView From(ReviewItem r, string? language) => new(
        r.ReportId, r.TrackingCode, r.Source, r.Reporter, new AlertPlace(r.City, r.District, r.Street), r.SubjectName, r.Text, r.OccurredAt, r.QueuedAt,
        AlertView.ProbabilitiesByGrade(r.Probabilities), r.ModelVersion, GradeReason.FromJson(r.Reasons).Select(x => x.In(language ?? r.Language)).ToList(), r.Decision, r.DecidedBy,
        r.DecidedAt, r.Reason, r.Grade, r.AlertId);
}

public sealed record ReviewPageView(int Total, int Page, int PageSize, IReadOnlyList<ReviewView> Items);

public sealed record DismissRequest(string? Reason);

public sealed record PromoteRequest(string? Grade, string? Reason);

/// <summary>
/// The review queue of reports the model graded none (so they opened no alert): GET /api/v1/reviews lists those of the
/// caller's jurisdiction; a responder dismisses one, or promotes it to an alert of the grade they choose (model feedback).
/// </summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var reviews = app.MapGroup("/api/v1/reviews").RequireAuthorization(AlertsApi.HandlingPolicy);
        reviews.MapGet("/", ListAsync).WithName("ListReviews")
            .WithSummary("Reports graded none in the caller's jurisdiction: state=waiting (default, oldest first) or decided; page, pageSize.");
        var decide = reviews.MapGroup("/{reportId:guid}").AddEndpointFilter<CsrfFilter>();
        decide.MapPost("/dismiss", DismissAsync).WithName("DismissReview")
            .WithSummary("Not a labour-relations risk ({reason} optional): the report leaves the queue.");
        decide.MapPost("/promote", PromoteAsync).WithName("PromoteReview")
            .WithSummary("Opens (or joins) an alert for the report at the grade given ({grade, reason}); stored as model feedback.");
        return app;
    }

    public static async Task<IResult> ListAsync(ClaimsPrincipal user, ReviewQueue queue, HandlingPolicy policy, CancellationToken cancellationToken, string? state = null, int page = 1, int pageSize = 50,
        string? lang = null)
    {
        var errors = new List<FieldError>();
        if (state is not (null or "waiting" or "decided"))
        {
            errors.Add(new FieldError("state", "must be waiting or decided"));
        }

        if (page < 1)
        {
            errors.Add(new FieldError("page", "must be 1 or more"));
        }

        if (pageSize is < 1 or > 200)
        {
            errors.Add(new FieldError("pageSize", "must be from 1 to 200"));
        }

        if (errors.Count > 0)
        {
            return ResponseAnswers.Invalid(errors);
        }

        var found = await queue.ListAsync(AlertsApi.ScopeOf(user, policy), state != "decided", (page - 1) * pageSize, pageSize, cancellationToken);
        return TypedResults.Ok(new ReviewPageView(found.Total, page, pageSize, found.Items.Select(r => ReviewView.From(r, Language(lang))).ToList()));
    }

    public static async Task<IResult> DismissAsync(Guid reportId, DismissRequest? body, ClaimsPrincipal user, ReviewQueue queue, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ResponseAnswers.Optional(body?.Reason, "reason") is { } error)
        {
            return ResponseAnswers.Invalid([error]);
        }

        return Answer(await queue.DismissAsync(reportId, AlertsApi.ScopeOf(user, policy), ResponseAnswers.Trimmed(body?.Reason), user.Principal() ?? "unknown",
            clock.GetUtcNow(), cancellationToken), reportId);
    }

    public static async Task<IResult> PromoteAsync(Guid reportId, PromoteRequest body, ClaimsPrincipal user, ReviewQueue queue, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!Grades.TryParse(body.Grade, out var grade) || grade == Grade.None)
        {
            errors.Add(new FieldError("grade", "must be one of blue, yellow, orange, red (dismiss the report for no risk)"));
        }

        if (ResponseAnswers.Required(body.Reason, "reason") is { } reason)
        {
            errors.Add(reason);
        }

        if (errors.Count > 0)
        {
            return ResponseAnswers.Invalid(errors);
        }

        return Answer(await queue.PromoteAsync(reportId, AlertsApi.ScopeOf(user, policy), grade, body.Reason!.Trim(), user.Principal() ?? "unknown",
            clock.GetUtcNow(), cancellationToken), reportId);
    }

    private static IResult Answer(ReviewResult result, Guid reportId) => result.Status switch
    {
        CommandStatus.NotFound => TypedResults.Problem($"There is no report {reportId} waiting for review in your jurisdiction.",
            statusCode: StatusCodes.Status404NotFound, type: ServiceDefaults.Problems.NotFound),
        CommandStatus.Conflict => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status409Conflict, type: AlertActionsApi.ActionProblem,
            title: "The report was already reviewed."),
        _ => TypedResults.Ok(ReviewView.From(result.Item!, null)),
    };

    private static string? Language(string? lang) => lang is "zh" or "en" ? lang : null;
}
