using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>RiskWatch exporting its traces over OTLP to a receiver in the test, which keeps every body it is sent.</summary>
public sealed class TracingFixture : InProcessSystem
{
    private WebApplication? collector;

    /// <summary>The bodies of the OTLP/HTTP trace exports received (protobuf).</summary>
    public ConcurrentQueue<byte[]> Exports { get; } = new();

    protected override async Task Configure(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            Exports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        settings["Tracing:OtlpEndpoint"] = collector.Urls.First();
    }

    protected override async Task StoppingAsync()
    {
        if (collector is not null)
        {
            await collector.StopAsync();
            await collector.DisposeAsync();
        }
    }
}

public sealed class TraceTests(TracingFixture riskWatch) : IClassFixture<TracingFixture>
{
    [Fact]
    public async Task One_reports_trace_id_goes_from_its_http_request_through_the_broker_to_the_stored_report_and_the_alerts_timeline()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var report = TestReports.RedStrike(station: "trace-" + Guid.NewGuid().ToString("N"));
        var reportId = Guid.Parse(report["reportId"]!.GetValue<string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(report) };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var accepted = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        await riskWatch.WaitForReportsAsync([reportId]);
        Assert.Equal(traceId.ToHexString(), await riskWatch.ScalarAsync<string>("SELECT trace_id FROM reports WHERE report_id = @p", reportId));
        var alertId = await riskWatch.ScalarAsync<long>("SELECT alert_id FROM reports WHERE report_id = @p", reportId);
        var opened = JsonNode.Parse((await riskWatch.Response.GetFromJsonAsync<JsonObject>($"/api/v1/alerts/{alertId}"))!["timeline"]!
            .AsArray().Single(e => (string?)e!["kind"] == "opened")!["detail"]!.ToJsonString())!;
        Assert.Equal(traceId.ToHexString(), (string?)opened["traceId"]);
        Assert.Equal(reportId.ToString(), (string?)opened["reportId"]);

        // The spans went out over OTLP: the request's trace id (16 raw bytes in the protobuf) is in an export.
        var raw = Convert.FromHexString(traceId.ToHexString());
        // The exporter sends a batch every 5 s and gives a request 10 s: on the two cores the whole suite shares, 20 s
        // once went by with no export at all (stop 31), so the wait allows several rounds. Without tracing none ever comes.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!riskWatch.Exports.Any(body => body.AsSpan().IndexOf(raw) >= 0))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no OTLP export held the trace id ({riskWatch.Exports.Count} exports received)");
            await Task.Delay(200);
        }
    }
}
