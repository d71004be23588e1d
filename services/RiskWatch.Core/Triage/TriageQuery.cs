using System.Globalization;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Triage;

/// <summary>How the console's list is ordered: by the next running deadline (most urgent first), by grade, or newest first.</summary>
public enum TriageSort
{
    Deadline,
    Grade,
    Newest,
}

/// <summary>
/// What a responder asks of the alert list: which alerts (status, grades, tiers, district, only theirs, only overdue, a
/// search by subject, tracking code or alert number), in which order, and which page. Parsed from the query string with
/// a reason per wrong field; nothing here touches a database.
/// </summary>
public sealed record TriageQuery
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxSearchLength = 200;

    /// <summary>"open" (new, acknowledged or in handling), "all", or one status.</summary>
    public string Status { get; init; } = "open";

    public IReadOnlyList<string> Grades { get; init; } = [];

    public IReadOnlyList<string> Tiers { get; init; } = [];

    /// <summary>A district's key (<see cref="PlaceKey.District"/>), or null for every district.</summary>
    public string? DistrictKey { get; init; }

    public bool Mine { get; init; }

    public bool Overdue { get; init; }

    /// <summary>The words searched for in subjects, or null.</summary>
    public string? Search { get; init; }

    /// <summary>The search read as a tracking code (RW-XXXXX-XXXXX), when it can be one.</summary>
    public string? TrackingCode { get; init; }

    /// <summary>The search read as an alert number (#12 or 12), when it can be one.</summary>
    public long? AlertId { get; init; }

    public TriageSort Sort { get; init; } = TriageSort.Deadline;

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    public int Offset => (Page - 1) * PageSize;

    public static readonly IReadOnlyList<string> Statuses = ["open", "all", .. AlertStatus.All];

    /// <summary>Reads the query string; every wrong field is named with its reason and nothing is read then.</summary>
    public static (TriageQuery? Query, IReadOnlyList<FieldError> Errors) Parse(Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<FieldError>();
        var query = new TriageQuery();

        if (value("status") is { Length: > 0 } status)
        {
            if (Statuses.Contains(status, StringComparer.Ordinal))
            {
                query = query with { Status = status };
            }
            else
            {
                errors.Add(new FieldError("status", $"must be one of {string.Join(", ", Statuses)}"));
            }
        }

        var grades = List(value("grade"));
        var badGrades = grades.Where(g => !Grading.Grades.TryParse(g, out var grade) || grade == Grade.None).ToList();
        if (badGrades.Count > 0)
        {
            errors.Add(new FieldError("grade", $"must be a comma-separated list of red, orange, yellow, blue; not {string.Join(", ", badGrades)}"));
        }

        var tiers = List(value("tier"));
        var badTiers = tiers.Where(t => !Policy.Tiers.TryParse(t, out _)).ToList();
        if (badTiers.Count > 0)
        {
            errors.Add(new FieldError("tier", $"must be a comma-separated list of street, district, city, joint; not {string.Join(", ", badTiers)}"));
        }

        query = query with { Grades = grades, Tiers = tiers };
        if (value("district") is { } district && !string.IsNullOrWhiteSpace(district))
        {
            query = query with { DistrictKey = PlaceKey.District(district) };
        }

        foreach (var (name, set) in new (string, Func<TriageQuery, bool, TriageQuery>)[]
        {
            ("mine", (q, b) => q with { Mine = b }),
            ("overdue", (q, b) => q with { Overdue = b }),
        })
        {
            switch (value(name))
            {
                case null or "" or "false" or "0":
                    break;
                case "true" or "1":
                    query = set(query, true);
                    break;
                default:
                    errors.Add(new FieldError(name, "must be true or false"));
                    break;
            }
        }

        if (value("q") is { } search && !string.IsNullOrWhiteSpace(search))
        {
            search = search.Trim();
            if (search.Length > MaxSearchLength)
            {
                errors.Add(new FieldError("q", $"must be at most {MaxSearchLength} characters"));
            }
            else if (search.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(new FieldError("q", "must not contain NUL characters"));
            }
            else
            {
                query = query with { Search = search, TrackingCode = TrackingCodeIn(search), AlertId = AlertIdIn(search) };
            }
        }

        if (value("sort") is { Length: > 0 } sort)
        {
            if (Enum.TryParse<TriageSort>(sort, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(sort, out _))
            {
                query = query with { Sort = parsed };
            }
            else
            {
                errors.Add(new FieldError("sort", "must be deadline, grade or newest"));
            }
        }

        query = Number(value("page"), "page", 1, 1_000_000, errors) is { } page ? query with { Page = page } : query;
        query = Number(value("pageSize"), "pageSize", 1, MaxPageSize, errors) is { } size ? query with { PageSize = size } : query;
        return errors.Count == 0 ? (query, []) : (null, errors);
    }

    /// <summary>RW-3K7QD-M2X9A in any case, with or without dashes or the RW- prefix.</summary>
    public static string? TrackingCodeIn(string search)
    {
        var letters = new string(search.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        if (search.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-' && c != ' '))
        {
            return null;
        }

        if (letters.StartsWith("RW", StringComparison.Ordinal) && letters.Length == 12)
        {
            letters = letters[2..];
        }

        return letters.Length == 10 && letters.Any(char.IsAsciiLetter) ? $"RW-{letters[..5]}-{letters[5..]}" : null;
    }

    private static long? AlertIdIn(string search)
    {
        var digits = search.TrimStart('#');
        return digits.Length is > 0 and <= 15 && digits.All(char.IsAsciiDigit) ? long.Parse(digits, CultureInfo.InvariantCulture) : null;
    }

    private static List<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static int? Number(string? value, string field, int min, int max, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add(new FieldError(field, $"must be a whole number from {min} to {max}"));
        return null;
    }
}
