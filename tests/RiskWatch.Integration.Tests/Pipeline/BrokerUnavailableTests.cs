using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Host.Kafka;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>Intake with the broker away: a quick, honest 503, never a 500 and never a hang.</summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class BrokerUnavailableTests(RiskWatchFixture riskWatch) : IClassFixture<RiskWatchFixture>
{
    [Fact]
    public async Task With_kafka_unreachable_intake_answers_503_with_retry_after_within_5_seconds()
    {
        var broker = riskWatch.System.Broker!;
        broker.SetBrokerDown(EmbeddedKafkaBroker.AllBrokers);
        try
        {
            var watch = Stopwatch.StartNew();
            var response = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", TestReports.BlueComplaint());
            watch.Stop();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.EndsWith("broker-unavailable", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            broker.SetBrokerUp(EmbeddedKafkaBroker.AllBrokers);
        }

        // And it recovers by itself once the broker is back.
        var again = TestReports.BlueComplaint(station: "after-outage");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage accepted;
        do
        {
            accepted = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", again);
        }
        while (accepted.StatusCode != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await riskWatch.WaitForReportsAsync([Guid.Parse(again["reportId"]!.GetValue<string>())], TimeSpan.FromSeconds(30));
    }
}
