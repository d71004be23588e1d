using Dapper;
using Npgsql;
using RiskWatch.Data.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests;

/// <summary>
/// The intake ledger's record of a platform batch (binary COPY, from <see cref="IntakeLedger.OwnStatementReports"/> reports on),
/// and a report recorded already left as it was first recorded.
/// </summary>
public sealed class IntakeLedgerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_recorded_report_reads_back_with_every_field_as_written()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var ledger = new IntakeLedger(dataSource);
        var original = Entry("RW-0000A-00001", followUpOf: null, submittedBy: null);
        var followUp = Entry("RW-0000A-00002", followUpOf: original.ReportId, submittedBy: "inf-3f9a2c71") with { Channel = "form" };

        await ledger.RecordAsync([original, followUp, .. Others()], CancellationToken.None);

        var found = await ledger.FindOriginalAsync(followUp.TrackingCode, acceptUnkeyed: false, CancellationToken.None);
        await using var connection = await dataSource.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(Guid Id, string Channel, Guid? FollowUpOf, string? SubmittedBy, string City, string District, string Street, short Version)>(
            """
            SELECT report_id, channel, follow_up_of, submitted_by, city_key, district_key, street_key, tracking_code_version
            FROM intake_ledger WHERE reporter <> 'plat-other' ORDER BY tracking_code
            """)).ToList();
        Assert.NotNull(found);
        Assert.Equal(original with { Place = null }, found with { Place = null, TrackingCodeVersion = original.TrackingCodeVersion });
        Assert.Equal(
            [(original.ReportId, "platform", null, null, "深圳", "龙岗", "坂田", 2), (followUp.ReportId, "form", original.ReportId, "inf-3f9a2c71", "深圳", "龙岗", "坂田", 2)],
            stored);
    }

    [Fact]
    public async Task A_report_recorded_again_keeps_its_first_code_and_the_others_of_the_call_are_recorded()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var ledger = new IntakeLedger(dataSource);
        var first = Entry("RW-0000B-00001", followUpOf: null, submittedBy: null);
        await ledger.RecordAsync([first, .. Others()], CancellationToken.None);

        // The same report again (as when two requests carried it at once) between two new ones, and twice within the call.
        var before = Entry("RW-0000B-00002", followUpOf: null, submittedBy: null);
        var after = Entry("RW-0000B-00003", followUpOf: null, submittedBy: null);
        await ledger.RecordAsync([before, first with { TrackingCode = "RW-0000B-99999" }, after, after, .. Others()], CancellationToken.None);

        await using var connection = await dataSource.OpenConnectionAsync();
        var codes = (await connection.QueryAsync<(Guid, string)>("SELECT report_id, tracking_code FROM intake_ledger")).ToDictionary();
        Assert.Equal(3 + (2 * IntakeLedger.OwnStatementReports), codes.Count);
        Assert.Equal("RW-0000B-00001", codes[first.ReportId]);
        Assert.Equal("RW-0000B-00002", codes[before.ReportId]);
        Assert.Equal("RW-0000B-00003", codes[after.ReportId]);
    }

    /// <summary>Other reports of the batch, enough to make it one that is copied.</summary>
    private static IEnumerable<LedgerEntry> Others() => Enumerable.Range(0, IntakeLedger.OwnStatementReports).Select(_ =>
        Entry($"RW-{Guid.NewGuid():N}"[..14], followUpOf: null, submittedBy: null) with { Reporter = "plat-other" });

    private static LedgerEntry Entry(string code, Guid? followUpOf, string? submittedBy) =>
        new(Guid.NewGuid(), code, "platform", "platform", "plat-ledger", "深圳|龙岗|坂田|某某站点", followUpOf,
            """{"location":{"city":"深圳市","district":"龙岗区","street":"坂田街道"},"subject":{"name":"某某站点"},"sector":"food_delivery","category":"wage_arrears","occurredAt":"2026-12-07T06:00:00+00:00"}""",
            submittedBy)
        {
            Place = new PlaceKeys("深圳", "龙岗", "坂田"),
        };
}
