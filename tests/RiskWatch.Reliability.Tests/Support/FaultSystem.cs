using Microsoft.Extensions.Configuration;
using RiskWatch.Cli.Embedded;
using RiskWatch.Testing;

namespace RiskWatch.Reliability.Tests.Support;

/// <summary>The three services in this process as <c>riskwatch up</c> runs them, with their own in-memory broker and
/// a fresh database, set as <see cref="FaultSettings"/> says.</summary>
public static class FaultSystem
{
    public static async Task<EmbeddedSystem> StartAsync(PostgresFixture postgres)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = await postgres.CreateEmptyDatabaseAsync(),
            ["Model:Path"] = await TestModel.PathAsync(),
            ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), "riskwatch-tests", Guid.NewGuid().ToString("N")),
            ["Embedded:IngestUrl"] = "http://127.0.0.1:0",
            ["Embedded:ResponseUrl"] = "http://127.0.0.1:0",
            ["Embedded:ScoringUrl"] = "http://127.0.0.1:0",
            // A few senders from one address post far more than an informant's phone would.
            ["Ingest:AnonymousRequestsPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        }).AddInMemoryCollection(FaultSettings.AsConfiguration()).Build();
        return await EmbeddedSystem.StartAsync(configuration, TextWriter.Null, CancellationToken.None);
    }
}
