using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RiskWatch.ServiceDefaults.Security;

/// <summary>
/// The secrets a service was configured with, gathered at start: every setting of the <c>Security</c> and <c>Handling</c>
/// sections whose name ends in <c>Secret</c> or <c>EncryptionKey</c> (e.g. <c>Security:ContactEncryptionKey</c>,
/// <c>Handling:Webhooks:0:Secret</c>), and the contents of a file named by the same setting plus <c>File</c>
/// (e.g. <c>Security:ContactEncryptionKeyFile</c>, a mounted Secret).
/// </summary>
public sealed class ConfiguredSecrets
{
    /// <summary>True in production (the host environment is <c>Production</c>, which is also the default when none is set).</summary>
    public bool Production { get; set; }

    /// <summary>Setting name to its value (never logged).</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal static readonly string[] Sections = ["Security", "Handling"];

    public static bool IsSecretSetting(string key)
    {
        var last = key[(key.LastIndexOf(':') + 1)..];
        // A switch such as Security:GenerateContactEncryptionKey names a secret but holds a yes or no, not the secret.
        if (last.StartsWith("Generate", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return last.EndsWith("Secret", StringComparison.OrdinalIgnoreCase) || last.EndsWith("EncryptionKey", StringComparison.OrdinalIgnoreCase);
    }

    public static void Collect(ConfiguredSecrets secrets, IConfiguration configuration)
    {
        foreach (var section in Sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    continue;
                }

                if (IsSecretSetting(key))
                {
                    secrets.Values[key] = value;
                }
                else if (key.EndsWith("File", StringComparison.OrdinalIgnoreCase) && IsSecretSetting(key[..^"File".Length])
                         && File.Exists(value) && new FileInfo(value).Length <= 64 * 1024)
                {
                    secrets.Values[key] = File.ReadAllText(value);
                }
            }
        }
    }
}

/// <summary>
/// In production a service refuses to start with a secret that is a known default or placeholder ("changeme",
/// "example", ...), has almost no variety (a run of one character), or — for an encryption key — decodes to bytes
/// with almost no variety (an all-zero key). The message names the setting and never shows the value.
/// Missing secrets are refused where they are used (<c>SecretBox</c> for the contact key, <c>[Required]</c> for webhooks).
/// </summary>
public sealed class ProductionSecretsValidator : IValidateOptions<ConfiguredSecrets>
{
    private static readonly string[] Placeholders =
    [
        "changeme", "change-me", "change_me", "change me", "changethis", "replaceme", "replace-me", "replace_me", "placeholder",
        "example", "default", "insecure", "dummy", "xxxxxx", "todo", "fixme", "your-secret", "yoursecret",
    ];

    private static readonly HashSet<string> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "secret", "password", "passw0rd", "test", "key", "admin", "webhook", "token", "riskwatch", "0123456789abcdef",
    };

    public ValidateOptionsResult Validate(string? name, ConfiguredSecrets options)
    {
        if (!options.Production)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = options.Values
            .Select(pair => WhyWeak(pair.Key, pair.Value) is { } why
                ? $"{pair.Key} {why}; in production every secret must be a fresh random value from the environment " +
                  $"(RISKWATCH_{pair.Key.Replace(":", "__", StringComparison.Ordinal)}) or a mounted file, never a default."
                : null)
            .OfType<string>()
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why the value is not acceptable as a production secret, or null when it is.</summary>
    public static string? WhyWeak(string setting, string value)
    {
        var v = value.Trim();
        if (v.Length == 0)
        {
            return "is empty";
        }

        if (Defaults.Contains(v) || Placeholders.Any(p => v.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return "is a default or placeholder value";
        }

        if (v.Distinct().Count() < 6)
        {
            return "has almost no variety (a default or placeholder)";
        }

        if (setting.EndsWith("EncryptionKey", StringComparison.OrdinalIgnoreCase) || setting.EndsWith("EncryptionKeyFile", StringComparison.OrdinalIgnoreCase)
            || setting.EndsWith("TrackingCodeSecret", StringComparison.OrdinalIgnoreCase) || setting.EndsWith("TrackingCodeSecretFile", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = new byte[v.Length];
            if (Convert.TryFromBase64String(v, bytes, out var written) && written >= 16 && bytes.Take(written).Distinct().Count() < 16)
            {
                return "decodes to a key with almost no variety (e.g. all zeros), not random bytes";
            }
        }

        return null;
    }
}

public static class ProductionSecretsExtensions
{
    /// <summary>Checks the configured secrets before the service starts (and before any hosted service runs).</summary>
    public static IServiceCollection AddProductionSecretsCheck(this IServiceCollection services)
    {
        services.AddOptions<ConfiguredSecrets>()
            .Configure<IConfiguration, IHostEnvironment>((secrets, configuration, environment) =>
            {
                secrets.Production = environment.IsProduction();
                ConfiguredSecrets.Collect(secrets, configuration);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConfiguredSecrets>, ProductionSecretsValidator>());
        return services;
    }
}
