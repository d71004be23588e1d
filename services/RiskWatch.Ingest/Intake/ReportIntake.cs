using System.Security.Claims;
using Confluent.Kafka;
using RiskWatch.Core.Access;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Intake;

namespace RiskWatch.Ingest.Intake;

/// <summary>
/// The one way a report enters RiskWatch from Ingest: read and check it, skip ids already accepted, send it to the
/// <see cref="IReportSink"/> and wait for the broker's acknowledgement, then record the id in the intake ledger. A report
/// is answered "accepted" only after the broker has it, and a resubmission (same reportId) is answered "duplicate" without
/// sending it again. Every outcome is counted in <see cref="IngestMetrics"/> here, once.
/// </summary>
public sealed class ReportIntake(IReportSink sink, IntakeLedger ledger, TimeProvider clock)
{
    /// <summary>The reporter of a report sent through the form without an informant key.</summary>
    public const string AnonymousReporter = "anonymous";

    /// <summary>
    /// One report's body from the API or the form. The form's sender is set by the server, never read from the body: an
    /// informant key's pseudonym, or <see cref="AnonymousReporter"/>; a page can never claim somebody else's pseudonym.
    /// </summary>
    public async Task<IntakeResult> SubmitAsync(ReadOnlyMemory<byte> body, IntakeChannel channel, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var identity = channel == IntakeChannel.Form ? new ReportIdentity("informant", FormReporter(caller)) : null;
        var parsed = ReportParser.Parse(body, clock.GetUtcNow(), identity);
        // The form's sender is the server's word, so only the API's reports are checked against the key that sent them.
        if ((identity is null ? Check(parsed, caller) : Check(parsed)) is { } refused)
        {
            return Reject(refused.Reason, identity?.Source, channel, refused.Errors);
        }

        return (await AcceptAsync([parsed.Report!], channel, followUpOf: null, Submitter(caller), cancellationToken))[0];
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
        IReadOnlyList<(ReportV1? Report, IntakeResult.Rejected? Refusal)> items, ClaimsPrincipal caller, CancellationToken cancellationToken)
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

        var accepted = await AcceptAsync(valid.Select(i => items[i].Report!).ToList(), IntakeChannel.Platform, null, Submitter(caller), cancellationToken);
        for (var n = 0; n < valid.Count; n++)
        {
            results[valid[n]] = accepted[n];
        }

        return results;
    }

    /// <summary>
    /// Reports already read and checked, in order; a repeated id within the list is a duplicate too.
    /// </summary>
    /// <param name="followUpOf">The report these add information to, when they are a follow-up.</param>
    /// <param name="submittedBy">The principal of the key that sent the reports; null when they came without one.</param>
    public async Task<IntakeResult[]> AcceptAsync(
        IReadOnlyList<ReportV1> reports, IntakeChannel channel, Guid? followUpOf, string? submittedBy, CancellationToken cancellationToken)
    {
        var results = new IntakeResult[reports.Count];
        var seen = await ledger.AcceptedAmongAsync(reports.Select(r => r.ReportId).ToHashSet(), cancellationToken);
        var toSend = new List<int>(reports.Count);
        for (var i = 0; i < reports.Count; i++)
        {
            if (seen.Add(reports[i].ReportId))
            {
                toSend.Add(i);
            }
            else
            {
                results[i] = new IntakeResult.Duplicate(reports[i], Receipt(reports[i], followUpOf));
            }
        }

        // All at once: the producer batches them into few requests, each still acknowledged one by one.
        var keys = toSend.Select(i => IncidentKey.For(reports[i])).ToArray();
        var sent = await Task.WhenAll(toSend.Select((i, n) => SendAsync(reports[i], keys[n], channel, cancellationToken)));
        var entries = new List<LedgerEntry>(toSend.Count);
        for (var n = 0; n < toSend.Count; n++)
        {
            var report = reports[toSend[n]];
            results[toSend[n]] = sent[n] ?? new IntakeResult.Accepted(report, Receipt(report, followUpOf));
            if (sent[n] is null)
            {
                entries.Add(Entry(report, keys[n], channel, followUpOf, submittedBy));
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

    /// <summary>Null when delivered (counted as accepted), else what to answer (counted as refused).</summary>
    private async Task<IntakeResult?> SendAsync(ReportV1 report, string incidentKey, IntakeChannel channel, CancellationToken cancellationToken)
    {
        SinkResult result;
        try
        {
            result = await sink.SendAsync(incidentKey, ReportJson.Serialize(report), channel, cancellationToken);
        }
        catch (ProduceException<string, byte[]>)
        {
            IngestMetrics.RecordRejected(IngestMetrics.Reasons.BrokerRejected, report.Source, channel);
            throw;
        }

        switch (result)
        {
            case SinkResult.Delivered:
                IngestMetrics.RecordAccepted(report.Source, channel);
                return null;
            case SinkResult.Full:
                IngestMetrics.RecordRejected(IngestMetrics.Reasons.BacklogFull, report.Source, channel);
                return new IntakeResult.Unavailable(IngestMetrics.Reasons.BacklogFull);
            default:
                IngestMetrics.RecordRejected(IngestMetrics.Reasons.BrokerUnavailable, report.Source, channel);
                return new IntakeResult.Unavailable(IngestMetrics.Reasons.BrokerUnavailable);
        }
    }

    /// <summary>A follow-up's receipt is the original's tracking code: the one code the informant keeps.</summary>
    private static string Receipt(ReportV1 report, Guid? followUpOf) => TrackingCode.For(followUpOf ?? report.ReportId);

    private static string FormReporter(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Informant) && Submitter(user) is { Length: > 0 } pseudonym ? pseudonym : AnonymousReporter;

    private static LedgerEntry Entry(ReportV1 report, string incidentKey, IntakeChannel channel, Guid? followUpOf, string? submittedBy) => new(
        report.ReportId,
        TrackingCode.For(report.ReportId),
        channel.ToLabel(),
        report.Source,
        report.Reporter,
        incidentKey,
        followUpOf,
        IntakeLedger.AboutJson(report.Location, report.Subject, report.Sector, report.Category, report.OccurredAt, ReportJson.Options),
        submittedBy);
}
