using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Contract;
using RiskWatch.Data.Intake;
using RiskWatch.Ingest.Intake;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Ingest.Apis;

/// <summary>
/// What the follow-up page shows: the state in plain words, and its history with the messages the union sent back;
/// never notes or who handles it.
/// </summary>
public sealed record FollowUpStatus(string TrackingCode, string Status, DateTime ReceivedAt, DateTime? UpdatedAt, int Additions, IReadOnlyList<FollowUpStep> History);

/// <summary>Information an informant adds to a report they hold the tracking code of.</summary>
public sealed record FollowUpRequest(Guid ReportId, string Text, string? Language);

/// <summary>
/// The informant web form and its follow-up page, and the small APIs they call. Anyone may report through the form
/// without a key (a worker on a borrowed phone has none): the report's source is <c>informant</c> and its reporter
/// <c>anonymous</c>, or the key's pseudonym when the device sends an informant key.
/// </summary>
public static class FormApi
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ReportParser.MaxDepth };

    public static IEndpointRouteBuilder MapFormPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/report", () => Page("report.html", "text/html; charset=utf-8"))
            .WithName("ReportForm").WithSummary("The informant form (HTML, Simplified Chinese with an English switch).").WithTags("Form");
        app.MapGet("/report/follow-up", () => Page("follow-up.html", "text/html; charset=utf-8"))
            .WithName("FollowUpPage").WithSummary("The follow-up page: status by tracking code, and adding information.").WithTags("Form");
        app.MapGet("/report/{file}", Asset)
            .WithName("FormAsset").WithSummary("The pages' scripts, styles, icon and service worker (no inline script: the CSP forbids it).").WithTags("Form");
        return app;
    }

    /// <summary>What the pages load besides themselves; anything else under /report/ is a 404.</summary>
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
        ["fields.js"] = "text/javascript; charset=utf-8",
        ["places.js"] = "text/javascript; charset=utf-8",
        ["history.js"] = "text/javascript; charset=utf-8",
        ["offline.js"] = "text/javascript; charset=utf-8",
        ["sw.js"] = "text/javascript; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    };

    private static IResult Asset(string file, HttpContext context)
    {
        if (!Assets.TryGetValue(file, out var contentType))
        {
            return TypedResults.Problem($"There is no {file} here.", statusCode: StatusCodes.Status404NotFound, type: Problems.NotFound);
        }

        if (file == "sw.js")
        {
            // The service worker lives beside the scripts but serves the pages /report and /report/follow-up too.
            context.Response.Headers["Service-Worker-Allowed"] = "/report";
            context.Response.Headers.CacheControl = "no-cache";
        }

        return Page(file, contentType);
    }

    public static RouteGroupBuilder MapFormApi(this RouteGroupBuilder intake)
    {
        intake.MapPost("/api/v1/form/reports", SubmitFormReport)
            .WithName("SubmitFormReport")
            .WithSummary("A report from the informant form (contract v1; source and reporter are set by the server). 202 once Kafka acknowledged it; the same reportId again is a no-op with the same receipt.")
            .WithTags("Form")
            .Accepts<ReportV1>("application/json")
            .AddEndpointFilter(IntakeFilters.RejectUnknownKey);

        intake.MapGet("/api/v1/follow-ups/{trackingCode}", GetStatus)
            .WithName("FollowUpStatus")
            .WithSummary("The state of a report by its tracking code (received, in_review, not_taken_up, being_handled or closed) and its history, with the messages the union sent back.")
            .WithTags("Form");

        intake.MapPost("/api/v1/follow-ups/{trackingCode}", AddInformation)
            .WithName("AddFollowUp")
            .WithSummary("Adds information to a report: a new report about the same subject and place, its text marked as a follow-up, that joins the same alert.")
            .WithTags("Form")
            .Accepts<FollowUpRequest>("application/json")
            .AddEndpointFilter(IntakeFilters.RejectUnknownKey);
        return intake;
    }

    public static async Task<Results<Accepted<ReportReceipt>, ValidationProblem, ProblemHttpResult>> SubmitFormReport(
        HttpContext context, ReportIntake intake, CancellationToken cancellationToken)
    {
        var result = await ReportsApi.ReadAndSubmitAsync(context, intake, IntakeChannel.Form, cancellationToken);
        return IntakeAnswers.ToHttp(result, context, $"/api/v1/follow-ups/{(result as IntakeResult.Accepted)?.TrackingCode ?? (result as IntakeResult.Duplicate)?.TrackingCode}");
    }

    public static async Task<Results<Ok<FollowUpStatus>, ProblemHttpResult>> GetStatus(
        string trackingCode, IntakeLedger ledger, FollowUpHistory history, IOptions<IntakeSecurityOptions> security, CancellationToken cancellationToken)
    {
        if (Normalise(trackingCode) is not { } code || await ledger.StatusAsync(code, security.Value.AcceptUnkeyedTrackingCodes, cancellationToken) is not { } status)
        {
            return IngestProblems.FollowUpNotFound();
        }

        var steps = await history.ReadAsync(status.ReportId, cancellationToken);
        return TypedResults.Ok(new FollowUpStatus(status.TrackingCode, status.Status, status.ReceivedAt, status.UpdatedAt, status.Additions, steps));
    }

    public static async Task<Results<Accepted<ReportReceipt>, ValidationProblem, ProblemHttpResult>> AddInformation(
        string trackingCode, HttpContext context, ReportIntake intake, IntakeLedger ledger, IOptions<IntakeSecurityOptions> security, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(context.Request, ReportsApi.MaxReportBytes, cancellationToken);
        if (body.Error is { } tooLarge)
        {
            return IntakeAnswers.ToHttp(ReportIntake.Reject(IngestMetrics.Reasons.TooLarge, null, IntakeChannel.Form, [tooLarge]), context, "");
        }

        var request = ReadFollowUp(body.Bytes, out var errors);
        if (request is null)
        {
            return IntakeAnswers.ToHttp(ReportIntake.Reject(IngestMetrics.Reasons.InvalidReport, "informant", IntakeChannel.Form, errors), context, "");
        }

        if (Normalise(trackingCode) is not { } code || await ledger.FindOriginalAsync(code, security.Value.AcceptUnkeyedTrackingCodes, cancellationToken) is not { } original)
        {
            return IngestProblems.FollowUpNotFound();
        }

        if (original.Source == "platform")
        {
            // The code shows a platform's report's status; adding to it is the platform's, in a new signed report (issue 14,
            // finding 2): through this page anybody holding the code would speak in the platform's name.
            ReportIntake.Reject(IngestMetrics.Reasons.Unauthorized, "platform", IntakeChannel.Form, []);
            return IngestProblems.FollowUpNotAllowed();
        }

        // A new report on the same subject and place (so the same incident and alert), by the original's reporter (so
        // additions never count as independent corroboration), its text marked as a follow-up of the tracking code.
        using var about = JsonDocument.Parse(original.About);
        var language = request.Language ?? LanguageDetector.Detect(request.Text);
        var prefix = language == "zh" ? $"【补充信息 {original.TrackingCode}】" : $"[Follow-up to {original.TrackingCode}] ";
        var json = new JsonObject
        {
            ["reportId"] = request.ReportId.ToString(),
            ["source"] = original.Source,
            ["reporter"] = original.Reporter,
            ["occurredAt"] = about.RootElement.TryGetProperty("occurredAt", out var at) && at.ValueKind == JsonValueKind.String
                ? at.GetString()
                : clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["location"] = JsonNode.Parse(about.RootElement.GetProperty("location").GetRawText()),
            ["subject"] = JsonNode.Parse(about.RootElement.GetProperty("subject").GetRawText()),
            ["text"] = prefix + request.Text,
            ["language"] = language,
        };
        foreach (var optional in new[] { "sector", "category" })
        {
            if (about.RootElement.TryGetProperty(optional, out var value) && value.ValueKind == JsonValueKind.String)
            {
                json[optional] = value.GetString();
            }
        }

        // The original's place, subject and date were checked when it came in; now is the clock, for the date's bounds.
        var parsed = ReportParser.Parse(JsonSerializer.SerializeToUtf8Bytes(json), clock.GetUtcNow());
        if (parsed.Report is not { } report)
        {
            var reasons = parsed.Errors.Select(e => e.Field == "text" ? e with { Reason = $"with the follow-up mark, {e.Reason}" } : e).ToList();
            return IntakeAnswers.ToHttp(ReportIntake.Reject(IngestMetrics.Reasons.InvalidReport, "informant", IntakeChannel.Form, reasons), context, "");
        }

        // The reporter is the original's, so the sender cannot be refused for naming a registered informant: the code holder
        // adds to that informant's report. Scoring counts the addition as its sender's (anonymous without a key), never as the
        // informant's, unless it came with the informant's own key.
        var result = (await intake.AcceptAsync([report], IntakeChannel.Form, new FollowUp(original.ReportId, original.TrackingCode), IntakeSender.Of(context),
            reportersMayBeRegistered: true, cancellationToken))[0];
        return IntakeAnswers.ToHttp(result, context, $"/api/v1/follow-ups/{original.TrackingCode}");
    }

    private static FollowUpRequest? ReadFollowUp(ReadOnlyMemory<byte> bytes, out List<FieldError> errors)
    {
        errors = [];
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, DocumentOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            errors.Add(new FieldError("$", "the body is not valid JSON"));
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "a follow-up must be a JSON object with reportId and text"));
            return null;
        }

        // As for reports: a name given twice is refused, not read as whichever value a parser happens to keep.
        try
        {
            foreach (var repeated in root.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError(repeated.Key, "is given more than once; give each field once"));
            }
        }
        catch (InvalidOperationException)
        {
            errors.Add(new FieldError("$", "the names of the fields must be valid Unicode text"));
            return null;
        }

        Guid reportId = default;
        if (!root.TryGetProperty("reportId", out var id) || !TryGetText(id, out var idText) || !Guid.TryParse(idText, out reportId) || reportId == Guid.Empty)
        {
            errors.Add(new FieldError("reportId", "must be a new UUID chosen by the sender, such as 0f8fad5b-d9cb-469f-a165-70867728950e"));
        }

        string? text = null;
        if (!root.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError("text", "is required"));
        }
        else if (!TryGetText(t, out var written))
        {
            errors.Add(new FieldError("text", "must be valid Unicode text"));
        }
        else if (string.IsNullOrWhiteSpace(written))
        {
            errors.Add(new FieldError("text", "is required"));
        }
        else
        {
            text = written.Trim();
        }

        string? language = null;
        if (root.TryGetProperty("language", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (TryGetText(l, out var wanted) && ContractValues.Languages.Contains(wanted))
            {
                language = wanted;
            }
            else
            {
                errors.Add(new FieldError("language", "must be one of: en, zh"));
            }
        }

        return errors.Count == 0 ? new FollowUpRequest(reportId, text!, language) : null;
    }

    /// <summary>The value of a JSON string that is text; false for another kind, invalid UTF-8 or a lone surrogate.</summary>
    private static bool TryGetText(JsonElement value, out string text)
    {
        text = "";
        return value.ValueKind == JsonValueKind.String && ReportParser.TryGetText(value, out text);
    }

    /// <summary>Forgives case, spaces and a missing RW- prefix; null when it cannot be a tracking code.</summary>
    private static string? Normalise(string trackingCode)
    {
        var letters = new string(trackingCode.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        if (letters.StartsWith("RW", StringComparison.Ordinal) && letters.Length == 12)
        {
            letters = letters[2..];
        }

        return letters.Length == 10 ? $"RW-{letters[..5]}-{letters[5..]}" : null;
    }

    private static IResult Page(string name, string contentType)
    {
        var stream = typeof(FormApi).Assembly.GetManifestResourceStream("Web." + name)
            ?? throw new InvalidOperationException($"The embedded resource Web.{name} is missing from the build.");
        return Results.Stream(stream, contentType);
    }
}
