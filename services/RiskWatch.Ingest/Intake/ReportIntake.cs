using System.Globalization;
using System.Security.Claims;
using Confluent.Kafka;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Intake;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest.Intake;

/// <summary>
/// Who sent an intake request: the principal of its key (null without one) and the sender whose share of a partition's
/// backlog its reports take (<c>key:&lt;id&gt;</c>, or <c>ip:&lt;address&gt;</c> without a key).
/// </summary>
public sealed record IntakeSender(string? Principal, string Bucket)
{
    public static IntakeSender Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        return user.FindFirstValue(RiskWatchClaims.KeyId) is { } keyId
            ? new IntakeSender(ReportIntake.Submitter(user), "key:" + keyId)
            : new IntakeSender(null, "ip:" + context.Connection.RemoteIpAddress);
    }
}

/// <summary>A follow-up: the report it adds to, and that report's tracking code (the one the informant keeps).</summary>
public sealed record FollowUp(Guid Of, string TrackingCode);

/// <summary>
/// The one way a report enters RiskWatch from Ingest: read and check it, skip ids already accepted, send it to the
/// <see cref="IReportSink"/> and wait for the broker's acknowledgement, then record the id in the intake ledger. A report
/// is answered "accepted" only after the broker has it, and a resubmission (same reportId) is answered "duplicate" without
/// sending it again. Every outcome is counted in <see cref="IngestMetrics"/> here, once.
/// </summary>
public sealed class ReportIntake(IReportSink sink, IntakeLedger ledger, HandlingPolicy policy, TrackingCode codes, TimeProvider clock)
{
    /// <summary>The reporter of a report sent through the form without an informant key.</summary>
    public const string AnonymousReporter = "anonymous";

    /// <summary>
    /// One report's body from the API or the form. The form's sender is set by the server, never read from the body: an
    /// informant key's pseudonym, or <see cref="AnonymousReporter"/>; a page can never claim somebody else's pseudonym.
    /// Through the API, a report sent without an informant's key is anonymous whatever it says (issue 14, finding 3): its
    /// source must be informant (a platform's reports come in signed batches) and its reporter must not be a registered
    /// informant or key, which only that key may speak for.
    /// </summary>
    public async Task<IntakeResult> SubmitAsync(ReadOnlyMemory<byte> body, IntakeChannel channel, ClaimsPrincipal caller, IntakeSender sender, CancellationToken cancellationToken)
    {
        var identity = channel == IntakeChannel.Form ? new ReportIdentity("informant", FormReporter(caller)) : null;
        var parsed = ReportParser.Parse(body, clock.GetUtcNow(), identity);
        // The form's sender is the server's word, so only the API's reports are checked against the key that sent them.
        if ((identity is null ? Check(parsed, caller) : Check(parsed)) is { } refused)
        {
            return Reject(refused.Reason, identity?.Source, channel, refused.Errors);
        }

        var speaksForAKey = identity is not null || caller.IsInRole(Roles.Informant);
        if (!speaksForAKey && parsed.Report!.Source == "platform")
        {
            return Reject(IngestMetrics.Reasons.InvalidReport, "platform", channel,
                [new FieldError("source", "platform reports come only in a platform's signed batches (POST /api/v1/platform/reports); without a key a report is an informant's")]);
        }

        return (await AcceptAsync([parsed.Report!], channel, followUp: null, sender, reportersMayBeRegistered: speaksForAKey, cancellationToken))[0];
    }

    /// <summary>
    /// Null when <paramref name="parsed"/> is a report its sender may send, else why not (not yet counted: see
    /// <see cref="AcceptBatchAsync"/>). A report sent with an informant's or a platform's key must speak for that key.
    /// </summary>
    public static IntakeResult.Rejected? Check(ParseResult parsed, ClaimsPrincipal? caller = null)
    {
        if (parsed.Report is not { } report)
        {
            return new IntakeResult.Rejected(
                parsed.Errors.Any(e => e.Field == "$") ? IngestMetrics.Reasons.MalformedJson : IngestMetrics.Reasons.InvalidReport, parsed.Errors);
        }

        return caller is not null && ReporterMismatches(caller, report) is { Count: > 0 } mismatches
            ? new IntakeResult.Rejected(IngestMetrics.Reasons.InvalidReport, mismatches)
            : null;
    }

