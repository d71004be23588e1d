using Npgsql;
using RiskWatch.Data.Scoring;
using RiskWatch.Messaging;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// Tells the <see cref="PartitionBacklog"/> how far Scoring has got, when it has a limit: Scoring's offsets are in
/// PostgreSQL (committed with the rows they cover), read here ten times a second.
/// </summary>
public sealed class ScoringProgressWatcher(
    PartitionBacklog backlog, NpgsqlDataSource dataSource, KafkaOptions kafka, ILogger<ScoringProgressWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!backlog.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                backlog.Consumed(await ConsumerOffsets.ReadAsync(dataSource, kafka.ScoringGroupId, kafka.ReportsTopic, stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Until PostgreSQL answers again the backlog only grows, so intake errs on the side of 503.
                logger.LogDebug(e, "Could not read Scoring's offsets");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
