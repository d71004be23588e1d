using RiskWatch.Core.Contract;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Response.Apis;

/// <summary>The answers the console's newer endpoints share: problems that name the field and why, and command outcomes.</summary>
public static class ResponseAnswers
{
    public const int MaxText = 4000;

    public static IResult Invalid(string field, string reason) => Invalid([new FieldError(field, reason)]);

    public static IResult Invalid(IReadOnlyList<FieldError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()),
            detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")),
            title: "The request is not valid.", type: AlertActionsApi.InvalidAction);

    public static IResult Conflict(string? detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, type: AlertActionsApi.ActionProblem,
            title: "The alert's status does not allow this action.");

    /// <summary>A required text: present, at most <paramref name="max"/> characters, no NUL (PostgreSQL cannot store it).</summary>
    public static FieldError? Required(string? value, string field, int max = MaxText, int min = 1) =>
        string.IsNullOrWhiteSpace(value) ? new FieldError(field, "is required")
        : value.Trim().Length < min ? new FieldError(field, $"must be at least {min} characters")
        : Optional(value, field, max);

    public static FieldError? Optional(string? value, string field, int max = MaxText) =>
        value is null ? null
        : value.Length > max ? new FieldError(field, $"must be at most {max} characters")
        : value.Contains('\0', StringComparison.Ordinal) ? new FieldError(field, "must not contain NUL characters")
        : null;

    public static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A command's outcome as HTTP: the alert afterwards, 404 (out of scope or unknown), or 409 with the reason.</summary>
    public static IResult TierTooLow(string? problem) => TypedResults.Problem(problem, statusCode: StatusCodes.Status403Forbidden,
        type: AlertActionsApi.TierTooLow, title: "This action belongs to the tier that leads the alert.");

    public static IResult Outcome(CommandResult result, long id) => result.Status switch
    {
        CommandStatus.NotFound => AlertsApi.NotFound(id),
        CommandStatus.Conflict => Conflict(result.Problem),
        CommandStatus.Forbidden => TierTooLow(result.Problem),
        _ => TypedResults.Ok(AlertView.From(result.Alert!)),
    };
}
