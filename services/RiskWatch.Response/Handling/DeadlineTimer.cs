using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Metrics;

namespace RiskWatch.Response.Handling;

/// <summary>
/// Escalates alerts not acknowledged by their deadline, reminds the top tier, and marks missed first-action deadlines.
/// Time is the injected <see cref="TimeProvider"/>; state lives in PostgreSQL, so a restart loses nothing and several
/// Response instances can run this at once (each due alert is locked by one of them, see <see cref="DeadlineStore"/>).
/// </summary>
public sealed class DeadlineTimer(DeadlineStore store, TimeProvider clock, IOptions<HandlingOptions> options, ILogger<DeadlineTimer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TimerInterval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The deadline timer could not run; trying again at the next tick");
            }
        }
        while (await Tick(timer, stoppingToken));
    }

    public static readonly ActivitySource Tracing = new("RiskWatch.Response");

    /// <summary>Applies every decision due now; returns how many alerts changed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = Tracing.StartActivity("apply due deadlines");
        var total = 0;
        while (true)
        {
            var applied = await store.RunDueAsync(clock.GetUtcNow(), 50, cancellationToken);
            foreach (var a in applied)
            {
                if (a.Decision.AcknowledgeDeadlineMissed)
                {
                    ResponseMetrics.DeadlinesMissed.WithLabels(a.Grade, Bounded(a.TierBefore), "acknowledge").Inc();
                }

                if (a.Decision.ActDeadlineMissed)
                {
                    ResponseMetrics.DeadlinesMissed.WithLabels(a.Grade, Bounded(a.TierBefore), "act").Inc();
                }

                if (a.Decision is { Kind: EscalationKind.Escalate, ToTier: { } to })
                {
                    ResponseMetrics.Escalations.WithLabels(a.Grade, to.ToWire()).Inc();
                    logger.LogWarning("Alert {AlertId} ({Grade}) was not acknowledged in time and went up to {Tier}", a.AlertId, a.Grade, to.ToWire());
                }
            }

            total += applied.Count;
            if (applied.Count < 50)
            {
                return total;
            }
        }
    }

    private static string Bounded(string tier) => Tiers.TryParse(tier, out _) ? tier : "other";

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
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
}
