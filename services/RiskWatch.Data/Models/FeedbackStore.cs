using Dapper;
using Npgsql;

namespace RiskWatch.Data.Models;

/// <summary>A responder's regrade of one report: the report as stored (contract JSON) and the grade it deserved.</summary>
public sealed record FeedbackRow(long FeedbackId, Guid ReportId, string CorrectedGrade, string Body, DateTime At);

/// <summary>
/// Reads responders' regrades (table <c>grade_feedback</c> of migration 0004, written by Response) as labelled
/// examples: every report a regrade names gets the corrected grade; when a report was regraded more than once the
/// latest decision wins.
/// </summary>
public sealed class FeedbackStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<FeedbackRow>> ReadAsync(CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT DISTINCT ON (r.report_id)
                   f.feedback_id AS FeedbackId, r.report_id AS ReportId, f.corrected_grade AS CorrectedGrade, r.body AS Body, f.at AS At
            FROM grade_feedback f
            JOIN reports r ON r.report_id = ANY (f.report_ids)
            ORDER BY r.report_id, f.at DESC, f.feedback_id DESC
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<FeedbackRow>(new CommandDefinition(sql, cancellationToken: cancellationToken))).ToList();
    }
}
