using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace RiskWatch.ServiceDefaults;

/// <summary>
/// A request the server cannot read is the caller's fault, whatever part of the stack noticed it: a body over Kestrel's
/// limit (413), a body shorter than its Content-Length (400), a body that is not JSON or does not bind to the endpoint's
/// parameter, a missing body, the wrong content type (415). Kestrel and minimal-API binding throw
/// <see cref="BadHttpRequestException"/> for all of them; without this handler the exception handler would answer 500.
/// The answer is problem details with the reason, and the exception is not logged as a server error (a handled
/// exception's diagnostics are suppressed), so hostile bodies cannot flood the error log either.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = Problems.BadRequest,
                Title = "The request cannot be read.",
                Detail = Reason(bad),
            },
        });
    }

    /// <summary>
    /// Gives the answers the framework writes without a reason (Kestrel's 413 as minimal-API binding reports it, a 415)
    /// one, for <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>.
    /// </summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
                ? $"The request body must be at most {max / 1024} KiB."
                : "The request body is too large.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with Content-Type: application/json.",
            _ => null,
        };
    }

    /// <summary>
    /// The framework's words, plus where the JSON went wrong. The serializer's own message names .NET types, so only its
    /// path and position are passed on (never any of the body).
    /// </summary>
    private static string Reason(BadHttpRequestException bad) =>
        bad.InnerException is JsonException { Path: { } path } json
            ? $"{bad.Message} The JSON is not valid, or not of the expected shape, at {path} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})."
            : bad.Message;
}
