using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RiskWatch.ServiceDefaults;

/// <summary>
/// Traces across the broker. Every request carries W3C trace context (ASP.NET Core reads <c>traceparent</c>); Ingest
/// puts it in the Kafka message's headers, Scoring stores each report's trace id with the report and in the alert's
/// timeline, and links its batch span to the reports' traces. When <c>Tracing:OtlpEndpoint</c> is set, the spans of
/// every RiskWatch <see cref="System.Diagnostics.ActivitySource"/> (<c>RiskWatch.*</c>) and of ASP.NET Core are exported
/// over OTLP (HTTP/protobuf); without it nothing is recorded beyond the ids, so tracing costs nothing.
/// </summary>
public static class Tracing
{
    public const string EndpointSetting = "Tracing:OtlpEndpoint";

    /// <summary>The sources RiskWatch's services start spans from: one per service, <c>RiskWatch.Ingest</c> and so on.</summary>
    public const string Sources = "RiskWatch.*";

    public static WebApplicationBuilder AddTracing(this WebApplicationBuilder builder)
    {
        if (builder.Configuration[EndpointSetting] is not { Length: > 0 } endpoint)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName, serviceVersion: Metrics.ServiceMetrics.BuildVersion))
            .WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
                    && !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddOtlpExporter(options =>
                {
                    options.Endpoint = new Uri(new Uri(endpoint), "v1/traces");
                    options.Protocol = OtlpExportProtocol.HttpProtobuf;
                }));
        return builder;
    }
}
