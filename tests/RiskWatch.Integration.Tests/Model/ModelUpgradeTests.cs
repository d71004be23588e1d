using System.Net.Http.Json;
using Npgsql;
using RiskWatch.Data;
using RiskWatch.Data.Models;
using RiskWatch.Ml;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Model;

/// <summary>
/// `riskwatch up` after an upgrade that changed the features: the registry's current model cannot be loaded by this
/// build, so the start registers and promotes the model trained for it (recorded, forced) instead of leaving Scoring
/// to fail on the old one.
/// </summary>
public sealed class ModelUpgradeTests(ModelUpgradeTests.StaleModelSystem riskWatch) : IClassFixture<ModelUpgradeTests.StaleModelSystem>
{
    private const string StaleVersion = "m-20261101-stale";

    [Fact]
    public async Task A_current_model_of_older_features_is_replaced_by_a_recorded_forced_promotion_and_reports_are_graded()
    {
        await using var dataSource = NpgsqlDataSource.Create(riskWatch.ConnectionString);
        var registry = new ModelRegistry(dataSource);
        using var model = RiskModel.Load(await TestModel.PathAsync());
        Assert.Equal(model.Version, (await registry.CurrentAsync())!.Version);
        var promotion = (await registry.HistoryAsync()).Single(p => p.Version == model.Version);
        Assert.Equal((model.Version, StaleVersion, true), (promotion.Version, promotion.PreviousVersion, promotion.Forced));
        Assert.Contains("other features", promotion.Reason, StringComparison.Ordinal);

        var report = TestReports.RedStrike();
        (await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report)).EnsureSuccessStatusCode();
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p", id, 1);
        Assert.Equal(model.Version, await riskWatch.ScalarAsync<string>("SELECT model_version FROM reports WHERE report_id = @p", id));
    }

    public sealed class StaleModelSystem : InProcessSystem
    {
        protected override async Task Configure(Dictionary<string, string?> settings)
        {
            // A model of feature version 3 (the test model's file with older metadata) is current before the start.
            var connectionString = settings["Database:ConnectionString"]!;
            await Migrator.MigrateAsync(connectionString, CancellationToken.None);
            var path = await TestModel.CopyWithMetadataAsync("stale-" + Guid.NewGuid().ToString("N"),
                meta => meta with { Version = StaleVersion, FeatureVersion = 3 });

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await new ModelRegistry(dataSource).RegisterInitialAsync(
                new ModelRegistration(StaleVersion, "SdcaMaximumEntropy", DateTimeOffset.UtcNow, "stale", "{}", path, await File.ReadAllBytesAsync(path)), "test");
            Assert.False(RiskModel.IsUsable(path));
        }
    }
}
