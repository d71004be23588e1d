using Microsoft.Extensions.Configuration;

namespace RiskWatch.Host;

/// <summary>
/// The key that encrypts informant contacts and platform signing secrets, on one machine: the configured one
/// (Security:ContactEncryptionKey or Security:ContactEncryptionKeyFile) or else one generated once into the data folder
/// (secrets/contact-encryption.key, mode 600). Deployments always configure it.
/// </summary>
public static class EmbeddedSecrets
{
    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "secrets", "contact-encryption.key");

    /// <summary>Settings the embedded system hands its services when the key is not configured.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(IConfiguration configuration, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(configuration["Security:ContactEncryptionKey"]) || !string.IsNullOrEmpty(configuration["Security:ContactEncryptionKeyFile"]))
        {
            yield break;
        }

        yield return new("Security:ContactEncryptionKeyFile", DefaultKeyFile(dataDirectory));
        yield return new("Security:GenerateContactEncryptionKey", "true");
    }
}
