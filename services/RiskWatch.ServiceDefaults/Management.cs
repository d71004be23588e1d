using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace RiskWatch.ServiceDefaults;

/// <summary>The "Management" section: where a service serves its metrics and probes, apart from its public port.</summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>
    /// The management listener, e.g. <c>http://+:9090</c> in a container (the chart's <c>management</c> port). The default,
    /// <c>http://127.0.0.1:0</c>, is a free port on loopback: nothing outside the machine reaches it unless configured.
    /// </summary>
    [Required]
    [RegularExpression(@"^https?://[^/\s]+/?$", ErrorMessage = "Management:Url must be a listening address such as http://+:9090")]
    public string Url { get; set; } = "http://127.0.0.1:0";
}

/// <summary>
/// A second, small HTTP server in each service for operators and their tools: <c>/metrics</c> for Prometheus and the
/// <c>/health/live</c> and <c>/health/ready</c> probes, on <see cref="ManagementOptions.Url"/> (issue 14, finding 11:
/// <c>/metrics</c> was on every public port, Ingest's included, without a login). The public port no longer serves
/// metrics; it keeps its health endpoints for load balancers. A NetworkPolicy can then open the management port to
/// Prometheus and the kubelet only.
/// </summary>
public sealed class ManagementServer(IOptions<ManagementOptions> options, HealthCheckService health, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    /// <summary>The paths the management port serves.</summary>
    public static readonly IReadOnlyList<string> Routes = ["/metrics", "/health/live", "/health/ready"];

    private WebApplication? app;

    /// <summary>Where it listens once started (the port chosen when the configured one is 0).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The endpoints it serves once started, as (method or *, route pattern): for the authorisation matrix.</summary>
    public IReadOnlyList<(string Method, string Pattern)> Endpoints { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseUrls(options.Value.Url);
        app = builder.Build();
        app.MapMetrics("/metrics");
        app.MapGet("/health/live", context => Report(context, check => check.Tags.Contains("live")));
        app.MapGet("/health/ready", context => Report(context, check => check.Tags.Contains("ready") || check.Tags.Contains("live")));
        await app.StartAsync(cancellationToken);
        Endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, e.RoutePattern.RawText ?? "")))
            .ToList();
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Value.Url;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>The service's own health checks (its PostgreSQL, Kafka, model), answered as ASP.NET's health endpoints do.</summary>
    private async Task Report(HttpContext context, Func<HealthCheckRegistration, bool> predicate)
    {
        var report = await health.CheckHealthAsync(predicate, context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store, no-cache";
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
    }
}
