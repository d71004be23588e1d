using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Policy;

/// <summary>Durations as operators write them in the policy file (<c>15m</c>, <c>1h30m</c>): read back as written, and never a crash.</summary>
public sealed class PolicyDurationProperties
{
    /// <summary>Text made of what durations are made of (digits and units) and a little of what they are not.</summary>
    private static readonly Gen<string> DurationLikeText =
        Gen.ListOf(Gen.OneOf(
                Gen.Choose(0, 999_999).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Gen.Elements("d", "h", "m", "s", "999999d", "0", "-", " ", "1.5", "x", "٣", "")))
            .Select(parts => string.Concat(parts));

    [Property(MaxTest = 2000)]
    public Property Any_text_either_reads_as_a_duration_or_is_refused_and_never_throws() =>
        Prop.ForAll(DurationLikeText.ToArbitrary(), text =>
            PolicyDuration.TryParse(text, out var duration) ? duration >= TimeSpan.Zero : duration == TimeSpan.Zero);

    [Property(MaxTest = 1000)]
    public Property Any_whole_second_duration_reads_back_as_it_is_formatted() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), Gen.Choose(0, 3000).ToArbitrary(), (seconds, days) =>
        {
            var duration = TimeSpan.FromSeconds(seconds) + TimeSpan.FromDays(days);
            var written = PolicyDuration.Format(duration);
            return (PolicyDuration.TryParse(written, out var read) && read == duration).Label($"{duration} written as {written}");
        });

    [Fact]
    public void A_sum_of_parts_too_large_for_a_duration_is_refused_not_an_overflow()
    {
        Assert.False(PolicyDuration.TryParse(string.Concat(Enumerable.Repeat("999999d", 12)), out _));
    }
}
