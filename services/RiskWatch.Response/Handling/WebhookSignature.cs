using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RiskWatch.Response.Handling;

/// <summary>
/// Signs webhook deliveries: <c>X-RiskWatch-Signature: sha256=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>
/// with <c>X-RiskWatch-Timestamp</c> (Unix seconds). A receiver recomputes it, compares in constant time and rejects
/// old timestamps; <c>X-RiskWatch-Delivery</c> identifies the delivery for deduplication.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-RiskWatch-Signature";
    public const string TimestampHeader = "X-RiskWatch-Timestamp";
    public const string DeliveryHeader = "X-RiskWatch-Delivery";
    public const string EventHeader = "X-RiskWatch-Event";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    public static bool Verify(string secret, string timestamp, string body, string signature)
    {
        if (!long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, t, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
