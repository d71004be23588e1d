using Dapper;
using Npgsql;

namespace RiskWatch.Data.Intake;

/// <summary>
/// One step of a report's history as its informant may see it: a kind the follow-up page puts in words, when, and for
/// <see cref="FollowUpHistory.Kinds.Message"/> (and a resolution's outcome) the words the union chose to send back.
/// Never notes, never who handles it, never another informant's report.
/// </summary>
public sealed record FollowUpStep(DateTime At, string Kind, string? Text);

/// <summary>
/// The history of a report and the information added to it, read from the intake ledger, the review queue and the
/// timeline of the alert(s) its reports are in, with only the kinds of event an informant is told about.
/// </summary>
public sealed class FollowUpHistory(NpgsqlDataSource dataSource)
{
    public static class Kinds
    {
        public const string Received = "received";
        public const string Added = "added";
        public const string InReview = "in_review";
        public const string Dismissed = "dismissed";
        public const string Promoted = "promoted";
        public const string Alerted = "alerted";
        public const string Acknowledged = "acknowledged";
        public const string Assigned = "assigned";
        public const string Escalated = "escalated";
        public const string Resolved = "resolved";
        public const string Closed = "closed";
        public const string Reopened = "reopened";
        public const string Message = "message";
    }

    /// <summary>The timeline event kinds an informant hears of, and the step each becomes.</summary>
    private static readonly Dictionary<string, string> FromTimeline = new(StringComparer.Ordinal)
    {
        ["opened"] = Kinds.Alerted,
        ["acknowledged"] = Kinds.Acknowledged,
        ["assigned"] = Kinds.Assigned,
        ["escalated"] = Kinds.Escalated,
        ["resolved"] = Kinds.Resolved,
        ["closed"] = Kinds.Closed,
        ["reopened"] = Kinds.Reopened,
        ["informant_message"] = Kinds.Message,
    };

    /// <summary>The steps of the report <paramref name="originalReportId"/> and its additions, oldest first.</summary>
    public async Task<IReadOnlyList<FollowUpStep>> ReadAsync(Guid originalReportId, CancellationToken cancellationToken)
    {
        // The family: the report and the information added to it. Their alerts' events count from the moment the family's
        // first report reached the alert (an alert acknowledged long before is still "taken up" for a report joining it).
        const string sql = """
            WITH family AS (
                SELECT report_id FROM intake_ledger WHERE report_id = @Id OR follow_up_of = @Id
                UNION SELECT @Id
            ),
            own_alerts AS (
                SELECT DISTINCT alert_id FROM reports WHERE report_id IN (SELECT report_id FROM family) AND alert_id IS NOT NULL
            )
            SELECT coalesce(l.accepted_at, r.received_at) AS At, CASE WHEN l.follow_up_of IS NULL THEN 'received' ELSE 'added' END AS Kind, NULL AS Text
            FROM family f LEFT JOIN intake_ledger l ON l.report_id = f.report_id LEFT JOIN reports r ON r.report_id = f.report_id
            WHERE coalesce(l.accepted_at, r.received_at) IS NOT NULL
            UNION ALL
            SELECT q.queued_at, 'in_review', NULL FROM report_reviews q WHERE q.report_id = @Id
            UNION ALL
            SELECT q.decided_at, q.decision, NULL FROM report_reviews q WHERE q.report_id = @Id AND q.decision IS NOT NULL
            UNION ALL
            SELECT e.at, e.kind,
                   CASE e.kind WHEN 'informant_message' THEN e.detail->>'text' WHEN 'resolved' THEN e.detail->>'outcome' END
            FROM alert_events e
            WHERE e.alert_id IN (SELECT alert_id FROM own_alerts)
              AND e.kind IN ('opened', 'acknowledged', 'assigned', 'escalated', 'resolved', 'closed', 'reopened', 'informant_message')
            ORDER BY 1, 2
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(DateTime At, string Kind, string? Text)>(new CommandDefinition(sql, new { Id = originalReportId },
            cancellationToken: cancellationToken));
        var list = rows.AsList();
        // An alert the report joined was opened (and maybe taken up) before the report came: for the informant, that
        // happened when their report reached it.
        var first = list.Where(r => r.Kind == Kinds.Received).Select(r => (DateTime?)r.At).Min();
        var steps = new List<FollowUpStep>();
        foreach (var (when, kind, text) in list.OrderBy(r => first is { } f && r.At < f ? f : r.At).ThenBy(r => r.Kind == Kinds.Received ? 0 : 1))
        {
            var at = first is { } start && when < start ? start : when;
            var step = FromTimeline.GetValueOrDefault(kind, kind);
            // A promotion opens the alert itself: "a person reviewed it and passed it on" says it already.
            if (step == Kinds.Alerted && steps.Any(s => s.Kind == Kinds.Promoted))
            {
                continue;
            }

            steps.Add(new FollowUpStep(at, step, text));
        }

        return steps;
    }
}
