using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Contract;
using RiskWatch.Data;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Ingest.Apis;
using RiskWatch.Ingest.Intake;
using RiskWatch.Messaging;
using RiskWatch.ServiceDefaults;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Ingest;

/// <summary>Composes the Ingest service; its own Program and the embedded mode both start it from here.</summary>
public static class IngestService
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(IngestService).Assembly.GetName().Name });
        builder.AddServiceDefaults(configure);
        IngestMetrics.Initialise();
        builder.AddIngestServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        // Answers the framework gives without a body (415, 405, 404) become problem details too.
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapFormPages();
        app.MapPlacesApi();
        // Every way a report comes in: rate-limited per key, or per address without one.
        var intake = app.MapGroup("").WithTags("Intake").RequireRateLimiting(IntakeRateLimits.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        intake.MapReportsApi();
        intake.MapFormApi();
        intake.MapPlatformApi();
        app.MapInformantsApi();
        app.MapSchemaApi();
        return app;
    }

    public static WebApplicationBuilder AddIngestServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRiskWatchKafka();
        builder.Services.AddRiskWatchDatabase(keyedStatementsOnly: true);
        builder.Services.AddAcknowledgedProducer();
        builder.Services.AddSingleton(TimeProvider.System);
        // The policy's jurisdictions and their aliases make incident keys and the place keys of contact reveals, and are
        // served to the form's place picker (GET /api/v1/places); a bad policy file stops Ingest at start like the others.
        builder.Services.AddHandlingPolicy();
        builder.Services.AddValidatedOptions<IngestOptions>(IngestOptions.SectionName);
        builder.Services.AddOptions<IntakeSecurityOptions>().BindConfiguration(IntakeSecurityOptions.SectionName);
        // Resolved at start (ValidateOnStart would not reach it): a missing key stops the process with the setting's name.
        builder.Services.AddSingleton(sp =>
        {
            var security = sp.GetRequiredService<IOptions<IntakeSecurityOptions>>().Value;
            return SecretBox.FromConfiguration(security.ContactEncryptionKey, security.ContactEncryptionKeyFile, security.GenerateContactEncryptionKey);
        });
        // Tracking codes are derived with a server secret (issue 14, finding 2); resolved at start like the contact key.
        builder.Services.AddSingleton(sp =>
        {
            var security = sp.GetRequiredService<IOptions<IntakeSecurityOptions>>().Value;
            return new TrackingCode(ConfiguredSecret.Load(security.TrackingCodeSecret, security.TrackingCodeSecretFile, security.GenerateTrackingCodeSecret,
                "Security:TrackingCodeSecret", TrackingCode.MinSecretBytes, exactly: false));
        });
        builder.Services.AddHostedService<SecretBoxCheck>();
        builder.Services.AddSingleton<IntakeLedger>();
        builder.Services.AddSingleton<FollowUpHistory>();
        builder.Services.AddSingleton<InformantStore>();
        builder.Services.AddSingleton<PlatformSigning>();
        builder.Services.AddSingleton<PlatformApi.BatchGate>();
        builder.Services.AddSingleton<ReportRateLimiter>();
        builder.Services.AddSingleton<KafkaReportSink>();
        // A host may put a sink of its own in first (the embedded mode guards its in-memory broker's retention).
        builder.Services.TryAddSingleton<IReportSink>(sp => sp.GetRequiredService<KafkaReportSink>());
        builder.Services.AddSingleton<ReportIntake>();
        builder.Services.AddApiKeyAuthentication<ApiKeyStore>();
        builder.Services.AddIntakeRateLimits();
        builder.Services.AddOpenApi();
        // Kestrel's own ceiling; each endpoint reads at most its own limit (64 KiB a report, MaxBatchBytes a batch).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024);
        return builder;
    }

    /// <summary>
    /// Builds the <see cref="SecretBox"/> and the <see cref="TrackingCode"/> at start, so a missing or wrong secret stops
    /// Ingest before it takes traffic. Resolved when started, not when constructed: the production check of the configured
    /// secrets (a hosted service registered before) speaks first, naming a weak one.
    /// </summary>
    private sealed class SecretBoxCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(services.GetRequiredService<SecretBox>());
            GC.KeepAlive(services.GetRequiredService<TrackingCode>());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
