using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using RiskWatch.Core.Contract;

namespace RiskWatch.Data.Intake;

/// <summary>
/// A report the broker acknowledged, as Ingest remembers it: never its text. <paramref name="SubmittedBy"/> is the
/// principal of the key that sent it (null when sent without one): a report may name any reporter, but only one sent
/// with that informant's own key shows the informant is part of the incident.
/// </summary>
public sealed record LedgerEntry(
    Guid ReportId, string TrackingCode, string Channel, string Source, string Reporter, string IncidentKey,
    Guid? FollowUpOf, string About, string? SubmittedBy)
{
    /// <summary>The report's place as keys (<c>PlaceNames</c>), compared with a responder's scope when they ask to reveal its informant.</summary>
    public PlaceKeys? Place { get; init; }

    /// <summary>How <see cref="TrackingCode"/> was derived: 1 unkeyed (before issue 14), 2 keyed with the server secret.</summary>
    public int TrackingCodeVersion { get; init; } = Core.Contract.TrackingCode.KeyedVersion;
}

/// <summary>
/// What intake asks the database about a request's reports before it sends them, in one statement: which of the ids were
/// accepted before (with the tracking code each got then), and which of the reporters they name are registered: an
/// informant's id or a key's principal, which a report may name only when it comes with that key (issue 14, finding 3).
/// </summary>
public sealed record IntakeLookup(IReadOnlyCollection<Guid> ReportIds, IReadOnlyCollection<string> Reporters);

/// <param name="Accepted">Report id to the tracking code stored for it (null for a report stored by Scoring without one).</param>
/// <param name="Registered">Those of the reporters asked about that are registered informants or key principals.</param>
public sealed record IntakeKnown(Dictionary<Guid, string?> Accepted, HashSet<string> Registered);

/// <summary>A place as keys: city, district and street, each normalised with the policy's aliases.</summary>
public sealed record PlaceKeys(string City, string District, string Street);

/// <summary>What an informant may see of a report: its state in plain words, never notes or who handles it.</summary>
public sealed record IntakeStatus(
    Guid ReportId, string TrackingCode, string Status, DateTime ReceivedAt, DateTime? UpdatedAt, int Additions, string About);

/// <summary>
/// The intake ledger: the ids of reports the broker acknowledged, written by Ingest right after the acknowledgement.
/// It answers "duplicate" for a resubmission without asking Scoring, and the follow-up page's status before a report
/// is scored. Losing a row here after the acknowledgement (a crash in between) only means a resubmission is produced
/// again and Scoring drops it as a duplicate: the reports table stays the truth.
/// Every intake request asks it once and writes it once, so both go through a <see cref="CallCoalescer{TItem, TResult}"/>:
/// concurrent requests share one statement instead of taking a round trip each (a platform batch's call runs its own,
/// <see cref="OwnStatementReports"/>).
/// </summary>
public sealed class IntakeLedger
{
    private readonly NpgsqlDataSource dataSource;
    private readonly CallCoalescer<IntakeLookup, IntakeKnown> lookups;
    private readonly CallCoalescer<IReadOnlyList<LedgerEntry>, bool> records;

    public IntakeLedger(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        lookups = new(QueryAsync, runsAlone: lookup => lookup.ReportIds.Count >= OwnStatementReports);
        records = new(WriteAsync, runsAlone: entries => entries.Count >= OwnStatementReports);
    }

    public static class Statuses
    {
        public const string Received = "received";
        public const string BeingHandled = "being_handled";
        public const string Closed = "closed";

        /// <summary>Scored as no labour-relations risk: waiting for a responder of the place to review it.</summary>
        public const string InReview = "in_review";

        /// <summary>Reviewed by a responder and not taken up as a labour-relations risk.</summary>
        public const string NotTakenUp = "not_taken_up";
    }

    /// <summary>Those of <paramref name="reportIds"/> already accepted, through Ingest or scored from Kafka.</summary>
    public async Task<HashSet<Guid>> AcceptedAmongAsync(IReadOnlyCollection<Guid> reportIds, CancellationToken cancellationToken) =>
        (await LookUpAsync(new IntakeLookup(reportIds, []), cancellationToken)).Accepted.Keys.ToHashSet();

    /// <summary>
    /// A call with at least this many reports (a platform batch) runs a statement of its own instead of joining the
    /// shared one (the coalescer's <c>runsAlone</c>): it already makes a round trip worth its cost, and the coalescer runs
    /// one statement at a time, so platform batches sharing it did their ledger work one after another on one PostgreSQL
    /// backend, one core, with the other core partly idle (docs/performance.md, platform batches).
    /// </summary>
    public const int OwnStatementReports = 100;

