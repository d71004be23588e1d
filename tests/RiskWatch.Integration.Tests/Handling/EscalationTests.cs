using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RiskWatch.Response;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

[Collection(HandlingCollection.Name)]
public sealed class EscalationTests(HandlingFixture riskWatch)
{
    [Fact]
    public async Task A_red_alert_not_acknowledged_in_15_minutes_escalates_once_while_two_response_instances_run()
    {
        var station = $"escalation-{Guid.NewGuid():N}"[..24];
        await riskWatch.SubmitAsync(TestReports.About(station, "inf-e", red: true));
        var alertId = await riskWatch.AlertIdAsync(station);
        Assert.Equal("city", await riskWatch.ScalarAsync<string>("SELECT tier FROM alerts WHERE alert_id = @p", alertId));

        // Two more Response instances, each with its own DI container and its own hand-moved clock, on the same database.
        var clocks = new[] { new ManualTimeProvider(DateTimeOffset.UtcNow), new ManualTimeProvider(DateTimeOffset.UtcNow) };
        var instances = clocks.Select(StartResponse).ToList();
        try
        {
            foreach (var app in instances)
            {
                await app.StartAsync();
            }

            clocks[0].Advance(TimeSpan.FromMinutes(14));
            clocks[1].Advance(TimeSpan.FromMinutes(14));
            await Task.Delay(1000);
            Assert.Equal(0, await riskWatch.ScalarAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind = 'escalated'", alertId));

            clocks[0].Advance(TimeSpan.FromMinutes(2));
            clocks[1].Advance(TimeSpan.FromMinutes(2));
            await riskWatch.EventuallyAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind = 'escalated'", alertId, n => n >= 1);
            // Both instances keep scanning; the escalation must not happen again.
            await Task.Delay(1500);

            Assert.Equal(1, await riskWatch.ScalarAsync<long>("SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind = 'escalated'", alertId));
            Assert.Equal(1, await riskWatch.ScalarAsync<long>(
                "SELECT count(*) FROM alert_events WHERE alert_id = @p AND kind = 'deadline_missed' AND detail->>'deadline' = 'acknowledge'", alertId));
            Assert.Equal("joint", await riskWatch.ScalarAsync<string>("SELECT tier FROM alerts WHERE alert_id = @p", alertId));
            Assert.True(await riskWatch.ScalarAsync<bool>("SELECT acknowledge_missed FROM alerts WHERE alert_id = @p", alertId));
            Assert.Equal("timer", await riskWatch.ScalarAsync<string>("SELECT actor FROM alert_events WHERE alert_id = @p AND kind = 'escalated'", alertId));
            // Notified: the escalation is in the outbox for Kafka and webhooks.
            Assert.Equal(1, await riskWatch.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE alert_id = @p AND kind = 'escalated'", alertId));
        }
        finally
        {
            foreach (var app in instances)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    private WebApplication StartResponse(ManualTimeProvider clock) => ResponseService.Build([], builder =>
    {
        builder.Configuration.AddInMemoryCollection(riskWatch.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = riskWatch.System.ConnectionString,
            ["Kafka:BootstrapServers"] = riskWatch.System.BootstrapServers,
            ["Handling:TimerInterval"] = "00:00:00.100",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(clock);
    });
}
