using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>RiskWatch embedded with fast deadline timer and live stream, for the console's browser tests.</summary>
public sealed class ConsoleFixture : InProcessSystem
{
    protected override Task Configure(Dictionary<string, string?> settings)
    {
        settings["Handling:TimerInterval"] = "00:00:00.200";
        settings["Handling:StreamPollInterval"] = "00:00:00.200";
        settings["Handling:RelayInterval"] = "00:00:00.500";
        return Task.CompletedTask;
    }

    /// <summary>Posts a report through Ingest and returns its tracking code.</summary>
    public async Task<string> SubmitAsync(JsonObject report)
    {
        var response = await Ingest.PostAsJsonAsync("/api/v1/reports", report);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>();
    }

    /// <summary>The id of the newest alert about a subject, once Scoring has opened it.</summary>
    public Task<long> AlertIdAsync(string subject) =>
        EventuallyAsync<long>("SELECT coalesce(max(alert_id), 0) FROM alerts WHERE subject_name = @p", subject, id => id > 0);

    /// <summary>Makes the alert's acknowledge deadline pass, as if nobody had acknowledged it in time; the timer does the rest.</summary>
    public async Task LetAcknowledgeDeadlinePassAsync(long alertId) =>
        await ScalarAsync<long>("UPDATE alerts SET acknowledge_due_at = now() - interval '1 second' WHERE alert_id = @p RETURNING alert_id", alertId);
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
