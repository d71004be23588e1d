using Dapper;
using Npgsql;
using RiskWatch.Core.Triage;

namespace RiskWatch.Data.Alerts;

/// <summary>An alert of the list with what the list shows beside it: how often the deadline timer escalated it.</summary>
public sealed record TriageRow(AlertSummary Alert, int TimerEscalations);

/// <summary>How many alerts a district has among those the list would show with any district.</summary>
public sealed record DistrictCount(string DistrictKey, string District, int Count);

/// <summary>
/// One page of the list and the counts beside it: <see cref="Total"/> alerts match (never a silent cap: the page says
/// which of them it holds), per grade among those matching every filter but the grade, per district among those
/// matching every filter but the district.
/// </summary>
public sealed record TriagePage(int Total, IReadOnlyList<TriageRow> Rows, IReadOnlyDictionary<string, int> GradeCounts, IReadOnlyList<DistrictCount> DistrictCounts);

/// <summary>
/// The console's alert list, within the caller's <see cref="AlertScope"/>: filtered, searched, sorted and paged in SQL, so
/// that ten thousand open alerts cost the browser one page of them.
/// </summary>
public sealed class AlertTriage(NpgsqlDataSource dataSource)
{
    /// <summary>Every filter but grade and district, on alias <c>a</c>.</summary>
    private const string Filters = $"""
        {AlertScope.Sql}
        AND CASE @Status WHEN 'open' THEN a.status IN ('new', 'acknowledged', 'in_handling') WHEN 'all' THEN true ELSE a.status = @Status END
        AND (cardinality(@Tiers) = 0 OR a.tier = ANY(@Tiers))
        AND (@Mine::text IS NULL OR a.assignee = @Mine OR (a.assignee IS NULL AND a.acknowledged_by = @Mine))
        AND (NOT @Overdue OR (a.status IN ('new', 'acknowledged', 'in_handling') AND (a.acknowledge_missed OR a.act_missed
             OR (a.status = 'new' AND a.acknowledge_due_at < @Now) OR (a.first_action_at IS NULL AND a.act_due_at < @Now))))
        AND (@Search::text IS NULL OR a.subject_name ILIKE @Like ESCAPE '\' OR a.alert_id = @AlertNumber
             OR EXISTS (SELECT 1 FROM reports r WHERE r.alert_id = a.alert_id
                        AND (r.tracking_code = @Code OR r.report_id = (SELECT l.report_id FROM intake_ledger l WHERE l.tracking_code = @Code))))
        """;

    private const string GradeFilter = "(cardinality(@Grades) = 0 OR a.grade = ANY(@Grades))";

    private const string DistrictFilter = "(@DistrictKey::text IS NULL OR a.district_key = @DistrictKey)";

    /// <summary>The next deadline still running: acknowledge while new, first action until someone acted.</summary>
    private const string NextDeadline = """
        least(CASE WHEN a.status = 'new' THEN a.acknowledge_due_at END,
              CASE WHEN a.first_action_at IS NULL AND a.status IN ('new', 'acknowledged') THEN a.act_due_at END)
        """;

    private const string GradeRank = "array_position(ARRAY['blue', 'yellow', 'orange', 'red'], a.grade)";

    private const string Counts = $"""
        SELECT count(*)::int FROM alerts a WHERE {Filters} AND {GradeFilter} AND {DistrictFilter};
        SELECT a.grade, count(*)::int FROM alerts a WHERE {Filters} AND {DistrictFilter} GROUP BY a.grade;
        SELECT a.district_key AS DistrictKey, coalesce(min(nullif(a.district, '')), '') AS District, count(*)::int AS Count
        FROM alerts a WHERE {Filters} AND {GradeFilter} GROUP BY a.district_key ORDER BY 3 DESC, 2;
        """;

    private const string Page = $"""
        SELECT {AlertQueries.SummaryColumns},
               (SELECT count(*) FROM alert_events e WHERE e.alert_id = a.alert_id AND e.kind = 'escalated' AND e.actor = 'timer')::int AS TimerEscalations
        FROM alerts a WHERE {Filters} AND {GradeFilter} AND {DistrictFilter}
        """;

    private const string ByDeadline = $"""
        {Counts}
        {Page}
        ORDER BY {NextDeadline} ASC NULLS LAST, {GradeRank} DESC, a.opened_at DESC, a.alert_id DESC OFFSET @Offset LIMIT @Limit;
        """;

    private const string ByGrade = $"""
        {Counts}
        {Page}
        ORDER BY {GradeRank} DESC, {NextDeadline} ASC NULLS LAST, a.opened_at DESC, a.alert_id DESC OFFSET @Offset LIMIT @Limit;
        """;

    private const string Newest = $"""
        {Counts}
        {Page}
        ORDER BY a.opened_at DESC, a.alert_id DESC OFFSET @Offset LIMIT @Limit;
        """;

    public async Task<TriagePage> ListAsync(AlertScope scope, TriageQuery query, string principal, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = query.Sort switch
        {
            TriageSort.Grade => ByGrade,
            TriageSort.Newest => Newest,
            _ => ByDeadline,
        };
        var parameters = AlertQueries.Parameters(scope, new
        {
            query.Status,
            Tiers = query.Tiers.ToArray(),
            Grades = query.Grades.ToArray(),
            query.DistrictKey,
            Mine = query.Mine ? principal : null,
            query.Overdue,
            Now = now.UtcDateTime,
            query.Search,
            Like = query.Search is { } s ? "%" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%" : null,
            AlertNumber = query.AlertId ?? -1,
            Code = query.TrackingCode ?? "",
            query.Offset,
            Limit = query.PageSize,
        });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var total = await results.ReadSingleAsync<int>();
        var grades = (await results.ReadAsync<(string Grade, int Count)>()).ToDictionary(g => g.Grade, g => g.Count, StringComparer.Ordinal);
        var districts = (await results.ReadAsync<DistrictCount>()).AsList();
        var rows = results.Read<AlertSummary, int, TriageRow>((alert, escalations) => new TriageRow(alert, escalations), splitOn: "TimerEscalations").AsList();
        return new TriagePage(total, rows, grades, districts);
    }
}
