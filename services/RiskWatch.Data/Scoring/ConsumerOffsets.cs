using Dapper;
using Npgsql;

namespace RiskWatch.Data.Scoring;

/// <summary>
/// Scoring's consumed offsets, which live in PostgreSQL beside the rows they cover (written by
/// <see cref="ScoringStore"/> in each batch's transaction).
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
