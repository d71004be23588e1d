using Dapper;
using Npgsql;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using static RiskWatch.Data.StoredTime;

namespace RiskWatch.Data.Alerts;

/// <summary>What a responder asks for: the action and its arguments (validated by the API before).</summary>
public sealed record AlertCommand(AlertAction Action)
{
    public string? Assignee { get; init; }
    public string? Text { get; init; }
    public Grade? Grade { get; init; }
    public string? Outcome { get; init; }
}

public enum CommandStatus
{
    Done,

    /// <summary>No such alert in the caller's scope (also when it exists elsewhere: nothing leaks).</summary>
    NotFound,

    /// <summary>The action is not allowed in the alert's current status (or escalation is at the top).</summary>
    Conflict,

    /// <summary>The caller's tier is below the one the policy asks for this action on this alert (issue 14, finding 9).</summary>
    Forbidden,
}

public sealed record CommandResult(CommandStatus Status, AlertSummary? Alert, string? Problem = null);

/// <summary>
/// The responders' actions on an alert. Each runs in one transaction: the row is locked within the caller's scope,
/// the lifecycle decides, the alert is updated, and the change goes into the timeline and the outbox.
/// </summary>
public sealed class AlertCommands(NpgsqlDataSource dataSource, HandlingPolicy policy)
{
    /// <param name="actingTier">The tier of the caller's key (<see cref="Core.Access.Jurisdiction.Tier"/>); admins act at every tier.</param>
    public async Task<CommandResult> ApplyAsync(
        long alertId, AlertScope scope, AlertCommand command, string actor, Tier actingTier, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        const string lockSql = $"SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId AND {AlertScope.Sql} FOR UPDATE";
        var alert = await connection.QuerySingleOrDefaultAsync<AlertSummary>(new CommandDefinition(
            lockSql, AlertQueries.Parameters(scope, new { AlertId = alertId }), transaction, cancellationToken: cancellationToken));
        if (alert is null)
        {
            return new CommandResult(CommandStatus.NotFound, null);
        }

        // Resolving, closing, regrading and escalating belong to the alert's leading tier (the policy's authority): a street
        // responder cannot end the city's handling of a red alert (issue 14, finding 9). Checked on the locked row, so a
        // concurrent escalation cannot slip between the check and the change.
        if (policy.Authority.Required(command.Action, Tiers.Parse(alert.Tier)) is { } required && actingTier < required)
        {
            return new CommandResult(CommandStatus.Forbidden, alert,
                $"This {alert.Grade} alert is led at {alert.Tier} level: only a responder of the {required.ToWire()} tier or higher may {AlertLifecycle.Verb(command.Action)} it (policy {policy.Version}). Acknowledge it, add a note, or escalate to them.");
        }

        var next = AlertLifecycle.Next(alert.Status, command.Action);
        if (next is null)
        {
            return new CommandResult(CommandStatus.Conflict, alert,
                $"An alert that is {alert.Status} cannot be {AlertLifecycle.EventKind(command.Action)}; allowed from: {string.Join(", ", AlertLifecycle.AllowedFrom(command.Action))}.");
        }

        var utcNow = now.UtcDateTime;
        var grade = Grades.Parse(alert.Grade);
        var tier = Tiers.Parse(alert.Tier);
        object detail;
        var set = new List<string> { "status = @Next", "updated_at = @Now" };
        var parameters = new DynamicParameters(new { AlertId = alertId, Next = next, Now = utcNow });
        if (command.Action is AlertAction.Acknowledge or AlertAction.Assign or AlertAction.Resolve)
        {
            set.Add("acknowledged_at = coalesce(acknowledged_at, @Now)");
            set.Add("acknowledged_by = coalesce(acknowledged_by, @Actor)");
            set.Add("acknowledge_due_at = NULL");
            parameters.Add("Actor", actor);
        }

        if (AlertLifecycle.IsAction(command.Action))
        {
            set.Add("first_action_at = coalesce(first_action_at, @Now)");
        }

        switch (command.Action)
        {
            case AlertAction.Acknowledge:
                detail = new { from = alert.Status, secondsToAcknowledge = (int)(utcNow - alert.OpenedAt).TotalSeconds };
                break;
            case AlertAction.Assign:
                set.Add("assignee = @Assignee");
                parameters.Add("Assignee", command.Assignee);
                detail = new { assignee = command.Assignee, previous = alert.Assignee, note = command.Text };
                break;
            case AlertAction.Note:
                detail = new { text = command.Text };
                break;
            case AlertAction.Regrade:
            {
                var to = command.Grade!.Value;
                var state = new OpenAlertState(grade, Grades.Parse(alert.HighestReportedGrade), tier, Utc(alert.LastReportAt),
                    UtcOrNull(alert.AcknowledgeDueAt), UtcOrNull(alert.ActDueAt), alert.AcknowledgedAt is not null, alert.FirstActionAt is not null,
                    alert.Corroborated);
                var decision = IncidentDecisions.Regrade(state, to, Utc(alert.OpenedAt), policy);
                set.Add("grade = @Grade");
                set.Add("tier = @Tier");
                set.Add("acknowledge_due_at = @AckDue");
                set.Add("act_due_at = @ActDue");
                set.Add("policy_version = @PolicyVersion");
                parameters.AddDynamicParams(new
                {
                    Grade = to.ToWire(),
                    Tier = decision.Tier.ToWire(),
                    AckDue = alert.AcknowledgedAt is null ? decision.AcknowledgeDueAt?.UtcDateTime : null,
                    ActDue = decision.ActDueAt?.UtcDateTime,
                    PolicyVersion = policy.Version,
                });
                await RecordFeedbackAsync(connection, transaction, alert, to, command.Text!, actor, cancellationToken);
                detail = new
                {
                    from = alert.Grade, to = to.ToWire(), reason = command.Text, tier = decision.Tier.ToWire(),
                    acknowledgeDueAt = alert.AcknowledgedAt is null ? decision.AcknowledgeDueAt : null, actDueAt = decision.ActDueAt,
                    policyVersion = policy.Version,
                };
                break;
            }

            case AlertAction.Escalate:
            {
                if (policy.Escalation.NextAbove(tier) is not { } up)
                {
                    return new CommandResult(CommandStatus.Conflict, alert, $"The alert is already at the top of the escalation chain ({alert.Tier}).");
                }

                set.Add("tier = @Tier");
                set.Add("escalation_count = escalation_count + 1");
                parameters.Add("Tier", up.ToWire());
                detail = new
                {
                    from = alert.Tier, to = up.ToWire(), reason = command.Text,
                    team = policy.TeamFor(up, alert.City, alert.District, alert.Street), policyVersion = policy.Version,
                };
                break;
            }

            case AlertAction.Resolve:
                set.Add("resolved_at = @Now");
                set.Add("outcome = @Outcome");
                parameters.Add("Outcome", command.Outcome);
                if (command.Outcome == "false_alarm")
                {
                    // "Not a labour-relations risk" is the strongest correction the model can learn from.
                    await RecordFeedbackAsync(connection, transaction, alert, Grade.None, command.Text ?? "resolved as a false alarm", actor, cancellationToken);
                }

                detail = new { outcome = command.Outcome, note = command.Text };
                break;
            case AlertAction.Close:
                set.Add("closed_at = @Now");
                detail = new { note = command.Text };
                break;
            case AlertAction.Reopen:
                set.Add("resolved_at = NULL");
                set.Add("closed_at = NULL");
                set.Add("outcome = NULL");
                // A closed incident may have a newer alert by now; the reopened one then takes no more reports.
                set.Add("""
                    superseded_by = coalesce(superseded_by, (SELECT o.alert_id FROM alerts o WHERE o.incident_key = alerts.incident_key
                        AND o.status <> 'closed' AND o.superseded_by IS NULL AND o.alert_id <> alerts.alert_id))
                    """);
                detail = new { from = alert.Status, reason = command.Text };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.Action, null);
        }

