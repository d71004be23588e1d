using Microsoft.Extensions.Configuration;

namespace RiskWatch.Host;

/// <summary>
/// The secrets of one machine: the key that encrypts informant contacts and platform signing secrets, and the secret of
/// tracking codes, each the configured one (Security:ContactEncryptionKey[File], Security:TrackingCodeSecret[File]) or else
/// generated once into the data folder (secrets/, mode 600). The embedded PostgreSQL keeps its own password there too
/// (secrets/postgres.password, see LocalPostgresCluster). Deployments always configure theirs.
/// </summary>
public static class EmbeddedSecrets
{
    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "secrets", "contact-encryption.key");

    /// <summary>The secret tracking codes are derived with, on one machine (issue 14, finding 2).</summary>
    public static string DefaultTrackingCodeSecretFile(string dataDirectory) => Path.Combine(dataDirectory, "secrets", "tracking-code.secret");

    /// <summary>Settings the embedded system hands its services for the secrets that are not configured.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(IConfiguration configuration, string dataDirectory)
    {
        if (string.IsNullOrEmpty(configuration["Security:ContactEncryptionKey"]) && string.IsNullOrEmpty(configuration["Security:ContactEncryptionKeyFile"]))
        {
            yield return new("Security:ContactEncryptionKeyFile", DefaultKeyFile(dataDirectory));
            yield return new("Security:GenerateContactEncryptionKey", "true");
        }

        if (string.IsNullOrEmpty(configuration["Security:TrackingCodeSecret"]) && string.IsNullOrEmpty(configuration["Security:TrackingCodeSecretFile"]))
        {
            yield return new("Security:TrackingCodeSecretFile", DefaultTrackingCodeSecretFile(dataDirectory));
            yield return new("Security:GenerateTrackingCodeSecret", "true");
        }
    }
}
