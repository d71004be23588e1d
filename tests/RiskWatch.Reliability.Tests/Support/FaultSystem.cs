using Microsoft.Extensions.Configuration;
using RiskWatch.Host;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>The three services in this process as <c>riskwatch up</c> runs them, with their own in-memory broker and
/// a fresh database, set as <see cref="FaultSettings"/> says. The test owns the system and stops it when it chooses.</summary>
public static class FaultSystem
{
    public static async Task<EmbeddedSystem> StartAsync(PostgresFixture postgres)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(await InProcessSystem.DefaultSettingsAsync(await postgres.CreateEmptyDatabaseAsync()))
            .AddInMemoryCollection(FaultSettings.AsConfiguration())
            .Build();
        return await EmbeddedSystem.StartAsync(configuration, TextWriter.Null, CancellationToken.None);
    }
}
