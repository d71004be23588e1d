using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Access;
using RiskWatch.Core.Policy;
using RiskWatch.Data;
using RiskWatch.Data.Access;
using RiskWatch.Data.Alerts;
using RiskWatch.Messaging;
using RiskWatch.Response.Apis;
using RiskWatch.Response.Console;
using RiskWatch.Response.Handling;
using RiskWatch.ServiceDefaults;
using RiskWatch.Response.Metrics;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response;

/// <summary>Composes the Response service; its own Program and the embedded mode both start it from here.</summary>
public static class ResponseService
{
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ResponseService).Assembly.GetName().Name });
        builder.AddServiceDefaults(configure);
        builder.AddResponseServices();

        var app = builder.Build();
        ResponseMetrics.Initialise(app.Services.GetRequiredService<HandlingPolicy>());
        app.MapDefaultEndpoints();
        // Answers the framework gives without a body (404, 405, 401, 403) become problem details too.
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAlertsApi();
        app.MapTriageApi();
        app.MapRegroupingApi();
        app.MapReviewsApi();
        app.MapHandlingReportsApi();
        app.MapConsole();
        return app;
    }

    public static WebApplicationBuilder AddResponseServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRiskWatchDatabase();
        services.AddRiskWatchKafka();
        services.AddValidatedOptions<HandlingOptions>(HandlingOptions.SectionName);
        // Tests put a clock of their own in first; everything about deadlines reads this one.
        services.TryAddSingleton(TimeProvider.System);

        // The handling policy: a bad policy file stops the service at start with the line of each problem.
        services.AddHandlingPolicy();

        services.AddSingleton<AlertQueries>();
        services.AddSingleton<AlertCommands>();
        services.AddSingleton<AlertTriage>();
        services.AddSingleton<AlertRegrouping>();
        services.AddSingleton<HandlingReports>();
        services.AddSingleton<RiskWatch.Data.Reviews.ReviewQueue>();
        services.AddSingleton<ResponderDirectory>();
        services.AddSingleton<DeadlineStore>();
        services.AddSingleton<OutboxStore>();
        services.AddAcknowledgedProducer();
        services.AddHttpClient(OutboxRelay.HttpClientName);

        services.AddApiKeyAuthentication<ApiKeyStore>();
        services.AddAuthentication()
            .AddCookie(ConsoleApi.CookieScheme, options =>
            {
                options.Cookie.Name = ConsoleApi.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.Path = "/";
                options.SlidingExpiration = true;
                // An API answers 401/403 rather than redirecting to a login page.
                options.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                options.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
                // Every request re-checks the session against the database (cached a few seconds): logout and revocation end it.
                options.Events.OnValidatePrincipal = ConsoleSessions.ValidatePrincipalAsync;
            });
        services.AddSingleton<ConsoleSessionStore>();
        services.AddSingleton<ConsoleSessions>();
        services.AddOptions<CookieAuthenticationOptions>(ConsoleApi.CookieScheme)
            .Configure<IOptions<HandlingOptions>>((cookie, handling) => cookie.ExpireTimeSpan = handling.Value.ConsoleSession);
        services.AddAuthorizationBuilder()
            .AddPolicy(AlertsApi.HandlingPolicy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, ConsoleApi.CookieScheme)
                .RequireRole(Roles.Responder, Roles.Admin));

        // The largest body Response takes is an action's 4,000-character text (at most 24 KB as JSON escapes); anything
        // larger is refused by Kestrel (413 problem) before it is buffered.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        services.AddHostedService<AlertGauges>();
        services.AddHostedService<DeadlineTimer>();
        services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
