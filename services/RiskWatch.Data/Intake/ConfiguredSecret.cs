using System.Security.Cryptography;

namespace RiskWatch.Data.Intake;

/// <summary>
/// A secret of random bytes from configuration: base64 in a setting, or in a file another setting names (a mounted
/// Kubernetes Secret); in the embedded mode only, generated once into that file (mode 600) when neither is there.
/// </summary>
public static class ConfiguredSecret
{
    /// <param name="base64">The setting's value (e.g. Security:TrackingCodeSecret).</param>
    /// <param name="file">The file the <c>...File</c> setting names.</param>
    /// <param name="generateIfMissing">Create <paramref name="file"/> with fresh random bytes when it does not exist.</param>
    /// <param name="setting">The setting's name, for messages; the file setting is this name plus <c>File</c>.</param>
    /// <param name="bytes">How many bytes the secret has (<paramref name="exactly"/>) or at least.</param>
    public static byte[] Load(string? base64, string? file, bool generateIfMissing, string setting, int bytes, bool exactly)
    {
        if (!string.IsNullOrWhiteSpace(base64))
        {
            return Decode(base64, setting, setting, bytes, exactly);
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            throw new InvalidOperationException(
                $"No secret for {setting}: set {setting} (base64 of {bytes} random bytes, e.g. `openssl rand -base64 {bytes}`) " +
                $"or {setting}File (a file holding it, e.g. a mounted Secret).");
        }

        if (!File.Exists(file))
        {
            if (!generateIfMissing)
            {
                throw new InvalidOperationException($"{setting}File names {file}, which does not exist.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                if (!OperatingSystem.IsWindows())
                {
                    // Readable by the service's user only, before the secret is written into it.
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                using var writer = new StreamWriter(stream);
                writer.WriteLine(fresh);
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process of the same data folder wrote it first: use theirs.
            }
        }

        return Decode(File.ReadAllText(file).Trim(), $"the file {file}", setting, bytes, exactly);
    }

    private static byte[] Decode(string base64, string where, string setting, int bytes, bool exactly)
    {
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The secret in {where} ({setting}) is not base64.");
        }

        return exactly && secret.Length != bytes || secret.Length < bytes
            ? throw new InvalidOperationException($"The secret in {where} ({setting}) must be {(exactly ? "" : "at least ")}{bytes} bytes; it has {secret.Length}.")
            : secret;
    }
}
