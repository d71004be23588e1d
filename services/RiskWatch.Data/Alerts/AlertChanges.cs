using System.Text.Json;
using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// One change of an alert for its timeline: who made it (see <see cref="Core.Incidents.AlertActors"/>), what, and the
/// detail; <paramref name="Published"/>: whether it also goes to the outbox for the outside world.
/// </summary>
public sealed record AlertChange(long AlertId, string Actor, string Kind, object Detail, bool Published = true);

/// <summary>
/// Records changes of alerts: a timeline event each, with who made it and when, and (for a published change) the outbox
/// row that tells the outside world, in the caller's transaction, so that a change is published if and only if it was
/// committed.
/// </summary>
public static class AlertChanges
{
    public static Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, string actor, string kind, object detail,
        DateTimeOffset at, CancellationToken cancellationToken) =>
        RecordManyAsync(connection, transaction, [new AlertChange(alertId, actor, kind, detail)], at, cancellationToken);

    /// <summary>
    /// Records <paramref name="changes"/> in one statement. Event ids follow the order of the list, so one alert's
    /// timeline reads in the order its changes happened.
    /// </summary>
    public static async Task RecordManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AlertChange> changes, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        // The outbox payload carries the alert as it is after the change (its UPDATE ran in an earlier statement; for a
        // scoring batch, as the whole batch left it); informants' ids and report texts never leave. It is built as json,
        // text written in order, not jsonb: building a tree and sorting its keys cost a fifth of this statement.
        const string sql = """
            WITH e AS (
                INSERT INTO alert_events (alert_id, at, actor, kind, detail)
                SELECT c.alert_id, @At, c.actor, c.kind, c.detail::jsonb
                FROM unnest(@AlertIds, @Actors, @Kinds, @Details) WITH ORDINALITY AS c(alert_id, actor, kind, detail, n)
                ORDER BY c.n
                RETURNING event_id, alert_id, at, actor, kind, detail
            ), numbered AS (
                -- Event ids were taken in list order, so their rank is the change's place in the list.
                SELECT e.*, row_number() OVER (ORDER BY e.event_id) AS n FROM e
            )
            INSERT INTO outbox (alert_id, event_id, kind, payload)
            SELECT a.alert_id, e.event_id, e.kind, json_build_object(
                'eventId', e.event_id, 'alertId', a.alert_id, 'kind', e.kind, 'at', e.at, 'actor', e.actor, 'detail', e.detail,
                'alert', json_build_object(
                    'id', a.alert_id, 'grade', a.grade, 'tier', a.tier, 'status', a.status, 'subject', a.subject_name,
                    'place', json_build_object('city', a.city, 'district', a.district, 'street', a.street),
                    'reportCount', a.report_count, 'informants', a.informant_count, 'corroborated', a.corroborated,
                    'policyVersion', a.policy_version, 'modelVersion', a.model_version, 'openedAt', a.opened_at,
                    'acknowledgeDueAt', a.acknowledge_due_at, 'actDueAt', a.act_due_at, 'outcome', a.outcome))
            FROM numbered e
            JOIN unnest(@Published) WITH ORDINALITY AS p(published, n) ON p.n = e.n AND p.published
            -- The ids again, as a condition on alerts alone: the join then hashes the changed alerts, not every alert.
            JOIN alerts a ON a.alert_id = e.alert_id AND a.alert_id = ANY(@AlertIds)
            ORDER BY e.event_id
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            At = at.UtcDateTime,
            AlertIds = changes.Select(c => c.AlertId).ToArray(),
            Actors = changes.Select(c => c.Actor).ToArray(),
            Kinds = changes.Select(c => c.Kind).ToArray(),
            Details = changes.Select(c => JsonSerializer.Serialize(c.Detail, JsonOptions)).ToArray(),
            Published = changes.Select(c => c.Published).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
