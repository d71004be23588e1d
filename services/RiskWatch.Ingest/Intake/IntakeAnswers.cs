using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Ingest.Intake;

/// <summary>The receipt for an accepted report: its id and the code an informant keeps to follow it up.</summary>
public sealed record ReportReceipt(Guid ReportId, string TrackingCode);

/// <summary>How an <see cref="IntakeResult"/> of one report is answered over HTTP.</summary>
public static class IntakeAnswers
{
    public const string UnavailableDetail =
        "The message broker did not acknowledge the report in time, or holds as many reports not yet scored as it safely can.";

    /// <summary>202 with the receipt (the same for a duplicate), 400/413 naming each field, or 503 with Retry-After.</summary>
    public static Results<Accepted<ReportReceipt>, ValidationProblem, ProblemHttpResult> ToHttp(IntakeResult result, HttpContext context, string location) =>
        result switch
        {
            IntakeResult.Accepted a => TypedResults.Accepted(location, new ReportReceipt(a.Report.ReportId, a.TrackingCode)),
            IntakeResult.Duplicate d => TypedResults.Accepted(location, new ReportReceipt(d.Report.ReportId, d.TrackingCode)),
            IntakeResult.Rejected { Reason: IngestMetrics.Reasons.TooLarge } r => IngestProblems.BodyTooLarge(r.Errors[0].Reason),
            IntakeResult.Rejected r => Problems.Invalid(r.Errors),
            _ => Problems.Unavailable(context, TimeSpan.FromSeconds(5), UnavailableDetail),
        };
}
