using Microsoft.Extensions.Options;
using RiskWatch.Data.Scoring;
using RiskWatch.Messaging;
using RiskWatch.Scoring.Consuming;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Scoring;

/// <summary>Composes the Scoring service; its own Program and the embedded mode both start it from here.</summary>
public static class ScoringService
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ScoringService).Assembly.GetName().Name });
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddScoringServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    public static WebApplicationBuilder AddScoringServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRiskWatchDatabase();
        services.AddRiskWatchKafka();
        services.AddValidatedOptions<ScoringOptions>(ScoringOptions.SectionName);
        services.AddValidatedOptions<ModelOptions>(ModelOptions.SectionName);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ScoringOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelHolder>();
        services.AddHealthChecks().AddCheck<ModelHolder>("model", tags: ["ready"]);
        services.AddSingleton<ReportProducer>();
        services.AddSingleton<ScoringStore>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<ReportBatchHandler>();
        services.AddHostedService<ReportConsumer>();
        return builder;
    }
}
