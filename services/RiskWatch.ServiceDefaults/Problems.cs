using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Contract;

namespace RiskWatch.ServiceDefaults;

/// <summary>
/// RFC 7807 problem details with one stable <c>type</c> per cause, so clients can branch on the
/// type rather than parse a message.
/// </summary>
public static class Problems
{
    public const string InvalidReport = "https://riskwatch.example/problems/invalid-report";
    public const string BrokerUnavailable = "https://riskwatch.example/problems/broker-unavailable";
    public const string NotFound = "https://riskwatch.example/problems/not-found";

    /// <summary>The request itself could not be read: too large, cut short, not JSON, the wrong shape or content type.</summary>
    public const string BadRequest = "https://riskwatch.example/problems/bad-request";

    public static ValidationProblem Invalid(IReadOnlyList<FieldError> errors) =>
        Invalid(errors, "The report does not follow the report contract v1.", InvalidReport);

    /// <summary>A validation problem naming each bad field and why, under the given title and problem type.</summary>
    public static ValidationProblem Invalid(IReadOnlyList<FieldError> errors, string title, string type) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()),
            detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")),
            title: title,
            type: type);

    public static ProblemHttpResult Unavailable(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "RiskWatch cannot accept reports right now; nothing was stored. Send the same report again later.",
            type: BrokerUnavailable);
    }
}