    /// <summary>
    /// A platform batch, report by report in the order sent: each item is a parsed report or its refusal. Refusals are
    /// counted; the reports are accepted together (one ledger lookup, one record).
    /// </summary>
    public async Task<IntakeResult[]> AcceptBatchAsync(
        IReadOnlyList<(ReportV1? Report, IntakeResult.Rejected? Refusal)> items, IntakeSender sender, CancellationToken cancellationToken)
    {
        var results = new IntakeResult[items.Count];
        var valid = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Refusal is { } refusal)
            {
                results[i] = Reject(refusal.Reason, items[i].Report?.Source ?? "platform", IntakeChannel.Platform, refusal.Errors);
            }
            else
            {
                valid.Add(i);
            }
        }

        // A batch's reports speak for the platform key that signed it (checked item by item above).
        var accepted = await AcceptAsync(valid.Select(i => items[i].Report!).ToList(), IntakeChannel.Platform, null, sender, reportersMayBeRegistered: true,
            cancellationToken);
        for (var n = 0; n < valid.Count; n++)
        {
            results[valid[n]] = accepted[n];
        }

        return results;
    }

    /// <summary>
    /// Reports already read and checked, in order; a repeated id within the list is a duplicate too.
    /// </summary>
    /// <param name="followUp">The report these add information to, when they are a follow-up.</param>
    /// <param name="sender">Who sent the reports: the key's principal (null without one) and their share of the backlog.</param>
    /// <param name="reportersMayBeRegistered">False when the reports came without a key that speaks for their reporter: then a
    /// reporter that is a registered informant or a key's principal is refused, not taken for that informant or platform.</param>
    public async Task<IntakeResult[]> AcceptAsync(
        IReadOnlyList<ReportV1> reports, IntakeChannel channel, FollowUp? followUp, IntakeSender sender, bool reportersMayBeRegistered,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var results = new IntakeResult[reports.Count];
        var known = await ledger.LookUpAsync(new IntakeLookup(
            reports.Select(r => r.ReportId).ToHashSet(),
            reportersMayBeRegistered ? [] : reports.Select(r => r.Reporter).Where(r => r != AnonymousReporter && r != sender.Principal).ToHashSet(StringComparer.Ordinal)),
            cancellationToken);
        // The policy's place names (aliases) make the key, as Scoring makes it: one incident, one partition.
        var places = policy.Places;
        var seen = new HashSet<Guid>();
        var messages = new List<ReportMessage>(reports.Count);
        var sending = new List<int>(reports.Count);
        var placesSent = new List<PlaceKeys>(reports.Count);
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (known.Accepted.TryGetValue(report.ReportId, out var stored) || !seen.Add(report.ReportId))
            {
                // The code given out first, even when the secret has been rotated since.
                results[i] = new IntakeResult.Duplicate(report, followUp?.TrackingCode ?? stored ?? codes.For(report.ReportId));
            }
            else if (known.Registered.Contains(report.Reporter))
            {
                results[i] = Reject(IngestMetrics.Reasons.InvalidReport, report.Source, channel, [new FieldError("reporter",
                    $"{report.Reporter} is a registered informant or key: only its own key may report in its name. Send it with that key, or as {AnonymousReporter}")]);
            }
            else if (ReportJson.Serialize(report) is var json && json.Length > ContractValues.MaxMessageBytes)
            {
                results[i] = TooLarge(report, channel, json.Length);
            }
            else
            {
                // Each name normalised once, for the key and for the ledger's place.
                var place = new PlaceKeys(places.City(report.Location.City), places.District(report.Location.District), places.Street(report.Location.Street));
                messages.Add(new ReportMessage(IncidentKey.FromPlaceKeys(place.City, place.District, place.Street, report.Subject.Name), json));
                sending.Add(i);
                placesSent.Add(place);
            }
        }

        // All at once, with one wait: the producer batches them into few requests, each still acknowledged one by one.
        var origin = new ReportOrigin(channel, sender.Principal, sender.Bucket);
        var sent = await SendAsync(messages, reports, sending, origin, cancellationToken);
        var entries = new List<LedgerEntry>(sending.Count);
        for (var n = 0; n < sending.Count; n++)
        {
            var report = reports[sending[n]];
            var code = codes.For(report.ReportId);
            results[sending[n]] = sent[n] ?? new IntakeResult.Accepted(report, followUp?.TrackingCode ?? code);
            if (sent[n] is null)
            {
                entries.Add(new LedgerEntry(
                    report.ReportId,
                    code,
                    channel.ToLabel(),
                    report.Source,
                    report.Reporter,
                    messages[n].IncidentKey,
                    followUp?.Of,
                    IntakeLedger.AboutJson(report),
                    sender.Principal)
                {
                    Place = placesSent[n],
                    TrackingCodeVersion = TrackingCode.KeyedVersion,
                });
            }
        }

        await ledger.RecordAsync(entries, cancellationToken);
        return results;
    }

    /// <summary>Counts a refusal and returns it; <paramref name="source"/> is null when the body never parsed.</summary>
    public static IntakeResult.Rejected Reject(string reason, string? source, IntakeChannel channel, IReadOnlyList<FieldError> errors)
    {
        IngestMetrics.RecordRejected(reason, source, channel);
        return new IntakeResult.Rejected(reason, errors);
    }

    /// <summary>The principal of the key that sent a request, recorded with its reports; null without a key.</summary>
    public static string? Submitter(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>
    /// A report sent with an informant's or a platform's key speaks for that key: its source must be the key's kind and
    /// its reporter the key's id, or it could pass for somebody else's report. Empty when it may go on.
    /// </summary>
    public static IReadOnlyList<FieldError> ReporterMismatches(ClaimsPrincipal user, ReportV1 report)
    {
        var role = user.IsInRole(Roles.Informant) ? Roles.Informant : user.IsInRole(Roles.Platform) ? Roles.Platform : null;
        if (role is null || Submitter(user) is not { } principal)
        {
            return [];
        }

        var errors = new List<FieldError>(2);
        if (report.Source != role)
        {
            errors.Add(new FieldError("source", $"must be {role} with this {role} key"));
        }

        if (!string.Equals(report.Reporter, principal, StringComparison.Ordinal))
        {
            errors.Add(new FieldError("reporter", $"must be this key's id, {principal}"));
        }

        return errors;
    }

    /// <summary>
    /// The refusal (counted) of a report too large, as RiskWatch stores it, for a message. Measured on the bytes produced,
    /// escapes included (an emoji is 12 bytes as \uXXXX\uXXXX): what Scoring would refuse as oversized is refused here,
    /// with the reason, instead of answered 202 and dead-lettered (issue 14, finding 4). The parser's byte limits keep
    /// every valid report well below it; this is the guarantee, not the usual path.
    /// </summary>
    private static IntakeResult.Rejected TooLarge(ReportV1 report, IntakeChannel channel, int length) =>
        Reject(IngestMetrics.Reasons.TooLarge, report.Source, channel, [new FieldError("$", string.Create(CultureInfo.InvariantCulture,
            $"the report as RiskWatch stores it (JSON, with escapes: an emoji takes 12 bytes) would be {length} bytes; at most {ContractValues.MaxMessageBytes} are taken: shorten the text"))]);

    /// <summary>For each message, null when delivered (counted as accepted), else what to answer (counted as refused).</summary>
    private async Task<IntakeResult?[]> SendAsync(
        List<ReportMessage> messages, IReadOnlyList<ReportV1> reports, List<int> sending, ReportOrigin origin, CancellationToken cancellationToken)
    {
        SinkResult[] delivered;
        try
        {
            delivered = await sink.SendAllAsync(messages, origin, cancellationToken);
        }
        catch (ProduceException<string, byte[]>)
        {
            foreach (var i in sending)
            {
                IngestMetrics.RecordRejected(IngestMetrics.Reasons.BrokerRejected, reports[i].Source, origin.Channel);
            }

            throw;
        }

        var answers = new IntakeResult?[delivered.Length];
        for (var n = 0; n < delivered.Length; n++)
        {
            var source = reports[sending[n]].Source;
            switch (delivered[n])
            {
                case SinkResult.Delivered:
                    break;
                case SinkResult.Full:
                    IngestMetrics.RecordRejected(IngestMetrics.Reasons.BacklogFull, source, origin.Channel);
                    answers[n] = new IntakeResult.Unavailable(IngestMetrics.Reasons.BacklogFull);
                    break;
                default:
                    IngestMetrics.RecordRejected(IngestMetrics.Reasons.BrokerUnavailable, source, origin.Channel);
                    answers[n] = new IntakeResult.Unavailable(IngestMetrics.Reasons.BrokerUnavailable);
                    break;
            }
        }

        // Accepted reports are counted per source (a platform batch in one call), not with a label lookup each.
        foreach (var accepted in sending.Where((_, n) => delivered[n] is SinkResult.Delivered).GroupBy(i => reports[i].Source))
        {
            IngestMetrics.RecordAccepted(accepted.Key, origin.Channel, accepted.Count());
        }

        return answers;
    }

    private static string FormReporter(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Informant) && Submitter(user) is { Length: > 0 } pseudonym ? pseudonym : AnonymousReporter;
}
