using Dapper;
using Npgsql;

namespace RiskWatch.Data.Scoring;

/// <summary>
/// Scoring's consumed offsets, which live in PostgreSQL beside the rows they cover (written in each batch's
/// transaction by <see cref="ScoringStore"/>); every statement on <c>consumer_offsets</c> is here.
/// </summary>
public static class ConsumerOffsets
{
    /// <summary>The next offset to read of every partition of <paramref name="topic"/> that the group has committed.</summary>
    public static async Task<IReadOnlyDictionary<int, long>> ReadAsync(
        NpgsqlDataSource dataSource, string groupId, string topic, CancellationToken cancellationToken)
    {
        const string sql = "SELECT partition, next_offset FROM consumer_offsets WHERE group_id = @GroupId AND topic = @Topic";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(int Partition, long NextOffset)>(
            new CommandDefinition(sql, new { GroupId = groupId, Topic = topic }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Partition, r => r.NextOffset);
    }

    /// <summary>Moves the group's offsets forward to <paramref name="position"/>, in the transaction of the rows they cover.</summary>
    public static async Task SaveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ConsumerPosition position, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
            SELECT @GroupId, @Topic, p, o FROM unnest(@Partitions, @NextOffsets) AS t(p, o)
            ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = greatest(consumer_offsets.next_offset, excluded.next_offset)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            position.GroupId,
            position.Topic,
            Partitions = position.NextOffsets.Keys.ToArray(),
            NextOffsets = position.NextOffsets.Values.ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Forgets every group's offsets of <paramref name="topic"/>: for a topic that starts again empty (the embedded
    /// mode's in-memory broker), where offsets of the old log would make a consumer skip the new one's first messages.
    /// </summary>
    public static async Task ForgetTopicAsync(string connectionString, string topic, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM consumer_offsets WHERE topic = @Topic", new { Topic = topic }, cancellationToken: cancellationToken));
    }
}
