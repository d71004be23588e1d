using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RiskWatch.Ingest;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Response;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Browser protections on the real pages, and the refusal to start in production with a default secret.
/// CSRF on the console's state changes is proven by <c>Handling/ConsoleAndAccessTests.A_street_responder_cannot_open_another_streets_alert_in_the_console_or_the_api</c>
/// (a logged-in console's POST without the token answers 403).
/// </summary>
public sealed class WebPageAndSecretsTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    [Theory]
    [InlineData("Ingest", "/report")]
    [InlineData("Ingest", "/report/follow-up")]
    [InlineData("Response", "/console/")]
    [InlineData("Response", "/console")]
    public async Task Web_pages_forbid_inline_script_framing_and_sniffing(string service, string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(service == "Ingest" ? riskWatch.System.IngestUrl : riskWatch.System.ResponseUrl) };
        using var page = await client.GetAsync(path);
        page.EnsureSuccessStatusCode();
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        var scripts = directives.GetValueOrDefault("script-src") ?? directives["default-src"];
        Assert.DoesNotContain("'unsafe-inline'", scripts, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", scripts, StringComparison.Ordinal);
        Assert.DoesNotContain("*", scripts, StringComparison.Ordinal);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));

        // And the page itself relies on none of it: no inline script, no inline event handlers.
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotMatch("\\son[a-z]+\\s*=", html);
    }

    private static Dictionary<string, string?> Settings(string environment, params (string Key, string Value)[] secrets)
    {
        var settings = new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
        };
        foreach (var (key, value) in secrets)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<Exception?> StartAsync(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, Dictionary<string, string?> settings)
    {
        await using var app = build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Environment.EnvironmentName = settings["environment"]!;
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StartAsync(timeout.Token);
            await app.StopAsync();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Messages(Exception? e) => e switch
    {
        null => "(started)",
        AggregateException a => string.Join("\n", a.Flatten().InnerExceptions.Select(Messages)),
        OptionsValidationException o => string.Join("\n", o.Failures),
        _ => e.Message + (e.InnerException is null ? "" : "\n" + Messages(e.InnerException)),
    };

    [Fact]
    public async Task Ingest_refuses_to_start_in_production_with_an_all_zero_contact_encryption_key_and_names_the_setting()
    {
        var zeros = Convert.ToBase64String(new byte[32]);
        var refused = await StartAsync(IngestService.Build, Settings(Environments.Production, ("Security:ContactEncryptionKey", zeros)));
        var message = Messages(refused);
        Assert.Contains("Security:ContactEncryptionKey", message, StringComparison.Ordinal);
        Assert.Contains("RISKWATCH_Security__ContactEncryptionKey", message, StringComparison.Ordinal);
        Assert.DoesNotContain(zeros, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_refuses_to_start_without_a_contact_encryption_key()
    {
        var refused = await StartAsync(IngestService.Build, Settings(Environments.Production));
        Assert.Contains("Security:ContactEncryptionKey", Messages(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_refuses_to_start_without_a_tracking_code_secret_or_with_an_all_zero_one_and_names_the_setting()
    {
        var key = ("Security:ContactEncryptionKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var missing = Messages(await StartAsync(IngestService.Build, Settings(Environments.Production, key)));
        Assert.Contains("Security:TrackingCodeSecret", missing, StringComparison.Ordinal);

        var zeros = Convert.ToBase64String(new byte[32]);
        var weak = Messages(await StartAsync(IngestService.Build, Settings(Environments.Production, key, ("Security:TrackingCodeSecret", zeros))));
        Assert.Contains("Security:TrackingCodeSecret", weak, StringComparison.Ordinal);
        Assert.DoesNotContain(zeros, weak, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_refuses_to_start_in_production_with_a_placeholder_webhook_secret_and_names_the_setting()
    {
        var refused = await StartAsync(ResponseService.Build, Settings(Environments.Production,
            ("Handling:Webhooks:0:Name", "bureau"), ("Handling:Webhooks:0:Url", "https://bureau.example/hook"),
            ("Handling:Webhooks:0:Secret", "changeme-changeme-changeme")));
        var message = Messages(refused);
        Assert.Contains("Handling:Webhooks:0:Secret", message, StringComparison.Ordinal);
        Assert.DoesNotContain("changeme-changeme", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_with_an_all_zero_key_is_refused_in_production_too()
    {
        var file = Path.Combine(Path.GetTempPath(), $"riskwatch-zero-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(file, Convert.ToBase64String(new byte[32]));
        try
        {
            var refused = await StartAsync(IngestService.Build, Settings(Environments.Production, ("Security:ContactEncryptionKeyFile", file)));
            Assert.Contains("Security:ContactEncryptionKeyFile", Messages(refused), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_check_passes_random_secrets_and_applies_only_in_production()
    {
        var validator = new ProductionSecretsValidator();
        var strong = new ConfiguredSecrets { Production = true };
        strong.Values["Security:ContactEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        strong.Values["Handling:Webhooks:0:Secret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        Assert.True(validator.Validate(null, strong).Succeeded);

        var weak = new ConfiguredSecrets { Production = true };
        weak.Values["Handling:Webhooks:0:Secret"] = "aaaaaaaaaaaaaaaaaaaa";
        weak.Values["Security:ContactEncryptionKey"] = Convert.ToBase64String(new byte[32]);
        var result = validator.Validate(null, weak);
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());

        var development = new ConfiguredSecrets { Production = false };
        development.Values["Handling:Webhooks:0:Secret"] = "changeme";
        Assert.True(validator.Validate(null, development).Succeeded);
    }
}
