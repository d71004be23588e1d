using System.Diagnostics;
using Dapper;
using Npgsql;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Response.Metrics;

/// <summary>
/// Sets the open-alert gauges (by grade, tier and status; overdue; by district) from PostgreSQL every
/// <see cref="Interval"/>. Gauges read from the database rather than counted in memory: every Response
/// replica then reports the same truth, and a restart loses nothing (dashboards take the max over replicas).
/// </summary>
public sealed class AlertGaugesRefresher(NpgsqlDataSource dataSource, ILogger<AlertGaugesRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Districts beyond these many, by open alerts, are summed as "other": the label set stays bounded.</summary>
    public const int MaxDistricts = 20;

    /// <summary>
    /// Acknowledge deadlines of MODEL-211 in seconds (red 15 min, orange 1 h, yellow 4 h, blue 24 h). The
    /// escalation timers own the real deadlines; this only has to agree with them on what "overdue" means.
    /// </summary>
    private static readonly Dictionary<string, int> AcknowledgeWithin = new(StringComparer.Ordinal)
    {
        ["red"] = 15 * 60,
        ["orange"] = 60 * 60,
        ["yellow"] = 4 * 60 * 60,
        ["blue"] = 24 * 60 * 60,
    };

    private readonly HashSet<string[]> published = new(LabelsComparer.Instance);
    private readonly HashSet<string> publishedDistricts = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                RiskWatchMetrics.DatabaseErrors.WithLabels(RiskWatchMetrics.Operations.AlertGauges).Inc();
                logger.LogWarning(e, "Cannot refresh the alert gauges; keeping the last values");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // The lifecycle work may add a tier column or an acknowledgement timestamp; use them once they exist.
        const string columnsSql = """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'alerts'
            """;
        var columns = (await connection.QueryAsync<string>(new CommandDefinition(columnsSql, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var tier = columns.Contains("tier")
            ? "tier"
            : "CASE grade WHEN 'red' THEN 'city' WHEN 'orange' THEN 'city' WHEN 'yellow' THEN 'district' ELSE 'street' END";
        var unacknowledged = columns.Contains("acknowledged_at") ? "acknowledged_at IS NULL" : "status = 'new'";

        var byStatusSql = $"""
            SELECT grade, {tier} AS tier, status, count(*)::int AS open,
                   count(*) FILTER (WHERE {unacknowledged} AND opened_at < now() - make_interval(secs => CASE grade
                       WHEN 'red' THEN @Red WHEN 'orange' THEN @Orange WHEN 'yellow' THEN @Yellow ELSE @Blue END))::int AS overdue
            FROM alerts
            WHERE status <> 'closed'
            GROUP BY 1, 2, 3
            """;
        var rows = (await connection.QueryAsync<OpenAlerts>(new CommandDefinition(byStatusSql, new
        {
            Red = AcknowledgeWithin["red"],
            Orange = AcknowledgeWithin["orange"],
            Yellow = AcknowledgeWithin["yellow"],
            Blue = AcknowledgeWithin["blue"],
        }, cancellationToken: cancellationToken))).ToList();

        const string byDistrictSql = """
            SELECT coalesce(nullif(district, ''), 'unknown') AS district, count(*)::int AS open
            FROM alerts
            WHERE status <> 'closed'
            GROUP BY 1
            ORDER BY 2 DESC, 1
            """;
        var districts = (await connection.QueryAsync<OpenByDistrict>(new CommandDefinition(byDistrictSql, cancellationToken: cancellationToken))).ToList();
        RiskWatchMetrics.DatabaseTransactionDuration.WithLabels(RiskWatchMetrics.Operations.AlertGauges)
            .Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);

        Publish(rows);
        Publish(districts);
    }

    private void Publish(List<OpenAlerts> rows)
    {
        var current = new HashSet<string[]>(LabelsComparer.Instance);
        var overdue = RiskWatchMetrics.AlertGrades.ToDictionary(g => (g, RiskWatchMetrics.DefaultTier(g)), _ => 0);
        foreach (var row in rows)
        {
            var labels = new[] { row.Grade, Bounded(row.Tier), Bounded(row.Status) };
            RiskWatchMetrics.AlertsOpen.WithLabels(labels).Set(row.Open);
            current.Add(labels);
            var key = (row.Grade, labels[1]);
            overdue[key] = overdue.GetValueOrDefault(key) + row.Overdue;
        }

        // Every grade has a series even with no alert open, so "no red alert open" reads 0, not "no data".
        foreach (var grade in RiskWatchMetrics.AlertGrades)
        {
            var labels = new[] { grade, RiskWatchMetrics.DefaultTier(grade), "new" };
            if (current.Add(labels))
            {
                RiskWatchMetrics.AlertsOpen.WithLabels(labels).Set(0);
            }
        }

        foreach (var ((grade, tier), count) in overdue)
        {
            RiskWatchMetrics.AlertsOverdue.WithLabels(grade, tier).Set(count);
        }

        foreach (var gone in published.Where(l => !current.Contains(l)).ToList())
        {
            RiskWatchMetrics.AlertsOpen.RemoveLabelled(gone);
            published.Remove(gone);
        }

        published.UnionWith(current);
    }

    private void Publish(List<OpenByDistrict> rows)
    {
        var current = new Dictionary<string, int>(StringComparer.Ordinal) { ["other"] = 0, ["unknown"] = 0 };
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            var district = index < MaxDistricts || row.District == "unknown" ? row.District : "other";
            current[district] = current.GetValueOrDefault(district) + row.Open;
        }

        foreach (var (district, count) in current)
        {
            RiskWatchMetrics.AlertsOpenByDistrict.WithLabels(district).Set(count);
        }

        foreach (var gone in publishedDistricts.Where(d => !current.ContainsKey(d)).ToList())
        {
            RiskWatchMetrics.AlertsOpenByDistrict.RemoveLabelled(gone);
            publishedDistricts.Remove(gone);
        }

        publishedDistricts.UnionWith(current.Keys);
    }

    /// <summary>Status and tier are written by code, never by people, but a label must not carry surprises.</summary>
    private static string Bounded(string value) =>
        value.Length is > 0 and <= 32 && value.All(c => c is (>= 'a' and <= 'z') or '_') ? value : "other";

    private sealed record OpenAlerts(string Grade, string Tier, string Status, int Open, int Overdue);

    private sealed record OpenByDistrict(string District, int Open);

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y, StringComparer.Ordinal);

        public int GetHashCode(string[] obj) => obj.Aggregate(17, (h, s) => (h * 31) + StringComparer.Ordinal.GetHashCode(s));
    }
}
