using Microsoft.Extensions.Configuration;
using RiskWatch.Host;
using RiskWatch.Data.Intake;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// The encryption key of informant contacts and platform signing secrets, for commands: Security:ContactEncryptionKey or
/// Security:ContactEncryptionKeyFile when configured; otherwise, against the embedded database only, the embedded mode's
/// key (<see cref="EmbeddedSecrets"/>).
/// </summary>
public static class CliSecrets
{
    public static SecretBox Box(IConfiguration configuration)
    {
        var embedded = string.IsNullOrEmpty(configuration["Database:ConnectionString"]);
        var file = configuration["Security:ContactEncryptionKeyFile"];
        if (embedded && string.IsNullOrEmpty(file) && string.IsNullOrEmpty(configuration["Security:ContactEncryptionKey"]))
        {
            var options = configuration.GetSection(EmbeddedOptions.SectionName).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
            return SecretBox.FromConfiguration(null, EmbeddedSecrets.DefaultKeyFile(Path.GetFullPath(options.DataDirectory)), generateIfMissing: true);
        }

        return SecretBox.FromConfiguration(configuration["Security:ContactEncryptionKey"], file, generateIfMissing: false);
    }
}
