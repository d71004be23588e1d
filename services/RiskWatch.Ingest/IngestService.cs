using RiskWatch.Ingest.Apis;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Ingest;

/// <summary>Composes the Ingest service; its own Program and the embedded mode both start it from here.</summary>
public static class IngestService
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(IngestService).Assembly.GetName().Name });
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddIngestServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapReportsApi();
        return app;
    }

    public static WebApplicationBuilder AddIngestServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRiskWatchKafka();
        builder.Services.AddSingleton<ReportProducer>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