        var updateSql = $"UPDATE alerts SET {string.Join(", ", set)} WHERE alert_id = @AlertId";
        await connection.ExecuteAsync(new CommandDefinition(updateSql, parameters, transaction, cancellationToken: cancellationToken));
        await AlertChanges.RecordAsync(connection, transaction, alertId, actor, AlertLifecycle.EventKind(command.Action), detail, now, cancellationToken);

        var after = await connection.QuerySingleAsync<AlertSummary>(new CommandDefinition(
            $"SELECT {AlertQueries.SummaryColumns} FROM alerts a WHERE a.alert_id = @AlertId", new { AlertId = alertId }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new CommandResult(CommandStatus.Done, after);
    }

    private async Task RecordFeedbackAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AlertSummary alert, Grade corrected, string reason, string actor,
        CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO grade_feedback (alert_id, report_ids, model_grade, corrected_grade, reason, actor, model_version, policy_version)
            SELECT @AlertId, coalesce(array_agg(report_id ORDER BY occurred_at), '{}'), @ModelGrade, @Corrected, @Reason, @Actor, @ModelVersion, @PolicyVersion
            FROM reports WHERE alert_id = @AlertId
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            alert.AlertId,
            ModelGrade = alert.HighestReportedGrade,
            Corrected = corrected.ToWire(),
            Reason = reason,
            Actor = actor,
            alert.ModelVersion,
            PolicyVersion = policy.Version,
        }, transaction, cancellationToken: cancellationToken));
    }
}
