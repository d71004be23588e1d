using System.Diagnostics;
using Dapper;
using Npgsql;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;
using RiskWatch.ServiceDefaults.Metrics;

namespace RiskWatch.Response.Metrics;

/// <summary>
/// Sets the open-alert gauges (by grade, tier and status; overdue; by district) from PostgreSQL every <see cref="Interval"/>.
/// Gauges read from the database rather than counted in memory: every Response replica then reports the same truth, and a
/// restart loses nothing (dashboards take the max over replicas). "Overdue" is read from the deadlines stored with each
/// alert, which the handling policy set, so the gauge and the deadline timer always agree.
/// </summary>
public sealed class AlertGauges(NpgsqlDataSource dataSource, HandlingPolicy policy, TimeProvider clock, ILogger<AlertGauges> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The district label of an alert's district key: the district's name as the policy lists it, "unknown" for an alert
    /// without a district, and "other" for any other name. Label values come only from the policy (issue 14, finding 11):
    /// district names are free text in anonymous reports, and a label is published to whoever reads the metrics.
    /// </summary>
    public static string DistrictLabel(HandlingPolicy policy, string? districtKey)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrEmpty(districtKey))
        {
            return "unknown";
        }

        var places = policy.Places;
        return policy.Jurisdictions.SelectMany(c => c.Districts).FirstOrDefault(d => places.District(d.Name) == districtKey)?.Name ?? "other";
    }

    private readonly HashSet<string[]> published = new(LabelsComparer.Instance);
    private readonly HashSet<string[]> publishedOverdue = new(LabelsComparer.Instance);
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
                ServiceMetrics.DatabaseErrors.WithLabels(ResponseMetrics.AlertGaugesOperation).Inc();
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

        // Overdue: not acknowledged, and past an acknowledge deadline (the timer may not have escalated it yet) or past one
        // before (escalated, or after its last reminder).
        const string byStatusSql = """
            SELECT grade, tier, status, count(*)::int AS open,
                   count(*) FILTER (WHERE acknowledged_at IS NULL AND (acknowledge_missed OR acknowledge_due_at < @Now))::int AS overdue
            FROM alerts
            WHERE status <> 'closed'
            GROUP BY 1, 2, 3
            """;
        var rows = (await connection.QueryAsync<OpenAlerts>(
            new CommandDefinition(byStatusSql, new { Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken))).ToList();

        const string byDistrictSql = """
            SELECT district_key AS district, count(*)::int AS open
            FROM alerts
            WHERE status <> 'closed'
            GROUP BY 1
            """;
        var districts = (await connection.QueryAsync<OpenByDistrict>(new CommandDefinition(byDistrictSql, cancellationToken: cancellationToken))).ToList();
        ServiceMetrics.ObserveTransaction(ResponseMetrics.AlertGaugesOperation, started);

        Publish(rows);
        Publish(districts);
    }

    private void Publish(List<OpenAlerts> rows)
    {
        var current = new HashSet<string[]>(LabelsComparer.Instance);
        var overdue = new Dictionary<string[], int>(LabelsComparer.Instance);
        foreach (var row in rows)
        {
            var labels = new[] { ServiceMetrics.Bounded(row.Grade), ServiceMetrics.Bounded(row.Tier), ServiceMetrics.Bounded(row.Status) };
            ResponseMetrics.AlertsOpen.WithLabels(labels).Set(row.Open);
            current.Add(labels);
            var key = labels[..2];
            overdue[key] = overdue.GetValueOrDefault(key) + row.Overdue;
        }

        // Every grade has a series at the tier that leads it, even with no alert open, so "no red alert open" or "none
        // overdue" reads 0, not "no data".
        foreach (var grade in ResponseMetrics.AlertGrades.Select(g => g.ToWire()))
        {
            var tier = ResponseMetrics.LeadingTier(policy, grade);
            if (current.Add([grade, tier, "new"]))
            {
                ResponseMetrics.AlertsOpen.WithLabels(grade, tier, "new").Set(0);
            }

            overdue.TryAdd([grade, tier], 0);
        }

        foreach (var (labels, count) in overdue)
        {
            ResponseMetrics.AlertsOverdue.WithLabels(labels).Set(count);
        }

        Forget(ResponseMetrics.AlertsOpen, published, current);
        Forget(ResponseMetrics.AlertsOverdue, publishedOverdue, overdue.Keys);
    }

    private void Publish(List<OpenByDistrict> rows)
    {
        var current = new Dictionary<string, int>(StringComparer.Ordinal) { ["other"] = 0, ["unknown"] = 0 };
        foreach (var district in policy.Jurisdictions.SelectMany(c => c.Districts))
        {
            current[district.Name] = 0;
        }

        foreach (var row in rows)
        {
            var district = DistrictLabel(policy, row.District);
            current[district] = current.GetValueOrDefault(district) + row.Open;
        }

        foreach (var (district, count) in current)
        {
            ResponseMetrics.AlertsOpenByDistrict.WithLabels(district).Set(count);
        }

        foreach (var gone in publishedDistricts.Where(d => !current.ContainsKey(d)).ToList())
        {
            ResponseMetrics.AlertsOpenByDistrict.RemoveLabelled(gone);
            publishedDistricts.Remove(gone);
        }

        publishedDistricts.UnionWith(current.Keys);
    }

    /// <summary>Removes the series published before that are gone now, and remembers the current ones.</summary>
    private static void Forget(Prometheus.Gauge gauge, HashSet<string[]> before, IEnumerable<string[]> now)
    {
        var current = now.ToHashSet(LabelsComparer.Instance);
        foreach (var gone in before.Where(l => !current.Contains(l)).ToList())
        {
            gauge.RemoveLabelled(gone);
            before.Remove(gone);
        }

        before.UnionWith(current);
    }

    private sealed record OpenAlerts(string Grade, string Tier, string Status, int Open, int Overdue);

    private sealed record OpenByDistrict(string? District, int Open);

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y, StringComparer.Ordinal);

        public int GetHashCode(string[] obj) => obj.Aggregate(17, (h, s) => (h * 31) + StringComparer.Ordinal.GetHashCode(s));
    }
}
