using System.ComponentModel.DataAnnotations;

namespace RiskWatch.Response.Handling;

/// <summary>The "Handling" section: timers, the outbox relay, webhooks, CAP and the console.</summary>
public sealed class HandlingOptions
{
    public const string SectionName = "Handling";

    /// <summary>How often the deadline timer looks for due alerts (deadlines themselves come from the policy).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the outbox relay looks for changes to publish and webhooks to deliver.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a live stream (SSE) looks for new timeline events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The first retry of a failed webhook delivery waits this long; each further one twice as long (at most an hour).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan WebhookRetryBase { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 50)]
    public int WebhookMaxAttempts { get; set; } = 12;

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Webhook subscribers; each delivery is signed with its secret (HMAC-SHA256).</summary>
    public List<WebhookSubscriberOptions> Webhooks { get; set; } = [];

    /// <summary>The CAP &lt;sender&gt; of exported alerts.</summary>
    [Required]
    public string CapSender { get; set; } = "riskwatch@union.example";

    /// <summary>A console session lasts this long after the last request.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan ConsoleSession { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How long a check that a console session (not logged out, key not revoked) or an API key still stands is remembered:
    /// a logout or a revocation ends requests and open live streams everywhere within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class WebhookSubscriberOptions
{
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,63}$")]
    public string Name { get; set; } = "";

    [Required]
    [Url]
    public string Url { get; set; } = "";

    [Required]
    [MinLength(16)]
    public string Secret { get; set; } = "";
}
