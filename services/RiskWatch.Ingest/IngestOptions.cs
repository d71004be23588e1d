using System.ComponentModel.DataAnnotations;

namespace RiskWatch.Ingest;

/// <summary>The "Ingest" configuration section: limits of the intake endpoints.</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string SectionName = "Ingest";

    /// <summary>Intake requests a minute from one client address without a key (the form on a worker's phone).</summary>
    [Range(1, 10_000_000)]
    public int AnonymousRequestsPerMinute { get; set; } = 60;

    /// <summary>Intake requests a minute per API key (a platform's batch counts as one request here, and its reports below).</summary>
    [Range(1, 10_000_000)]
    public int KeyRequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Reports a minute per API key in platform batches: a batch of 1,000 takes 1,000 (issue 14, finding 8), so one key
    /// cannot send more than this however it cuts its batches. At least <see cref="MaxBatchReports"/>.
    /// </summary>
    [Range(1, 10_000_000)]
    public int KeyReportsPerMinute { get; set; } = 10_000;

    /// <summary>Most reports in one platform batch.</summary>
    [Range(1, 10_000)]
    public int MaxBatchReports { get; set; } = 1000;

    /// <summary>Largest platform batch body: 1,000 reports of 4,000 CJK characters are about 13 MB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Platform batches read and processed at once; each holds up to twice <see cref="MaxBatchBytes"/> meanwhile, so this
    /// bounds their memory (4 x 32 MiB by default), whatever the number of senders. Others wait for a slot, then get 503.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentBatches { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (KeyReportsPerMinute < MaxBatchReports)
        {
            yield return new ValidationResult(
                $"Ingest:KeyReportsPerMinute ({KeyReportsPerMinute}) must be at least Ingest:MaxBatchReports ({MaxBatchReports}), or a full batch could never be taken.",
                [nameof(KeyReportsPerMinute), nameof(MaxBatchReports)]);
        }
    }
}

/// <summary>The "Security" section: the key that encrypts informant contacts and platform signing secrets.</summary>
public sealed class IntakeSecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Base64 of 32 random bytes (<c>openssl rand -base64 32</c>); from the environment or a secret store.</summary>
    public string? ContactEncryptionKey { get; set; }

    /// <summary>A file holding that base64 key, e.g. a mounted Kubernetes Secret.</summary>
    public string? ContactEncryptionKeyFile { get; set; }

    /// <summary>Create the file with a fresh key when it is missing. Only the embedded mode sets this (data folder).</summary>
    public bool GenerateContactEncryptionKey { get; set; }

    /// <summary>
    /// Base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>): the secret tracking codes are derived with (HMAC).
    /// Rotate it by replacing it on every Ingest replica: new reports get codes under the new secret; codes given out before
    /// stay valid, because each is stored with its report.
    /// </summary>
    public string? TrackingCodeSecret { get; set; }

    /// <summary>A file holding that base64 secret, e.g. a mounted Kubernetes Secret.</summary>
    public string? TrackingCodeSecretFile { get; set; }

    /// <summary>Create the file with a fresh secret when it is missing. Only the embedded mode sets this (data folder).</summary>
    public bool GenerateTrackingCodeSecret { get; set; }

    /// <summary>
    /// Whether codes given out before issue 14 (version 1, computable from the report id) still open their reports. On, so
    /// that informants' receipts keep working; turn it off once they have had time to follow up, which closes the last way in
    /// for anybody who learned a report id.
    /// </summary>
    public bool AcceptUnkeyedTrackingCodes { get; set; } = true;
}
