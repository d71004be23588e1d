using System.Globalization;

namespace RiskWatch.Core.Policy;

/// <summary>Durations as operators write them in the policy file: <c>15m</c>, <c>2h</c>, <c>7d</c>, <c>90s</c>, <c>1h30m</c>.</summary>
public static class PolicyDuration
{
    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var rest = text.Trim();
        var any = false;
        // In seconds, so that a text of many large parts ("999999d999999d...") is refused instead of overflowing TimeSpan.
        long total = 0;
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == rest.Length || digits > 6)
            {
                return false;
            }

            var amount = int.Parse(rest.AsSpan(0, digits), CultureInfo.InvariantCulture);
            long unit;
            switch (rest[digits])
            {
                case 'd': unit = 86_400; break;
                case 'h': unit = 3_600; break;
                case 'm': unit = 60; break;
                case 's': unit = 1; break;
                default: return false;
            }

            total += unit * amount;
            if (total > MaxSeconds)
            {
                return false;
            }

            rest = rest[(digits + 1)..];
            any = true;
        }

        duration = TimeSpan.FromSeconds(total);
        return any;
    }

    /// <summary>The shortest way to write a duration back: <c>15m</c>, <c>2h</c>, <c>7d</c>, <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days}d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        return string.Concat(parts);
    }
}
