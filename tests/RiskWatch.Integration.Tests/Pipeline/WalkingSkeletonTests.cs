using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Messaging;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>One report from HTTP through Kafka and the model into a PostgreSQL alert, as `riskwatch up` runs it.</summary>
public sealed class WalkingSkeletonTests(RiskWatchFixture riskWatch) : IClassFixture<RiskWatchFixture>
{
    [Fact]
    public async Task A_report_posted_over_http_becomes_an_alert_with_grade_probabilities_and_model_version()
    {
        var report = TestReports.RedStrike(station: "skeleton-station-1");
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());

        var response = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(id.ToString(), receipt["reportId"]!.GetValue<string>());
        var code = receipt["trackingCode"]!.GetValue<string>();
        Assert.Matches("^RW-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", code);
        Assert.Equal(code, await riskWatch.ScalarAsync<string>("SELECT tracking_code FROM intake_ledger WHERE report_id = @p", id));

        var alerts = await riskWatch.WaitForAlertsAsync(a => a.Any(x => x!["subject"]!.GetValue<string>() == "skeleton-station-1"));
        var alert = alerts.Single(x => x!["subject"]!.GetValue<string>() == "skeleton-station-1")!;
        Assert.Equal("red", alert["grade"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(alert["modelVersion"]!.GetValue<string>()));
        var probabilities = alert["probabilities"]!.AsObject();
        Assert.Equal(["none", "blue", "yellow", "orange", "red"], probabilities.Select(p => p.Key));
        Assert.Equal(1.0, probabilities.Sum(p => p.Value!.GetValue<double>()), 2);

        var detail = (await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alert["id"]}"))!;
        Assert.Equal(id.ToString(), detail["reports"]![0]!["reportId"]!.GetValue<string>());
        Assert.Equal("opened", detail["timeline"]![0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_report_produced_straight_into_kafka_by_kcat_becomes_an_alert()
    {
        var report = TestReports.RedStrike(station: "kcat-station");
        var parsed = ReportParser.Parse(Encoding.UTF8.GetBytes(report.ToJsonString()), DateTimeOffset.UtcNow).Report!;

        await Kcat.ProduceAsync(riskWatch.System.BootstrapServers, riskWatch.System.Kafka.ReportsTopic, IncidentKey.For(parsed), [report.ToJsonString()]);

        await riskWatch.WaitForAlertsAsync(a => a.Any(x => x!["subject"]!.GetValue<string>() == "kcat-station"));
    }

    [Fact]
    public async Task Resubmitting_a_report_over_http_leaves_one_report_and_one_alert()
    {
        var report = TestReports.RedStrike(station: "resubmitted-station");
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());

        for (var i = 0; i < 3; i++)
        {
            var response = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // A later report of another incident proves the resubmissions were all consumed before we count.
        var marker = TestReports.BlueComplaint(station: "resubmission-marker");
        await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", marker);
        await riskWatch.WaitForReportsAsync([id, Guid.Parse(marker["reportId"]!.GetValue<string>())]);
        await WaitForConsumerToPassAllAsync();

        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE report_id = @p", id));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE subject_name = @p", "resubmitted-station"));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT report_count FROM alerts WHERE subject_name = @p", "resubmitted-station"));
    }

    [Fact]
    public async Task Redelivering_a_kafka_message_leaves_one_report_and_one_alert()
    {
        var report = TestReports.RedStrike(station: "redelivered-station");
        var id = Guid.Parse(report["reportId"]!.GetValue<string>());
        var parsed = ReportParser.Parse(Encoding.UTF8.GetBytes(report.ToJsonString()), DateTimeOffset.UtcNow).Report!;

        await Kcat.ProduceAsync(riskWatch.System.BootstrapServers, riskWatch.System.Kafka.ReportsTopic, IncidentKey.For(parsed),
            [report.ToJsonString(), report.ToJsonString()]);
        await riskWatch.WaitForReportsAsync([id]);
        await WaitForConsumerToPassAllAsync();

        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM reports WHERE report_id = @p", id));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM alerts WHERE subject_name = @p", "redelivered-station"));
        Assert.Equal(1, await riskWatch.CountAsync("SELECT report_count FROM alerts WHERE subject_name = @p", "redelivered-station"));
    }

    public static TheoryData<string, string, string> BadReports() => new()
    {
        { "{\"reportId\": \"0f8fad5b", "$", "not valid JSON" },
        { Without("text"), "text", "is required" },
        { With("source", "\"rumour-mill\""), "source", "must be one of" },
        { With("text", "\"" + new string('x', 4001) + "\""), "text", "at most 4000 characters" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task Bad_input_gets_400_problem_details_naming_the_field_and_reaches_no_kafka(string body, string field, string reason)
    {
        var before = await MessagesInReportsTopicAsync();

        var response = await riskWatch.Ingest.PostAsync("/api/v1/reports", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var reasons = problem["errors"]![field]!.AsArray().Select(r => r!.GetValue<string>());
        Assert.Contains(reasons, r => r.Contains(reason, StringComparison.Ordinal));
        Assert.Equal(before, await MessagesInReportsTopicAsync());
    }

    private static string Without(string field)
    {
        var report = TestReports.BlueComplaint();
        report.Remove(field);
        return report.ToJsonString();
    }

    private static string With(string field, string json)
    {
        var report = TestReports.BlueComplaint();
        report[field] = JsonNode.Parse(json);
        return report.ToJsonString();
    }

    private async Task<long> MessagesInReportsTopicAsync()
    {
        using var consumer = KafkaClientFactory.CreateConsumer(new ConsumerConfig
        {
            BootstrapServers = riskWatch.System.BootstrapServers,
            GroupId = "watermark-reader",
        });
        using var admin = KafkaClientFactory.CreateAdminClient(new AdminClientConfig { BootstrapServers = riskWatch.System.BootstrapServers });
        var topic = riskWatch.System.Kafka.ReportsTopic;
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
        await Task.Yield();
        return metadata.Topics.Single().Partitions.Sum(p =>
            consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(5)).High.Value);
    }

    /// <summary>Waits until the stored offsets cover every message in the topic: nothing is left to consume.</summary>
    private async Task WaitForConsumerToPassAllAsync()
    {
        var total = await MessagesInReportsTopicAsync();
        var watch = Stopwatch.StartNew();
        while (await riskWatch.CountAsync("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") < total)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "The consumer did not reach the end of the topic.");
            await Task.Delay(50);
        }
    }
}
