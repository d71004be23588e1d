using System.Security.Cryptography;

namespace RiskWatch.Core.Contract;

/// <summary>
/// The short code an informant keeps to follow up a report. It is derived from the report id rather than
/// stored at intake, so that a resubmission (same <c>reportId</c>) gets the same code back and Ingest stays
/// stateless; the report id is a random UUID only the sender knows, so the code reveals nothing new.
/// Crockford base32 without I, L, O, U: easy to read aloud and to type on a phone.
/// </summary>
public static class TrackingCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string For(Guid reportId)
    {
        Span<byte> id = stackalloc byte[16];
        reportId.TryWriteBytes(id, bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);

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
