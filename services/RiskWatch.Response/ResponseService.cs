using RiskWatch.Data.Alerts;
using RiskWatch.Response.Apis;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Response;

/// <summary>Composes the Response service; its own Program and the embedded mode both start it from here.</summary>
public static class ResponseService
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ResponseService).Assembly.GetName().Name });
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddResponseServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapAlertsApi();
        return app;
    }

    public static WebApplicationBuilder AddResponseServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRiskWatchDatabase();
        builder.Services.AddSingleton<AlertQueries>();
        builder.Services.AddHostedService<Metrics.AlertGaugesRefresher>();
        return builder;
    }
}
