using Microsoft.Extensions.Options;
using RiskWatch.Data;
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
        builder.AddServiceDefaults(configure);
        ScoringMetrics.Initialise();
        builder.AddScoringServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    public static WebApplicationBuilder AddScoringServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // A batch's statements read and write by key, with arrays of hundreds of ids (DatabaseRegistration).
        services.AddRiskWatchDatabase(keyedStatementsOnly: true);
        services.AddRiskWatchKafka();
        services.AddValidatedOptions<ScoringOptions>(ScoringOptions.SectionName);
        services.AddValidatedOptions<ModelOptions>(ModelOptions.SectionName);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ScoringOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Data.Models.ModelRegistry>();
        services.AddSingleton<ModelHolder>();
        services.AddHealthChecks().AddCheck<ModelHolder>("model", tags: ["ready"]);
        // Before the consumer: the registry's current model is looked up first, then every PollIntervalMs.
        services.AddHostedService<ModelReloader>();
        services.AddAcknowledgedProducer();
        // The handling policy sets tier and deadlines when an alert opens; a bad policy file stops the service at start.
        services.AddHandlingPolicy();
        services.AddSingleton<ScoringStore>();
        services.AddSingleton<MessageClassifier>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<ReportBatchHandler>();
        services.AddHostedService<ReportConsumer>();
        return builder;
    }
}
