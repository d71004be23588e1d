using Dapper;
using Npgsql;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Alerts;

/// <summary>One deadline decision the timer applied.</summary>
public sealed record AppliedDeadline(long AlertId, string Grade, string TierBefore, EscalationDecision Decision);

/// <summary>
/// Applies the deadline timer's decisions. Due alerts are locked with <c>FOR UPDATE SKIP LOCKED</c> and changed in the
/// same transaction, so with several Response instances each due alert is taken by exactly one of them, and once it is
/// committed its deadline has moved on: the next scan, here or elsewhere, no longer finds it due.
/// </summary>
public sealed class DeadlineStore(NpgsqlDataSource dataSource, HandlingPolicy policy)
{
    private sealed record DueAlert(
        long AlertId, string Grade, string Tier, string Status, DateTime? AcknowledgeDueAt, DateTime? ActDueAt, bool ActMissed,
        int RemindersSent, string City, string? District, string? Street);

    public async Task<IReadOnlyList<AppliedDeadline>> RunDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string dueSql = """
            SELECT alert_id AS AlertId, grade, tier, status, acknowledge_due_at AS AcknowledgeDueAt, act_due_at AS ActDueAt,
                   act_missed AS ActMissed, reminders_sent AS RemindersSent, city, district, street
            FROM alerts
            WHERE (status = 'new' AND acknowledge_due_at <= @Now)
               OR (NOT act_missed AND status IN ('new', 'acknowledged') AND act_due_at <= @Now)
            ORDER BY least(acknowledge_due_at, act_due_at)
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED
            """;
        var due = (await connection.QueryAsync<DueAlert>(new CommandDefinition(dueSql, new { Now = now.UtcDateTime, Limit = limit },
            transaction, cancellationToken: cancellationToken))).AsList();

        var applied = new List<AppliedDeadline>();
        foreach (var alert in due)
        {
            var state = new DeadlineState(Grades.Parse(alert.Grade), Tiers.Parse(alert.Tier), alert.Status,
                UtcOrNull(alert.AcknowledgeDueAt), UtcOrNull(alert.ActDueAt), alert.ActMissed, alert.RemindersSent);
            var decision = Escalation.Decide(state, now, policy);
            if (!decision.ChangesAnything)
            {
                continue;
            }

            await ApplyAsync(connection, transaction, alert, decision, now, cancellationToken);
            applied.Add(new AppliedDeadline(alert.AlertId, alert.Grade, alert.Tier, decision));
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    private async Task ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DueAlert alert, EscalationDecision decision, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE alerts SET
                tier = coalesce(@ToTier, tier),
                acknowledge_due_at = CASE WHEN @AckMissed THEN @NextAckDue ELSE acknowledge_due_at END,
                acknowledge_missed = acknowledge_missed OR @AckMissed,
                act_missed = act_missed OR @ActMissed,
                escalation_count = escalation_count + CASE WHEN @ToTier::text IS NULL THEN 0 ELSE 1 END,
                reminders_sent = reminders_sent + CASE WHEN @Remind THEN 1 ELSE 0 END,
                policy_version = @PolicyVersion,
                updated_at = @Now
            WHERE alert_id = @AlertId
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            alert.AlertId,
            ToTier = decision.ToTier?.ToWire(),
            AckMissed = decision.AcknowledgeDeadlineMissed,
            NextAckDue = decision.NextAcknowledgeDueAt?.UtcDateTime,
            decision.ActDeadlineMissed,
            ActMissed = decision.ActDeadlineMissed,
            Remind = decision.Kind == EscalationKind.Remind,
            PolicyVersion = policy.Version,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));

        if (decision.AcknowledgeDeadlineMissed)
        {
            await AlertChanges.RecordAsync(connection, transaction, alert.AlertId, AlertActors.Timer, "deadline_missed",
                new { deadline = "acknowledge", dueAt = UtcOrNull(alert.AcknowledgeDueAt), tier = alert.Tier, policyVersion = policy.Version },
                now, cancellationToken);
        }

        if (decision.ActDeadlineMissed)
        {
            await AlertChanges.RecordAsync(connection, transaction, alert.AlertId, AlertActors.Timer, "deadline_missed",
                new { deadline = "act", dueAt = UtcOrNull(alert.ActDueAt), tier = alert.Tier, policyVersion = policy.Version },
                now, cancellationToken);
        }

        switch (decision.Kind)
        {
            case EscalationKind.Escalate:
                await AlertChanges.RecordAsync(connection, transaction, alert.AlertId, AlertActors.Timer, "escalated", new
                {
                    from = alert.Tier,
                    to = decision.ToTier!.Value.ToWire(),
                    team = policy.TeamFor(decision.ToTier.Value, alert.City, alert.District, alert.Street),
                    acknowledgeDueAt = decision.NextAcknowledgeDueAt,
                    reason = "not acknowledged by the deadline",
                    policyVersion = policy.Version,
                }, now, cancellationToken);
                break;
            case EscalationKind.Remind:
                await AlertChanges.RecordAsync(connection, transaction, alert.AlertId, AlertActors.Timer, "reminded", new
                {
                    tier = alert.Tier,
                    reminder = alert.RemindersSent + 1,
                    of = policy.Escalation.Reminders,
                    acknowledgeDueAt = decision.NextAcknowledgeDueAt,
                    policyVersion = policy.Version,
                }, now, cancellationToken);
                break;
            case EscalationKind.Exhausted:
                await AlertChanges.RecordAsync(connection, transaction, alert.AlertId, AlertActors.Timer, "escalation_exhausted",
                    new { tier = alert.Tier, reminders = alert.RemindersSent, policyVersion = policy.Version }, now, cancellationToken);
                break;
            case EscalationKind.None:
            default:
                break;
        }
    }
}
