using Dapper;
using Npgsql;

namespace RiskWatch.Data.Alerts;

public sealed record OutboxMessage(long OutboxId, long AlertId, string Kind, string Payload);

public sealed record PendingDelivery(long OutboxId, string Subscriber, int Attempts, long AlertId, string Kind, string Payload);

public sealed record WebhookSubscription(string Name, string Url);

/// <summary>
/// The transactional outbox's reading side: Kafka publication and per-subscriber webhook delivery state. Alert changes
/// write the rows (<see cref="AlertChanges"/>); this hands them out exactly once per relay step.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    // One relay publishes to Kafka at a time (per database), which keeps the alerts topic in outbox order.
    private const long KafkaRelayLock = 0x5257_4F75_7462_6F78; // "RWOutbox"

    /// <summary>
    /// Hands unpublished rows to <paramref name="publish"/> in order and marks them published in the same transaction.
    /// When publishing fails nothing is marked and the rows are offered again (at least once; consumers dedupe on eventId).
    /// </summary>
    public async Task<int> PublishPendingAsync(Func<IReadOnlyList<OutboxMessage>, Task> publish, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_xact_lock(@Key)", new { Key = KafkaRelayLock },
            transaction, cancellationToken: cancellationToken)))
        {
            return 0;
        }

        const string sql = """
            SELECT outbox_id AS OutboxId, alert_id AS AlertId, kind, payload
            FROM outbox WHERE published_at IS NULL ORDER BY outbox_id LIMIT @Limit
            """;
        var rows = (await connection.QueryAsync<OutboxMessage>(new CommandDefinition(sql, new { Limit = limit }, transaction,
            cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        await publish(rows);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE outbox SET published_at = now() WHERE outbox_id = ANY(@Ids)",
            new { Ids = rows.Select(r => r.OutboxId).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Registers the configured subscribers (a new one receives changes from now on) and deactivates those no longer configured.
    /// </summary>
    public async Task SyncSubscribersAsync(IReadOnlyList<WebhookSubscription> subscribers, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO webhook_subscribers (name, url, since_outbox_id)
            SELECT n, u, (SELECT coalesce(max(outbox_id), 0) FROM outbox) FROM unnest(@Names, @Urls) AS t(n, u)
            ON CONFLICT (name) DO UPDATE SET url = excluded.url, active = true;
            UPDATE webhook_subscribers SET active = false WHERE NOT (name = ANY(@Names));
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Names = subscribers.Select(s => s.Name).ToArray(),
            Urls = subscribers.Select(s => s.Url).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates the delivery rows of outbox entries that active subscribers have not had yet.</summary>
    public async Task EnqueueDeliveriesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Outbox ids are taken before commit, so a transaction may commit a lower id after a higher one was seen:
        // look back a stretch below the highest id already enqueued rather than only above it.
        const string sql = """
            INSERT INTO webhook_deliveries (outbox_id, subscriber, next_attempt_at)
            SELECT o.outbox_id, s.name, @Now
            FROM webhook_subscribers s
            JOIN outbox o ON o.outbox_id > greatest(s.since_outbox_id,
                coalesce((SELECT max(d.outbox_id) FROM webhook_deliveries d WHERE d.subscriber = s.name), 0) - 10000)
            WHERE s.active
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = o.outbox_id AND d.subscriber = s.name)
            ORDER BY o.outbox_id
            LIMIT 1000
            ON CONFLICT DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Now = now.UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes one due delivery under a row lock (other instances skip it), lets <paramref name="deliver"/> send it, and
    /// records the outcome in the same transaction: delivered (never sent again), retry at a later time, or given up.
    /// </summary>
    /// <returns>False when nothing was due.</returns>
    public async Task<bool> DeliverNextAsync(
        DateTimeOffset now, Func<PendingDelivery, Task<DeliveryOutcome>> deliver, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string sql = """
            SELECT d.outbox_id AS OutboxId, d.subscriber, d.attempts, o.alert_id AS AlertId, o.kind, o.payload
            FROM webhook_deliveries d JOIN outbox o ON o.outbox_id = d.outbox_id
            JOIN webhook_subscribers s ON s.name = d.subscriber AND s.active
            WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= @Now
            ORDER BY d.next_attempt_at, d.outbox_id
            LIMIT 1
            FOR UPDATE OF d SKIP LOCKED
            """;
        var pending = await connection.QuerySingleOrDefaultAsync<PendingDelivery>(new CommandDefinition(sql, new { Now = now.UtcDateTime },
            transaction, cancellationToken: cancellationToken));
        if (pending is null)
        {
            return false;
        }

        var outcome = await deliver(pending);
        const string updateSql = """
            UPDATE webhook_deliveries SET
                attempts = attempts + 1,
                delivered_at = CASE WHEN @Delivered THEN @Now END,
                failed_at = CASE WHEN @GiveUp THEN @Now END,
                next_attempt_at = coalesce(@NextAttemptAt, next_attempt_at),
                last_status = @Status,
                last_error = @Error
            WHERE outbox_id = @OutboxId AND subscriber = @Subscriber
            """;
        await connection.ExecuteAsync(new CommandDefinition(updateSql, new
        {
            pending.OutboxId,
            pending.Subscriber,
            outcome.Delivered,
            outcome.GiveUp,
            NextAttemptAt = outcome.NextAttemptAt?.UtcDateTime,
            outcome.Status,
            outcome.Error,
            Now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

public sealed record DeliveryOutcome(bool Delivered, bool GiveUp, DateTimeOffset? NextAttemptAt, int? Status, string? Error);
