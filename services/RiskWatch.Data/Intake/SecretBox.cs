using System.Security.Cryptography;
using System.Text;

namespace RiskWatch.Data.Intake;

/// <summary>
/// Encrypts small secrets at rest (informant contacts, platform signing secrets) with AES-256-GCM.
/// One master key from configuration; a subkey per purpose is derived with HKDF, so a contact ciphertext can never be
/// decrypted as a signing secret. Each ciphertext is bound to its row's id (associated data), so ciphertexts cannot be
/// swapped between rows. Layout: version (1) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SecretBox
{
    public const int KeyBytes = 32;
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] masterKey;

    public SecretBox(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != KeyBytes)
        {
            throw new ArgumentException($"The encryption key must be {KeyBytes} bytes (base64 of 32 random bytes); got {masterKey.Length}.", nameof(masterKey));
        }

        this.masterKey = masterKey.ToArray();
    }

    /// <summary>What a ciphertext is for; part of the subkey derivation.</summary>
    public static class Purposes
    {
        public const string Contact = "riskwatch/informant-contact/v1";
        public const string SigningSecret = "riskwatch/platform-signing-secret/v1";
    }

    public byte[] Seal(string purpose, string rowId, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var sealedBytes = new byte[1 + NonceBytes + TagBytes + plaintext.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Subkey(purpose), TagBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(1 + NonceBytes + TagBytes), sealedBytes.AsSpan(1 + NonceBytes, TagBytes), Encoding.UTF8.GetBytes(rowId));
        return sealedBytes;
    }

    /// <exception cref="CryptographicException">The ciphertext was altered, belongs to another row, or the key is another one.</exception>
    public byte[] Open(string purpose, string rowId, byte[] sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        if (sealedBytes.Length < 1 + NonceBytes + TagBytes || sealedBytes[0] != Version)
        {
            throw new CryptographicException("Not a RiskWatch secret of a known version.");
        }

        var plaintext = new byte[sealedBytes.Length - 1 - NonceBytes - TagBytes];
        using var aes = new AesGcm(Subkey(purpose), TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(1, NonceBytes), sealedBytes.AsSpan(1 + NonceBytes + TagBytes), sealedBytes.AsSpan(1 + NonceBytes, TagBytes), plaintext, Encoding.UTF8.GetBytes(rowId));
        return plaintext;
    }

    private byte[] Subkey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, KeyBytes, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>
    /// The master key: <paramref name="base64Key"/> when given, else the base64 contents of <paramref name="keyFile"/>.
    /// When neither is configured and <paramref name="generateIfMissing"/> is true (the embedded mode only, where the
    /// file lies in the project's data folder), a new random key is written to <paramref name="keyFile"/> (mode 600)
    /// and used from then on. Several replicas must share one key, so a distributed deployment never generates one.
    /// </summary>
    public static SecretBox FromConfiguration(string? base64Key, string? keyFile, bool generateIfMissing) =>
        new(ConfiguredSecret.Load(base64Key, keyFile, generateIfMissing, "Security:ContactEncryptionKey", KeyBytes, exactly: true));
}
