using System.Security.Cryptography;

namespace RiskWatch.Core.Contract;

/// <summary>
/// The short code an informant keeps to follow up a report: RW-XXXXX-XXXXX, 50 bits in Crockford base32 without I, L, O, U
/// (easy to read aloud and to type on a phone). It is the only credential of the follow-up page, so nobody but the sender
/// may be able to work it out.
/// </summary>
/// <remarks>
/// Version 2 (issue 14, finding 2) is an HMAC-SHA256 of the report id under a server secret
/// (<c>Security:TrackingCodeSecret</c>): report ids are shown in alerts, the console, webhooks and the alerts topic, and
/// version 1 was SHA-256 of the id alone, which anyone holding an id could compute. A code is derived, not drawn at random,
/// so that a resubmission (same <c>reportId</c>) gets the same code back without a lookup; and every code given out is
/// stored with its report (the intake ledger, with its version), so rotating the secret changes only the codes of new
/// reports, and a resubmitted old report is answered with the code it got first.
/// </remarks>
public sealed class TrackingCode
{
    /// <summary>Unkeyed, from the report id alone: codes given out before issue 14; still accepted while they are stored.</summary>
    public const int UnkeyedVersion = 1;

    /// <summary>HMAC-SHA256 of the report id under the server secret.</summary>
    public const int KeyedVersion = 2;

    /// <summary>The least a secret must have: 32 bytes, as <c>openssl rand -base64 32</c> makes them.</summary>
    public const int MinSecretBytes = 32;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static readonly byte[] Purpose = "riskwatch/tracking-code/v2"u8.ToArray();

    private readonly byte[] secret;

    public TrackingCode(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinSecretBytes)
        {
            throw new ArgumentException($"A tracking code secret must be at least {MinSecretBytes} random bytes; this one has {secret.Length}.", nameof(secret));
        }

        // The HMAC key is derived for this purpose only, so the same bytes configured elsewhere by mistake give nothing away.
        this.secret = HMACSHA256.HashData(secret, Purpose);
    }

    /// <summary>The code of a report under this secret (version <see cref="KeyedVersion"/>).</summary>
    public string For(Guid reportId)
    {
        Span<byte> id = stackalloc byte[16];
        reportId.TryWriteBytes(id, bigEndian: true, out _);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, id, mac);
        return Format(mac);
    }

    /// <summary>The version-1 code of a report: SHA-256 of its id, which anyone can compute. Only for reading old codes.</summary>
    public static string Unkeyed(Guid reportId)
    {
        Span<byte> id = stackalloc byte[16];
        reportId.TryWriteBytes(id, bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);
        return Format(hash);
    }

    private static string Format(ReadOnlySpan<byte> hash)
    {
        // 50 bits: ten base32 characters, printed as RW-XXXXX-XXXXX.
        ulong bits = 0;
        for (var i = 0; i < 7; i++)
        {
            bits = (bits << 8) | hash[i];
        }

        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[(int)((bits >> (5 * i)) & 31)];
        }

        return $"RW-{chars[..5]}-{chars[5..]}";
    }
}
