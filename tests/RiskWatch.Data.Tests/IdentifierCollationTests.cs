using Dapper;
using Npgsql;
using RiskWatch.Testing;

namespace RiskWatch.Data.Tests;

/// <summary>Migration 0021: the identifiers every batch writes and looks up are compared byte by byte, never through strcoll.</summary>
public sealed class IdentifierCollationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_indexes_of_tracking_codes_incident_keys_place_keys_and_senders_compare_bytewise()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync());

        // Every text key column of these indexes, with the collation the index compares it by.
        var columns = (await connection.QueryAsync<(string Index, string Collation)>("""
            SELECT c.relname, coll.collname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            CROSS JOIN LATERAL unnest(i.indcollation::oid[]) AS k(coll_oid)
            JOIN pg_collation coll ON coll.oid = k.coll_oid
            WHERE c.relname = ANY(@Indexes)
            """, new
        {
            Indexes = new[]
            {
                "reports_tracking_code", "intake_ledger_tracking_code_key", "alerts_one_current_per_incident", "alerts_scope",
                "report_reviews_waiting", "reports_alert_submitter",
            },
        })).ToList();

        Assert.Equal(6, columns.Select(c => c.Index).Distinct().Count());
        Assert.All(columns, c => Assert.Equal("C", c.Collation));
    }

    [Fact]
    public async Task A_lookup_by_a_key_with_non_ascii_text_still_finds_its_row_through_the_index()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync());
        const string key = "深圳|南山|粤海|美团西丽站";
        await connection.ExecuteAsync("""
            INSERT INTO alerts (incident_key, city, subject_name, grade, probabilities, model_version, opened_at, last_report_at,
                                highest_reported_grade, city_key, district_key, street_key)
            VALUES (@Key, '深圳市', '美团西丽站', 'blue', ARRAY[0,1,0,0,0]::real[], 'm', now(), now(), 'blue', '深圳', '南山', '粤海')
            """, new { Key = key });
        await connection.ExecuteAsync("SET enable_seqscan = off");

        // A parameter carries the database's default collation; the column's "C" wins, so the index serves the lookup.
        var plan = string.Join('\n', await connection.QueryAsync<string>(
            "EXPLAIN SELECT alert_id FROM alerts WHERE incident_key = ANY(@Keys) AND status <> 'closed' AND superseded_by IS NULL",
            new { Keys = new[] { key } }));
        var found = await connection.QuerySingleAsync<string>("SELECT city_key FROM alerts WHERE incident_key = @Key", new { Key = key });

        Assert.Contains("alerts_one_current_per_incident", plan, StringComparison.Ordinal);
        Assert.Equal("深圳", found);
    }
}
