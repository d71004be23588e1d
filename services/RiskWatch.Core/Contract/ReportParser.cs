using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RiskWatch.Core.Contract;

/// <summary>
/// Reads a report in contract v1 from JSON and checks every rule of REPORT-CONTRACT.md,
/// collecting all field errors at once so a sender can fix a report in one round trip.
/// It walks the JSON by hand instead of deserialising first: a wrong type or a wrong enum value
/// then names its field, where a serializer would stop at the first problem with a generic message.
/// </summary>
public static class ReportParser
{
    /// <summary>The nesting the contract needs is 3; anything deeper is refused before it costs memory.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <param name="identity">Who sends the report, when the server knows better than the body (the informant form):
    /// <c>source</c> and <c>reporter</c> are then taken from it and never read from the body.</param>
    public static ParseResult Parse(ReadOnlyMemory<byte> utf8Json, DateTimeOffset now, ReportIdentity? identity = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return ParseResult.Invalid(new FieldError("$", $"the body is not valid JSON: {FirstSentence(e.Message)}"));
        }

        using (document)
        {
            return Parse(document.RootElement, now, identity);
        }
    }

    public static ParseResult Parse(JsonElement root, DateTimeOffset now, ReportIdentity? identity = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ParseResult.Invalid(new FieldError("$", "a report must be a JSON object"));
        }

        var reader = new FieldReader(root);
        reader.RefuseRepeatedNames();
        var reportId = reader.RequiredGuid("reportId");
        var source = identity is null ? reader.RequiredEnum("source", ContractValues.Sources) : identity.Source;
        var reporter = identity is null ? reader.RequiredString("reporter", maxLength: 128) : identity.Reporter;
        var occurredAt = reader.RequiredTimestamp("occurredAt");
        if (occurredAt is { } at && at > now + ContractValues.MaxFutureSkew)
        {
            reader.Fail("occurredAt", "must not be more than 1 day in the future");
        }
        else if (occurredAt is { } past && past < now - ContractValues.MaxPastAge)
        {
            // Deadlines run from receipt, not from occurredAt; but a date centuries back is a mistake, not a late report.
            reader.Fail("occurredAt", "must not be more than 10 years in the past");
        }

        ReportLocation? location = null;
        if (reader.RequiredObject("location") is { } loc)
        {
            var city = loc.RequiredString("city", maxLength: 64);
            var district = loc.OptionalString("district", maxLength: 64);
            var street = loc.OptionalString("street", maxLength: 64);
            location = city is null ? null : new ReportLocation { City = city, District = district, Street = street };
        }

        ReportSubject? subject = null;
        if (reader.RequiredObject("subject") is { } subj)
        {
            var kind = subj.RequiredEnum("kind", ContractValues.SubjectKinds);
            var name = subj.RequiredString("name", maxLength: 200);
            var platform = subj.OptionalString("platform", maxLength: 100);
            subject = kind is null || name is null ? null : new ReportSubject { Kind = kind, Name = name, Platform = platform };
        }

        var sector = reader.OptionalEnum("sector", ContractValues.Sectors);
        var category = reader.OptionalEnum("category", ContractValues.Categories);
        var workers = reader.OptionalNonNegativeInt("workersAffected", ContractValues.MaxWorkersAffected);
        var amount = reader.OptionalNonNegativeDecimal("amountOwedCny", ContractValues.MaxAmountOwedCny);

        CollectiveAction? action = null;
        if (reader.OptionalObject("collectiveAction") is { } act)
        {
            var status = act.RequiredEnum("status", ContractValues.ActionStatuses);
            var expectedAt = act.OptionalTimestamp("expectedAt");
            if (expectedAt is { } expected && (expected > now + ContractValues.MaxExpectedAhead || expected < now - ContractValues.MaxPastAge))
            {
                act.Fail("expectedAt", "must be within a year from now (and not more than 10 years in the past)");
                expectedAt = null;
            }
            action = status is null ? null : new CollectiveAction { Status = status, ExpectedAt = expectedAt };
        }

        var text = reader.RequiredString("text", maxLength: ContractValues.MaxTextLength);
        var language = reader.OptionalEnum("language", ContractValues.Languages);

        if (reader.Errors.Count > 0)
        {
            return new ParseResult(null, reader.Errors);
        }

        return new ParseResult(
            new ReportV1
            {
                ReportId = reportId!.Value,
                Source = source!,
                Reporter = reporter!,
                OccurredAt = occurredAt!.Value,
                Location = location!,
                Subject = subject!,
                Sector = sector,
                Category = category,
                WorkersAffected = workers,
                AmountOwedCny = amount,
                CollectiveAction = action,
                Text = text!,
                Language = language ?? LanguageDetector.Detect(text!),
            },
            []);
    }

    /// <summary>
    /// A JSON string's value; false when it is not text: invalid UTF-8 bytes, or escapes that are not valid UTF-16 (a lone
    /// surrogate such as \ud800). <see cref="JsonElement.GetString"/> throws for both, so every reader of request
    /// strings goes through here.
    /// </summary>
    public static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    /// <summary>Reads the fields of one JSON object, recording an error per bad field under its full path.</summary>
    private sealed class FieldReader(JsonElement element, string prefix = "", List<FieldError>? errors = null)
    {
        public List<FieldError> Errors { get; } = errors ?? [];

        public void Fail(string name, string reason) => Errors.Add(new FieldError(prefix + name, reason));

        private bool TryGet(string name, bool required, out JsonElement value)
        {
            if (element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            if (required)
            {
                Fail(name, "is required");
            }

            return false;
        }

        public string? RequiredString(string name, int maxLength) => String(name, maxLength, required: true);

        public string? OptionalString(string name, int maxLength) => String(name, maxLength, required: false);

        private string? String(string name, int maxLength, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Fail(name, "must be a string");
                return null;
            }

            // PostgreSQL cannot store U+0000 in text or jsonb, and a lone surrogate is not text at all: refused here,
            // Ingest answers 400 and Scoring dead-letters, instead of a batch that can never be saved.
            if (!TryGetText(value, out var text) || text.Contains('\0', StringComparison.Ordinal))
            {
                Fail(name, "must be valid Unicode text without NUL characters");
                return null;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    Fail(name, "must not be empty");
                }

                return null;
            }

            // Length in characters as a person counts them (a CJK character is one, an emoji is one), and in bytes: one
            // "character" may carry any number of combining marks, so a limit in characters alone bounds nothing.
            var maxBytes = maxLength * ContractValues.MaxBytesPerCharacter;
            var bytes = Encoding.UTF8.GetByteCount(text);
            if (bytes > maxBytes)
            {
                Fail(name, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters and {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes of UTF-8 (got {bytes.ToString(CultureInfo.InvariantCulture)} bytes)");
                return null;
            }

            // A text of no more UTF-16 units than the limit has no more characters either: only a longer one is counted.
            if (text.Length > maxLength && new StringInfo(text).LengthInTextElements is var length && length > maxLength)
            {
                Fail(name, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters (got {length.ToString(CultureInfo.InvariantCulture)})");
                return null;
            }

            return text;
        }

        public string? RequiredEnum(string name, IReadOnlySet<string> allowed) => Enum(name, allowed, required: true);

        public string? OptionalEnum(string name, IReadOnlySet<string> allowed) => Enum(name, allowed, required: false);

        private string? Enum(string name, IReadOnlySet<string> allowed, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String && TryGetText(value, out var text) && allowed.Contains(text))
            {
                return text;
            }

            Fail(name, $"must be one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
            return null;
        }

        public Guid? RequiredGuid(string name)
        {
            if (!TryGet(name, required: true, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String && TryGetText(value, out var text) && Guid.TryParse(text, out var id) && id != Guid.Empty)
            {
                return id;
            }

            Fail(name, "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e");
            return null;
        }

        public DateTimeOffset? RequiredTimestamp(string name) => Timestamp(name, required: true);

        public DateTimeOffset? OptionalTimestamp(string name) => Timestamp(name, required: false);

        private DateTimeOffset? Timestamp(string name, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }

            // The contract asks for an explicit offset: a bare local time is ambiguous across time zones.
            if (value.ValueKind == JsonValueKind.String
                && TryGetText(value, out var text)
                && HasOffset(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                return at;
            }

            Fail(name, "must be an ISO 8601 timestamp with an offset, such as 2026-11-20T08:30:00+08:00");
            return null;
        }

        private static bool HasOffset(string text)
        {
            var t = text.IndexOf('T', StringComparison.Ordinal);
            if (t < 0)
            {
                return false;
            }

            var time = text.AsSpan(t);
            return time.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || time.LastIndexOfAny('+', '-') > 0;
        }

        public int? OptionalNonNegativeInt(string name, int max)
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0 && number <= max)
            {
                return number;
            }

            Fail(name, $"must be a whole number from 0 to {max.ToString("N0", CultureInfo.InvariantCulture)}");
            return null;
        }

        public decimal? OptionalNonNegativeDecimal(string name, decimal max)
        {
            if (!TryGet(name, required: false, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number >= 0 && number <= max)
            {
                return number;
            }

            Fail(name, $"must be a number from 0 to {max.ToString("N0", CultureInfo.InvariantCulture)}");
            return null;
        }

        public FieldReader? RequiredObject(string name) => Object(name, required: true);

        public FieldReader? OptionalObject(string name) => Object(name, required: false);

        private FieldReader? Object(string name, bool required)
        {
            if (!TryGet(name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(name, "must be an object");
                return null;
            }

            var nested = new FieldReader(value, $"{prefix}{name}.", Errors);
            nested.RefuseRepeatedNames();
            return nested;
        }

        /// <summary>
        /// A name given twice in one object is an error naming it: which of the values counts differs between JSON parsers,
        /// so a report that means one thing to the sender's signature or validator and another here is refused (issue 14,
        /// finding 6).
        /// </summary>
        public void RefuseRepeatedNames()
        {
            if (NamesAreDistinct())
            {
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                // A name that is not text (invalid UTF-8) is not a field of the contract; the others are read by their names.
                if (TryGetName(property, out var name) && !seen.Add(name) && !Errors.Any(e => e.Field == prefix + name))
                {
                    Fail(name, "is given more than once; give each field once");
                }
            }
        }

        /// <summary>
        /// True when no name of the object can repeat, found without a string or a set apiece (every report's objects are
        /// checked at intake): the names as sent, unescaped, hash to distinct values. False sends the object to the exact
        /// check: a name with an escape (two spellings of one name), more names than the room here, or two equal hashes (a
        /// repeated name, or rarely two names that collide).
        /// </summary>
        private bool NamesAreDistinct()
        {
            const int MostNames = 32;
            Span<int> hashes = stackalloc int[MostNames];
            var count = 0;
            foreach (var property in element.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                if (count == MostNames || raw.Contains((byte)'\\'))
                {
                    return false;
                }

                var hash = new HashCode();
                hash.AddBytes(raw);
                var value = hash.ToHashCode();
                if (hashes[..count].Contains(value))
                {
                    return false;
                }

                hashes[count++] = value;
            }

            return true;
        }

        private static bool TryGetName(JsonProperty property, out string name)
        {
            try
            {
                name = property.Name;
                return true;
            }
            catch (InvalidOperationException)
            {
                name = "";
                return false;
            }
        }
    }
}

/// <summary>Either a valid report or the reasons it is not one.</summary>
public sealed record ParseResult(ReportV1? Report, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Report is not null;

    public static ParseResult Invalid(FieldError error) => new(null, [error]);
}

/// <summary>The sender of a report as the server established it: a contract source and a reporter id.</summary>
public sealed record ReportIdentity(string Source, string Reporter);
