using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Data.Intake;
using RiskWatch.Ingest.Intake;
using RiskWatch.ServiceDefaults;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest.Apis;

/// <summary>The answer for one report of a batch, at its index: accepted, duplicate, rejected (with field errors) or unavailable.</summary>
public sealed record BatchItemResult(int Index, Guid? ReportId, string Status, string? TrackingCode, IReadOnlyList<FieldError>? Errors);

/// <summary>The answer for a whole batch: counts, and one result per report in the order sent.</summary>
public sealed record BatchResult(int Accepted, int Duplicates, int Rejected, int Unavailable, IReadOnlyList<BatchItemResult> Results);

/// <summary>
/// Signed batches from platforms. Authentication is the platform's API key; integrity and freshness are an
/// HMAC-SHA256 over <c>"{X-RiskWatch-Timestamp}.{body}"</c> with the key's signing secret, a timestamp within
/// five minutes, and a signature never seen before. One bad report never rejects the good ones.
/// </summary>
public static class PlatformApi
{
    public const string TimestampHeader = "X-RiskWatch-Timestamp";
    public const string SignatureHeader = "X-RiskWatch-Signature";

    public static class Statuses
    {
        public const string Accepted = "accepted";
        public const string Duplicate = "duplicate";
        public const string Rejected = "rejected";
        public const string Unavailable = "unavailable";
    }

    public static RouteGroupBuilder MapPlatformApi(this RouteGroupBuilder intake)
    {
        intake.MapPost("/api/v1/platform/reports", SubmitBatch)
            .WithName("SubmitPlatformBatch")
            .WithSummary("A signed batch of up to 1,000 reports (a JSON array, or {\"reports\": [...]}) from a platform key; answers per report.")
            .WithDescription($"Headers: Authorization: Bearer <platform key>; {TimestampHeader}: unix seconds (within 5 minutes); {SignatureHeader}: hex HMAC-SHA256 over \"{{timestamp}}.{{body}}\" with the key's signing secret. A signature is accepted once.")
            .WithTags("Platform")
            .Accepts<ReportV1[]>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return intake;
    }

