using System.Buffers;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// One change of an alert for its timeline: who made it (see <see cref="Core.Incidents.AlertActors"/>), what, and the
/// detail; <paramref name="Published"/>: whether it also goes to the outbox for the outside world.
/// </summary>
public sealed record AlertChange(long AlertId, string Actor, string Kind, object Detail, bool Published = true);

/// <summary>The alert as an outbox row shows it to the outside world: its state after the change, without informants' ids or report texts.</summary>
public sealed record AlertSnapshot(
    long Id, string Grade, string Tier, string Status, string Subject, string City, string? District, string? Street, int ReportCount,
    int Informants, bool Corroborated, string PolicyVersion, string ModelVersion, DateTimeOffset OpenedAt, DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ActDueAt, string? Outcome);

/// <summary>
/// Records changes of alerts: a timeline event each, with who made it and when, and (for a published change) the outbox
/// row that tells the outside world, in the caller's transaction, so that a change is published if and only if it was
/// committed.
/// </summary>
public static class AlertChanges
{
    /// <summary>
    /// Ids for <c>@EventCount</c> timeline entries, taken before they are written so that their outbox rows can name them.
    /// The sequence is named as the column's default names it: <c>pg_get_serial_sequence</c> in its place is evaluated
    /// per row, a catalog lookup for each id.
    /// </summary>
    internal const string EventIdsSql = "SELECT nextval('alert_events_event_id_seq') FROM generate_series(1, @EventCount)";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, string actor, string kind, object detail,
        DateTimeOffset at, CancellationToken cancellationToken) =>
        RecordManyAsync(connection, transaction, [new AlertChange(alertId, actor, kind, detail)], at, cancellationToken);

    /// <summary>
    /// Records <paramref name="changes"/>, made by statements already run in <paramref name="transaction"/>: reads the
    /// changed alerts as they now are for the outbox, then writes as <see cref="WriteAsync"/>.
    /// </summary>
    public static async Task RecordManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AlertChange> changes, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        const string sql = $"""
            {EventIdsSql};
            SELECT alert_id AS AlertId, grade, tier, status, subject_name AS SubjectName, city, district, street, report_count AS ReportCount,
                   informant_count AS InformantCount, corroborated, policy_version AS PolicyVersion, model_version AS ModelVersion,
                   opened_at AS OpenedAt, acknowledge_due_at AS AcknowledgeDueAt, act_due_at AS ActDueAt, outcome
            FROM alerts WHERE alert_id = ANY(@Ids)
            """;
        await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(sql, new
        {
            EventCount = changes.Count,
            Ids = changes.Select(c => c.AlertId).Distinct().ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        var eventIds = (await reader.ReadAsync<long>()).ToList();
        var alerts = (await reader.ReadAsync<SnapshotRow>()).ToDictionary(r => r.AlertId, r => r.ToSnapshot());
        await WriteAsync(connection, transaction, changes, eventIds, alerts, at, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="changes"/> under <paramref name="eventIds"/> (taken with <see cref="EventIdsSql"/>, in the
    /// order of the list, so one alert's timeline reads in the order its changes happened), each published one with an
    /// outbox row whose payload carries its alert as <paramref name="alerts"/> gives it. One round trip, whatever the
    /// number of changes. The payload is made here, not by the database: building it in SQL from a join with the alerts
    /// was the larger part of a scoring batch's costliest statement (docs/performance.md, stop 39).
    /// </summary>
    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AlertChange> changes, IReadOnlyList<long> eventIds,
        IReadOnlyDictionary<long, AlertSnapshot> alerts, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        if (eventIds.Count != changes.Count)
        {
            throw new ArgumentException($"{changes.Count} changes need as many event ids; {eventIds.Count} were given.", nameof(eventIds));
        }

        at = AsStored(at);
        var details = changes.Select(c => JsonSerializer.Serialize(c.Detail, JsonOptions)).ToArray();
        var published = Enumerable.Range(0, changes.Count).Where(i => changes[i].Published).ToList();
        using var payloads = new OutboxPayloads();
        const string sql = """
            INSERT INTO alert_events (event_id, alert_id, at, actor, kind, detail)
            SELECT c.event_id, c.alert_id, @At, c.actor, c.kind, c.detail::jsonb
            FROM unnest(@EventIds, @AlertIds, @Actors, @Kinds, @Details) AS c(event_id, alert_id, actor, kind, detail);

            -- In the changes' order: the relay publishes by outbox_id.
            INSERT INTO outbox (alert_id, event_id, kind, payload)
            SELECT o.alert_id, o.event_id, o.kind, o.payload
            FROM unnest(@PublishedAlertIds, @PublishedEventIds, @PublishedKinds, @Payloads) WITH ORDINALITY AS o(alert_id, event_id, kind, payload, n)
            ORDER BY o.n;
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            At = at.UtcDateTime,
            EventIds = eventIds.ToArray(),
            AlertIds = changes.Select(c => c.AlertId).ToArray(),
            Actors = changes.Select(c => c.Actor).ToArray(),
            Kinds = changes.Select(c => c.Kind).ToArray(),
            Details = details,
            PublishedAlertIds = published.Select(i => changes[i].AlertId).ToArray(),
            PublishedEventIds = published.Select(i => eventIds[i]).ToArray(),
            PublishedKinds = published.Select(i => changes[i].Kind).ToArray(),
            Payloads = published.Select(i => payloads.Write(eventIds[i], changes[i], details[i], at, AlertOf(changes[i]))).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        AlertSnapshot AlertOf(AlertChange change) => alerts.TryGetValue(change.AlertId, out var alert)
            ? alert
            : throw new InvalidOperationException($"A {change.Kind} change of alert {change.AlertId} is published, but that alert's state was not given (does it exist?).");
    }

    private sealed record SnapshotRow(
        long AlertId, string Grade, string Tier, string Status, string SubjectName, string City, string? District, string? Street, int ReportCount,
        int InformantCount, bool Corroborated, string PolicyVersion, string ModelVersion, DateTime OpenedAt, DateTime? AcknowledgeDueAt,
        DateTime? ActDueAt, string? Outcome)
    {
        public AlertSnapshot ToSnapshot() => new(
            AlertId, Grade, Tier, Status, SubjectName, City, District, Street, ReportCount, InformantCount, Corroborated, PolicyVersion,
            ModelVersion, Utc(OpenedAt), UtcOrNull(AcknowledgeDueAt), UtcOrNull(ActDueAt), Outcome);
    }

    /// <summary>
    /// Outbox payloads, written as the outside world reads them (docs/handling.md, "Outward"): the change, and its alert
    /// as <see cref="AlertSnapshot"/> gives it, times in microseconds as the database keeps them.
    /// </summary>
    private sealed class OutboxPayloads : IDisposable
    {
        private readonly ArrayBufferWriter<byte> buffer = new(1024);
        private readonly Utf8JsonWriter json;

        public OutboxPayloads() => json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonOptions.Encoder });

        public string Write(long eventId, AlertChange change, string detail, DateTimeOffset at, AlertSnapshot alert)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            json.WriteStartObject();
            json.WriteNumber("eventId", eventId);
            json.WriteNumber("alertId", change.AlertId);
            json.WriteString("kind", change.Kind);
            json.WriteString("at", at);
            json.WriteString("actor", change.Actor);
            json.WritePropertyName("detail");
            json.WriteRawValue(detail, skipInputValidation: true);
            json.WriteStartObject("alert");
            json.WriteNumber("id", alert.Id);
            json.WriteString("grade", alert.Grade);
            json.WriteString("tier", alert.Tier);
            json.WriteString("status", alert.Status);
            json.WriteString("subject", alert.Subject);
            json.WriteStartObject("place");
            json.WriteString("city", alert.City);
            json.WriteString("district", alert.District);
            json.WriteString("street", alert.Street);
            json.WriteEndObject();
            json.WriteNumber("reportCount", alert.ReportCount);
            json.WriteNumber("informants", alert.Informants);
            json.WriteBoolean("corroborated", alert.Corroborated);
            json.WriteString("policyVersion", alert.PolicyVersion);
            json.WriteString("modelVersion", alert.ModelVersion);
            json.WriteString("openedAt", AsStored(alert.OpenedAt));
            WriteTime("acknowledgeDueAt", alert.AcknowledgeDueAt);
            WriteTime("actDueAt", alert.ActDueAt);
            json.WriteString("outcome", alert.Outcome);
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        public void Dispose() => json.Dispose();

        private void WriteTime(string name, DateTimeOffset? time)
        {
            if (time is { } t)
            {
                json.WriteString(name, AsStored(t));
            }
            else
            {
                json.WriteNull(name);
            }
        }
    }
}
