using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Ingest;

/// <summary>Problem types of intake beyond the shared ones in <see cref="Problems"/>; each URI is a stable contract.</summary>
public static class IngestProblems
{
    public const string Unauthorized = "https://riskwatch.example/problems/unauthorized";
    public const string BadSignature = "https://riskwatch.example/problems/bad-signature";
    public const string TooLarge = "https://riskwatch.example/problems/too-large";
    public const string RateLimited = "https://riskwatch.example/problems/rate-limited";
    public const string InvalidBatch = "https://riskwatch.example/problems/invalid-batch";
    public const string InvalidFollowUp = "https://riskwatch.example/problems/invalid-follow-up";
    public const string TooBusy = "https://riskwatch.example/problems/busy";
    public const string FollowUpRefused = "https://riskwatch.example/problems/follow-up-not-allowed";

    public static ProblemHttpResult NotAuthenticated(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication failed.", type: Unauthorized);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "This key may not do that.", type: Unauthorized);

    public static ProblemHttpResult Signature(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "The request signature is missing, wrong, stale or replayed.", type: BadSignature);

    public static ProblemHttpResult BodyTooLarge(int maxBytes) => BodyTooLarge($"the body must be at most {maxBytes / 1024} KiB");

    public static ProblemHttpResult BodyTooLarge(string reason) =>
        TypedResults.Problem(char.ToUpperInvariant(reason[0]) + reason[1..] + ".", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", type: TooLarge);

    public static ProblemHttpResult Batch(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The batch is not a list of reports.", type: InvalidBatch);

    public static ProblemHttpResult Busy(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Ingest is busy; try again shortly.", type: TooBusy);

    public static ProblemHttpResult FollowUpNotAllowed() =>
        TypedResults.Problem("This is a platform's report: the platform adds information by sending a new report in a signed batch, not through the follow-up page.",
            statusCode: StatusCodes.Status403Forbidden, title: "Follow-ups are for informants' reports.", type: FollowUpRefused);

    public static ProblemHttpResult FollowUpNotFound() =>
        TypedResults.Problem("No report has this tracking code. Check the code on your receipt (RW-XXXXX-XXXXX).",
            statusCode: StatusCodes.Status404NotFound, title: "Unknown tracking code.", type: Problems.NotFound);
}
