using System.Globalization;

namespace RiskWatch.Core.Policy;

/// <summary>Durations as operators write them in the policy file: <c>15m</c>, <c>2h</c>, <c>7d</c>, <c>90s</c>, <c>1h30m</c>.</summary>
public static class PolicyDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var rest = text.Trim();
        var any = false;
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
            TimeSpan unit;
            switch (rest[digits])
            {
                case 'd': unit = TimeSpan.FromDays(1); break;
                case 'h': unit = TimeSpan.FromHours(1); break;
                case 'm': unit = TimeSpan.FromMinutes(1); break;
                case 's': unit = TimeSpan.FromSeconds(1); break;
                default: return false;
            }

            duration += unit * amount;
            rest = rest[(digits + 1)..];
            any = true;
        }

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
