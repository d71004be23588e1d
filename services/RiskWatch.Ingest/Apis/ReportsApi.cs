using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Ingest.Intake;

namespace RiskWatch.Ingest.Apis;

public static class ReportsApi
{
    /// <summary>A report is at most 4,000 characters of text plus a few short fields; 64 KiB is generous.</summary>
    public const int MaxReportBytes = 64 * 1024;

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder intake)
    {
        intake.MapPost("/api/v1/reports", SubmitReport)
            .WithName("SubmitReport")
            .WithSummary("Submit one report (contract v1). Answers 202 once Kafka has acknowledged it; the same reportId again answers 202 with the same receipt and changes nothing.")
            .Accepts<ReportV1>("application/json")
            .AddEndpointFilter(IntakeFilters.RejectUnknownKey);
        return intake;
    }

    public static async Task<Results<Accepted<ReportReceipt>, ValidationProblem, ProblemHttpResult>> SubmitReport(
        HttpContext context, ReportIntake intake, CancellationToken cancellationToken)
    {
        if (context.User.IsInRole(Roles.Platform))
        {
            // A platform's reports are signed (issue 14, finding 3): its bearer key alone could be a stolen one.
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.Unauthorized, "platform", IntakeChannel.Api);
            return IngestProblems.Forbidden("A platform sends its reports in signed batches: POST /api/v1/platform/reports with the X-RiskWatch-Timestamp and X-RiskWatch-Signature headers.");
        }

        var result = await ReadAndSubmitAsync(context, intake, IntakeChannel.Api, cancellationToken);
        var id = result is IntakeResult.Accepted a ? a.Report.ReportId : (result as IntakeResult.Duplicate)?.Report.ReportId;
        return IntakeAnswers.ToHttp(result, context, $"/api/v1/reports/{id}");
    }

    /// <summary>Reads one report's body (at most <see cref="MaxReportBytes"/>) and submits it.</summary>
    public static async Task<IntakeResult> ReadAndSubmitAsync(HttpContext context, ReportIntake intake, IntakeChannel channel, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(context.Request, MaxReportBytes, cancellationToken);
        return body.Error is { } tooLarge
            ? ReportIntake.Reject(IngestMetrics.Reasons.TooLarge, null, channel, [tooLarge])
            : await intake.SubmitAsync(body.Bytes, channel, context.User, IntakeSender.Of(context), cancellationToken);
    }
}
