using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Contract;
using RiskWatch.Ingest.Intake;
using RiskWatch.ServiceDefaults;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Ingest.Apis;

/// <summary>The receipt for an accepted report: its id and the code an informant keeps to follow it up.</summary>
public sealed record ReportReceipt(Guid ReportId, string TrackingCode);

public static class ReportsApi
{
    /// <summary>A report is at most 4,000 characters of text plus a few short fields; 64 KiB is generous.</summary>
    public const int MaxReportBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/reports", SubmitReport)
            .WithName("SubmitReport")
            .WithSummary("Submit one report (contract v1). Answers 202 once Kafka has acknowledged it; the same reportId again answers 202 with the same receipt and changes nothing.")
            .WithTags("Intake")
            .Accepts<ReportV1>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AddEndpointFilter(IntakeFilters.RejectUnknownKey)
            .RequireRateLimiting(IntakeRateLimits.Policy);
        return app;
    }

    public static async Task<Results<Accepted<ReportReceipt>, ValidationProblem, ProblemHttpResult>> SubmitReport(
        HttpContext context,
        ReportIntake intake,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(context.Request, MaxReportBytes, cancellationToken);
        if (body.Error is { } tooLarge)
        {
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.TooLarge, null, RiskWatchMetrics.Channels.Api);
            return Problems.Invalid([tooLarge]);
        }

        var parsed = ReportParser.Parse(body.Bytes, clock.GetUtcNow());
        if (parsed.Report is not { } report)
        {
            RiskWatchMetrics.RecordRejected(
                parsed.Errors.Any(e => e.Field == "$") ? RiskWatchMetrics.RejectReasons.MalformedJson : RiskWatchMetrics.RejectReasons.InvalidReport,
                null, RiskWatchMetrics.Channels.Api);
            return Problems.Invalid(parsed.Errors);
        }

        if (IntakeFilters.ReporterMismatches(context.User, report) is { Count: > 0 } mismatches)
        {
            RiskWatchMetrics.RecordRejected(RiskWatchMetrics.RejectReasons.InvalidReport, report.Source, RiskWatchMetrics.Channels.Api);
            return Problems.Invalid(mismatches);
        }

        // Accepted before (a duplicate): the same answer again, and nothing produced twice.
        var submittedBy = IntakeFilters.Submitter(context.User);
        if (await intake.AcceptAsync(report, RiskWatchMetrics.Channels.Api, followUpOf: null, submittedBy, cancellationToken) == IntakeOutcome.Unavailable)
        {
            return Problems.Unavailable(context, TimeSpan.FromSeconds(5), "The message broker did not acknowledge the report in time, or holds as many reports not yet scored as it safely can.");
        }

        return TypedResults.Accepted($"/api/v1/reports/{report.ReportId}", new ReportReceipt(report.ReportId, TrackingCode.For(report.ReportId)));
    }
}
