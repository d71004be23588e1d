using System.Text.Json;
using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

/// <summary>
/// Records one change of an alert: a timeline event with who made it (a person's principal, <c>model:&lt;version&gt;</c>,
/// <c>policy:&lt;version&gt;</c> or <c>timer</c>) and when, and the outbox row that tells the outside world, in the
/// caller's transaction, so that a change is published if and only if it was committed.
/// </summary>
public static class AlertChanges
{
    public static string Model(string version) => $"model:{version}";

    public static string Policy(string version) => $"policy:{version}";

    public const string Timer = "timer";

    public static async Task<long> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long alertId, string actor, string kind, object detail,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        // The outbox payload carries the alert as it is after the change (the UPDATE ran in an earlier statement);
        // informants' ids and report texts never leave.
        const string sql = """
            WITH e AS (
                INSERT INTO alert_events (alert_id, at, actor, kind, detail)
                VALUES (@AlertId, @At, @Actor, @Kind, @Detail::jsonb)
                RETURNING event_id, at
            ), o AS (
                INSERT INTO outbox (alert_id, event_id, kind, payload)
                SELECT a.alert_id, e.event_id, @Kind, jsonb_build_object(
                    'eventId', e.event_id, 'alertId', a.alert_id, 'kind', @Kind, 'at', e.at, 'actor', @Actor, 'detail', @Detail::jsonb,
                    'alert', jsonb_build_object(
                        'id', a.alert_id, 'grade', a.grade, 'tier', a.tier, 'status', a.status, 'subject', a.subject_name,
                        'place', jsonb_build_object('city', a.city, 'district', a.district, 'street', a.street),
                        'reportCount', a.report_count, 'informants', a.informant_count, 'corroborated', a.corroborated,
                        'policyVersion', a.policy_version, 'modelVersion', a.model_version, 'openedAt', a.opened_at,
                        'acknowledgeDueAt', a.acknowledge_due_at, 'actDueAt', a.act_due_at, 'outcome', a.outcome))
                FROM e, alerts a WHERE a.alert_id = @AlertId
            )
            SELECT event_id FROM e
            """;
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new
        {
            AlertId = alertId,
            At = at.UtcDateTime,
            Actor = actor,
            Kind = kind,
            Detail = JsonSerializer.Serialize(detail, JsonOptions),
        }, transaction, cancellationToken: cancellationToken));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
