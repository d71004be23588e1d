namespace RiskWatch.Ingest.Intake;

/// <summary>How a report came in: the single-report API, the informant form, or a platform's signed batch.</summary>
public enum IntakeChannel
{
    Api,
    Form,
    Platform,
}

public static class IntakeChannels
{
    public static readonly IReadOnlyList<IntakeChannel> All = [IntakeChannel.Api, IntakeChannel.Form, IntakeChannel.Platform];

    /// <summary>The channel's name in the intake ledger, the message header and the metrics' <c>channel</c> label.</summary>
    public static string ToLabel(this IntakeChannel channel) => channel switch
    {
        IntakeChannel.Api => "api",
        IntakeChannel.Form => "form",
        IntakeChannel.Platform => "platform",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };
}