    /// <summary>Which reports were accepted before (with their codes) and which reporters are registered: one statement, shared by concurrent small calls.</summary>
    public async Task<IntakeKnown> LookUpAsync(IntakeLookup lookup, CancellationToken cancellationToken) =>
        lookup.ReportIds.Count == 0 && lookup.Reporters.Count == 0
            ? new IntakeKnown([], new HashSet<string>(StringComparer.Ordinal))
            : await lookups.RunAsync(lookup, cancellationToken);

    /// <summary>Records acknowledged reports; ones already there are left as they are.</summary>
    public async Task RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count > 0)
        {
            await records.RunAsync(entries, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<IntakeKnown>> QueryAsync(IReadOnlyList<IntakeLookup> calls)
    {
        const string sql = """
            SELECT report_id, tracking_code FROM intake_ledger WHERE report_id = ANY(@Ids)
            UNION ALL
            SELECT r.report_id, r.tracking_code FROM reports r
            WHERE r.report_id = ANY(@Ids) AND NOT EXISTS (SELECT 1 FROM intake_ledger l WHERE l.report_id = r.report_id);
            SELECT informant_id FROM informants WHERE informant_id = ANY(@Reporters)
            UNION
            SELECT principal FROM api_keys WHERE principal = ANY(@Reporters);
            """;
        var ids = calls.SelectMany(c => c.ReportIds).Distinct().ToArray();
        var reporters = calls.SelectMany(c => c.Reporters).Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { Ids = ids, Reporters = reporters }));
        var found = new Dictionary<Guid, string?>();
        foreach (var (id, code) in await results.ReadAsync<(Guid, string?)>())
        {
            found.TryAdd(id, code);
        }

        var registered = (await results.ReadAsync<string>()).ToHashSet(StringComparer.Ordinal);
        return calls.Select(c => new IntakeKnown(
            c.ReportIds.Where(found.ContainsKey).Distinct().ToDictionary(id => id, id => found[id]),
            c.Reporters.Where(registered.Contains).ToHashSet(StringComparer.Ordinal))).ToList();
    }

    /// <summary>
    /// Records the entries of concurrent calls. A platform batch's (<see cref="OwnStatementReports"/> or more) go by
    /// binary COPY: the insert's check of both unique indexes before each row, and the arrays it unpacks into a table
    /// first, were more than half of PostgreSQL's work for platform batches (docs/performance.md, stop 37). A report
    /// recorded already (the same report sent twice at once) makes COPY refuse them all, and then they go in by the insert,
    /// which leaves a recorded one as it is. Single reports' shared statements keep the insert: a COPY waits for the
    /// server's go-ahead before it sends its rows, a round trip more, and a few rows gain little from it.
    /// </summary>
    private async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<IReadOnlyList<LedgerEntry>> calls)
    {
        var entries = calls.SelectMany(c => c).ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        if (entries.Count < OwnStatementReports)
        {
            await InsertSkippingRecordedAsync(connection, entries);
        }
        else
        {
            try
            {
                using var rows = new LedgerCopyRows();
                await rows.CopyAsync(connection, entries, rows.Add, CancellationToken.None);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await InsertSkippingRecordedAsync(connection, entries);
            }
        }

        return calls.Select(_ => true).ToList();
    }

    internal static async Task InsertSkippingRecordedAsync(NpgsqlConnection connection, List<LedgerEntry> entries)
    {
        // No constraint here can refuse one entry and so fail the others sharing the statement: conflicts do nothing.
        const string sql = $"""
            INSERT INTO intake_ledger ({LedgerCopyRows.Columns})
            SELECT * FROM unnest(@Ids, @Codes, @Channels, @Sources, @Reporters, @Keys, @FollowUps, @Abouts, @SubmittedBy,
                                 @CityKeys, @DistrictKeys, @StreetKeys, @CodeVersions)
            ON CONFLICT DO NOTHING
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("Ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = entries.Select(e => e.ReportId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.TrackingCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Channels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.Channel).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Sources", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Reporters", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.Reporter).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.IncidentKey).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("FollowUps", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = entries.Select(e => (object?)e.FollowUpOf ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("Abouts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.About).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("SubmittedBy", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => (object?)e.SubmittedBy ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("CityKeys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => (object?)e.Place?.City ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("DistrictKeys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => (object?)e.Place?.District ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("StreetKeys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => (object?)e.Place?.Street ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("CodeVersions", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = entries.Select(e => (short)e.TrackingCodeVersion).ToArray() });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The report a tracking code names, as the template of a follow-up: the original when the code is a follow-up's
    /// own. Reports a platform produced straight to Kafka before issue 14 are found in the reports table by the unkeyed code
    /// Scoring stored then. With <paramref name="acceptUnkeyed"/> false, a version-1 code (computable from the report id)
    /// names nothing.
    /// </summary>
    public async Task<LedgerEntry?> FindOriginalAsync(string trackingCode, bool acceptUnkeyed, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT o.report_id AS ReportId, o.tracking_code AS TrackingCode, o.channel, o.source, o.reporter,
                   o.incident_key AS IncidentKey, o.follow_up_of AS FollowUpOf, o.about AS About, o.submitted_by AS SubmittedBy
            FROM intake_ledger l JOIN intake_ledger o ON o.report_id = coalesce(l.follow_up_of, l.report_id)
            WHERE l.tracking_code = @Code AND (@AcceptUnkeyed OR l.tracking_code_version >= 2)
            UNION ALL
            SELECT r.report_id, r.tracking_code, 'api', r.source, r.reporter, r.incident_key, NULL,
                   jsonb_build_object('location', r.body::json->'location', 'subject', r.body::json->'subject', 'sector', r.body::json->'sector',
                                      'category', r.body::json->'category', 'occurredAt', r.body::json->'occurredAt')::text, NULL
            FROM reports r
            WHERE @AcceptUnkeyed AND r.tracking_code = @Code AND NOT EXISTS (SELECT 1 FROM intake_ledger WHERE tracking_code = @Code)
            LIMIT 1
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LedgerEntry>(new CommandDefinition(sql, new { Code = trackingCode, AcceptUnkeyed = acceptUnkeyed },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The state of the report a tracking code names, from its alert: received (not yet scored, or an alert nobody took up
    /// yet), in review (graded none, waiting for a responder), not taken up (a responder dismissed it), being handled
    /// (acknowledged or in handling), closed (resolved or closed).
    /// </summary>
    public async Task<IntakeStatus?> StatusAsync(string trackingCode, bool acceptUnkeyed, CancellationToken cancellationToken)
    {
        if (await FindOriginalAsync(trackingCode, acceptUnkeyed, cancellationToken) is not { } original)
        {
            return null;
        }

        const string sql = """
            WITH family AS (
                SELECT report_id FROM intake_ledger WHERE report_id = @Id OR follow_up_of = @Id
                UNION SELECT @Id
            )
            SELECT
                coalesce((SELECT accepted_at FROM intake_ledger WHERE report_id = @Id),
                         (SELECT received_at FROM reports WHERE report_id = @Id)) AS ReceivedAt,
                (SELECT count(*)::int FROM intake_ledger WHERE follow_up_of = @Id) AS Additions,
                a.status AS AlertStatus,
                coalesce(a.updated_at, q.decided_at, q.queued_at) AS UpdatedAt,
                q.queued_at IS NOT NULL AS Reviewed,
                q.decision AS ReviewDecision
            FROM (SELECT 1) one
            LEFT JOIN report_reviews q ON q.report_id = @Id
            LEFT JOIN LATERAL (
                SELECT al.status, al.updated_at FROM reports r JOIN alerts al ON al.alert_id = r.alert_id
                WHERE r.report_id IN (SELECT report_id FROM family)
                ORDER BY al.updated_at DESC LIMIT 1
            ) a ON true
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<StatusRow>(new CommandDefinition(sql, new { Id = original.ReportId }, cancellationToken: cancellationToken));
        // A report graded none has no alert: it waits in the review queue, or a responder decided it is no labour risk.
        var status = row.AlertStatus switch
        {
            null when row.Reviewed && row.ReviewDecision is null => Statuses.InReview,
            null when row.ReviewDecision == "dismissed" => Statuses.NotTakenUp,
            null or "new" => Statuses.Received,
            "resolved" or "closed" => Statuses.Closed,
            _ => Statuses.BeingHandled,
        };
        return new IntakeStatus(original.ReportId, original.TrackingCode, status, row.ReceivedAt ?? DateTime.UtcNow, row.UpdatedAt, row.Additions, original.About);
    }

    /// <summary>The parts of a report a follow-up copies (where, about whom, when): never its text.</summary>
    public static string AboutJson(ReportV1 report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // Typed, not an anonymous object of objects: the serializer then writes the place and subject without looking up
        // their types at run time, for every report intake records.
        return JsonSerializer.Serialize(new About(report.Location, report.Subject, report.Sector, report.Category, report.OccurredAt), ReportJson.Options);
    }

    private sealed record About(ReportLocation Location, ReportSubject Subject, string? Sector, string? Category, DateTimeOffset OccurredAt);

    private sealed record StatusRow(DateTime? ReceivedAt, int Additions, string? AlertStatus, DateTime? UpdatedAt, bool Reviewed, string? ReviewDecision);
}