    public static async Task<Results<Ok<BatchResult>, ProblemHttpResult>> SubmitBatch(
        HttpContext context,
        ReportIntake intake,
        PlatformSigning signing,
        BatchGate gate,
        ReportRateLimiter reportLimit,
        IOptions<IngestOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var user = context.User;
        if (user.FindFirstValue(RiskWatchClaims.KeyId) is not { } keyId)
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.Unauthorized, "platform", IntakeChannel.Platform);
            return IngestProblems.NotAuthenticated("Send the platform's API key: Authorization: Bearer rwk_...");
        }

        if (!user.IsInRole(Roles.Platform))
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.Unauthorized, "platform", IntakeChannel.Platform);
            return IngestProblems.Forbidden("Only a platform key may send platform batches.");
        }

        // A batch holds up to twice MaxBatchBytes (the received body and its copy) while it is read, parsed and produced;
        // the gate bounds how many at once, so Ingest's memory does not grow with the number of senders. A batch that
        // waits is not read meanwhile: Kestrel buffers at most 1 MB of it.
        if (!await gate.Slots.WaitAsync(BatchGate.LongestWait, cancellationToken))
        {
            context.Response.Headers.RetryAfter = "5";
            return IngestProblems.Busy($"More than {gate.Capacity} platform batches are being received at once. Nothing was stored; send the batch again (sign it anew).");
        }

        try
        {
            return await ReadAndAcceptAsync(context, keyId, intake, signing, reportLimit, options.Value, clock, cancellationToken);
        }
        finally
        {
            gate.Slots.Release();
        }
    }

    private static async Task<Results<Ok<BatchResult>, ProblemHttpResult>> ReadAndAcceptAsync(
        HttpContext context, string keyId, ReportIntake intake, PlatformSigning signing, ReportRateLimiter reportLimit, IngestOptions limits,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(context.Request, limits.MaxBatchBytes, cancellationToken);
        if (body.Error is not null)
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.TooLarge, "platform", IntakeChannel.Platform);
            return IngestProblems.BodyTooLarge(limits.MaxBatchBytes);
        }

        var now = clock.GetUtcNow();
        if (await CheckSignatureAsync(context.Request, body.Bytes, keyId, signing, now, cancellationToken) is { } refusal)
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.Unauthorized, "platform", IntakeChannel.Platform);
            return IngestProblems.Signature(refusal);
        }

        var split = PlatformBatchReader.Split(body.Bytes.Span, limits.MaxBatchReports);
        if (split.Problem is { } problem)
        {
            if (split.Malformed)
            {
                IngestMetrics.RecordRejected(IngestMetrics.Reasons.MalformedJson, "platform", IntakeChannel.Platform);
            }

            return IngestProblems.Batch(problem);
        }

        // The key's reports this minute: a batch takes one permit per report, not one per request (issue 14, finding 8).
        if (reportLimit.TryTake(keyId, split.Reports.Count) is { } wait)
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.RateLimited, "platform", IntakeChannel.Platform);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                $"This key has sent its {limits.KeyReportsPerMinute} reports for this minute; a batch takes one per report. Try again in {seconds} s (sign anew). Nothing was stored.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Rate limit reached.", type: IngestProblems.RateLimited);
        }

        var items = new (ReportV1?, IntakeResult.Rejected?)[split.Reports.Count];
        var ids = new Guid?[split.Reports.Count];
        for (var index = 0; index < items.Length; index++)
        {
            var (start, length) = split.Reports[index];
            var (parsed, id) = PlatformBatchReader.Parse(body.Bytes.Slice(start, length), now);
            items[index] = (parsed.Report, ReportIntake.Check(parsed, context.User));
            ids[index] = id;
        }

        var outcomes = await intake.AcceptBatchAsync(items, IntakeSender.Of(context), cancellationToken);
        var results = outcomes.Select((outcome, i) => outcome switch
        {
            IntakeResult.Accepted a => new BatchItemResult(i, ids[i], Statuses.Accepted, a.TrackingCode, null),
            IntakeResult.Duplicate d => new BatchItemResult(i, ids[i], Statuses.Duplicate, d.TrackingCode, null),
            IntakeResult.Rejected r => new BatchItemResult(i, ids[i], Statuses.Rejected, null, r.Errors),
            _ => new BatchItemResult(i, ids[i], Statuses.Unavailable, null, null),
        }).ToList();

        var unavailable = results.Count(r => r.Status == Statuses.Unavailable);
        if (unavailable > 0 && unavailable == results.Count)
        {
            return Problems.Unavailable(context, TimeSpan.FromSeconds(5), "The message broker did not acknowledge the batch in time, or holds as many reports not yet scored as it safely can.");
        }

        return TypedResults.Ok(new BatchResult(
            results.Count(r => r.Status == Statuses.Accepted),
            results.Count(r => r.Status == Statuses.Duplicate),
            results.Count(r => r.Status == Statuses.Rejected),
            unavailable,
            results));
    }

    /// <summary>How many platform batches Ingest reads and processes at once (<see cref="IngestOptions.MaxConcurrentBatches"/>).</summary>
    public sealed class BatchGate(IOptions<IngestOptions> options)
    {
        /// <summary>A batch waits this long for a slot before it is answered 503; batches of 1,000 reports take well under a second each.</summary>
        public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

        public int Capacity { get; } = options.Value.MaxConcurrentBatches;

        public SemaphoreSlim Slots { get; } = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);
    }

    /// <summary>Null when the request is signed, fresh and new; otherwise why not (the same words for every wrong signature).</summary>
    private static async Task<string?> CheckSignatureAsync(
        HttpRequest request, ReadOnlyMemory<byte> body, string keyId, PlatformSigning signing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timestamp = request.Headers[TimestampHeader].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || timestamp.Length > 12)
        {
            return $"{TimestampHeader} must be the current time in unix seconds.";
        }

        // In seconds, not as a DateTimeOffset: a timestamp past the year 9999 (253402300800) cannot be one, and threw (a 500).
        var age = now.ToUnixTimeSeconds() - seconds;
        if (Math.Abs(age) > (long)PlatformSigning.Window.TotalSeconds)
        {
            return $"{TimestampHeader} is {age} s off the server's clock; at most {(int)PlatformSigning.Window.TotalSeconds} s are allowed. Sign again with the current time.";
        }

        var presented = request.Headers[SignatureHeader].ToString();
        if (presented.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            presented = presented["sha256=".Length..];
        }

        byte[] signature;
        try
        {
            signature = presented.Length == 64 ? Convert.FromHexString(presented) : [];
        }
        catch (FormatException)
        {
            signature = [];
        }

        var secret = await signing.SecretAsync(keyId, cancellationToken);
        // Compute and compare even without a secret or a well-formed signature, so timing says nothing.
        var expected = PlatformSigning.Sign(secret ?? new byte[32], timestamp, body.Span);
        var matches = CryptographicOperations.FixedTimeEquals(expected, signature.Length == expected.Length ? signature : new byte[expected.Length]);
        if (!matches || secret is null || signature.Length != expected.Length)
        {
            return $"{SignatureHeader} must be the hex HMAC-SHA256 of \"{{timestamp}}.{{body}}\" with this key's signing secret.";
        }

        if (!await signing.TryRememberSignatureAsync(signature, keyId, cancellationToken))
        {
            return "This signature was used before (a replay). Sign each request anew, with the current time.";
        }

        return null;
    }
}
