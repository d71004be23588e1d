using Microsoft.Extensions.Configuration;
using RiskWatch.Cli.Embedded;
using RiskWatch.Data.Intake;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// The encryption key of informant contacts and platform signing secrets, for commands and the embedded mode:
/// Security:ContactEncryptionKey or Security:ContactEncryptionKeyFile when configured; otherwise, against the embedded
/// database only, a key generated once into the data folder (secrets/contact-encryption.key, mode 600).
/// </summary>
public static class CliSecrets
{
    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "secrets", "contact-encryption.key");

    /// <summary>Settings the embedded system hands its services when the key is not configured.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> EmbeddedSettings(IConfiguration configuration, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(configuration["Security:ContactEncryptionKey"]) || !string.IsNullOrEmpty(configuration["Security:ContactEncryptionKeyFile"]))
        {
            yield break;
        }

        yield return new("Security:ContactEncryptionKeyFile", DefaultKeyFile(dataDirectory));
        yield return new("Security:GenerateContactEncryptionKey", "true");
    }

    public static SecretBox Box(IConfiguration configuration)
    {
        var embedded = string.IsNullOrEmpty(configuration["Database:ConnectionString"]);
        var file = configuration["Security:ContactEncryptionKeyFile"];
        if (embedded && string.IsNullOrEmpty(file) && string.IsNullOrEmpty(configuration["Security:ContactEncryptionKey"]))
        {
            var options = configuration.GetSection(EmbeddedOptions.SectionName).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
            return SecretBox.FromConfiguration(null, DefaultKeyFile(Path.GetFullPath(options.DataDirectory)), generateIfMissing: true);
        }

        return SecretBox.FromConfiguration(configuration["Security:ContactEncryptionKey"], file, generateIfMissing: false);
    }
}
