using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>
/// RiskWatch embedded (<see cref="InProcessSystem"/>) with a known contact-encryption key (so a test can create platform
/// signing secrets itself) and an anonymous rate limit a test may choose.
/// </summary>
public class IntakeFixture : InProcessSystem
{
    public static readonly byte[] EncryptionKey = SHA256.HashData("riskwatch intake tests"u8);

    public SecretBox Box { get; } = new(EncryptionKey);

    /// <summary>Intake limits; high by default so tests that send thousands of requests are not throttled.</summary>
    protected virtual int AnonymousRequestsPerMinute => 1_000_000;

    protected override Task Configure(Dictionary<string, string?> settings)
    {
        settings["Security:ContactEncryptionKey"] = Convert.ToBase64String(EncryptionKey);
        settings["Ingest:AnonymousRequestsPerMinute"] = AnonymousRequestsPerMinute.ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    /// <summary>A platform key and its signing secret, as <c>riskwatch keys create --role platform</c> makes them.</summary>
    public async Task<(string Key, string Secret)> CreatePlatformAsync(string principal)
    {
        await using var dataSource = DataSource();
        var (key, info) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Platform, principal, Jurisdiction.Everywhere, null, CancellationToken.None);
        var secret = await new PlatformSigning(dataSource, Box).CreateSecretAsync(info.KeyId, CancellationToken.None);
        return (key, secret);
    }

    /// <summary>A platform batch request signed as the README tells platforms to sign it.</summary>
    public static HttpRequestMessage SignedBatch(string key, string secret, string body, DateTimeOffset? at = null, string? signatureOverride = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = signatureOverride ?? Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/platform/reports")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-RiskWatch-Timestamp", timestamp);
        request.Headers.Add("X-RiskWatch-Signature", signature);
        return request;
    }
}
