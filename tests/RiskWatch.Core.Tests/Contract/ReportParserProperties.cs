using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RiskWatch.Core.Contract;

namespace RiskWatch.Core.Tests.Contract;

/// <summary>
/// Properties of the report contract's validation over generated reports, rather than the handful of examples in
/// <see cref="ReportParserTests"/>: a valid report of any shape round-trips; breaking any one field (or several) is
/// reported under exactly those fields; arbitrary bytes never throw and always give a report or errors; the answer does
/// not depend on property order or on asking twice. A failure prints the generated input.
/// </summary>
public sealed class ReportParserProperties
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Each one text element as a person counts them: CJK, emoji (surrogate pairs, a modifier), JSON's escapes, odd spaces.</summary>
    private static readonly string[] Atoms =
        ["a", "Z", "7", "中", "薪", "骑", "😀", "👷🏽", "é", "\"", "\\", "/", "<", "&", "\t", " ", "\u2028", "\u202E", "\u00A0", "\u0001", "\u007F"];

    /// <summary>Text of <paramref name="min"/> to <paramref name="max"/> text elements that is never blank.</summary>
    private static Gen<string> Text(int min, int max) =>
        Gen.Frequency(
                (8, Gen.Choose(min, Math.Min(max, min + 30))),
                (1, Gen.Choose(min, max)),
                (1, Gen.Constant(max)))
            .SelectMany(n => Gen.ArrayOf(Gen.Elements(Atoms), n - 1))
            .Select(atoms => "x" + string.Concat(atoms))
            .Where(text => Encoding.UTF8.GetByteCount(text) <= max * ContractValues.MaxBytesPerCharacter);

    private static Gen<T?> Optional<T>(Gen<T> value)
        where T : class =>
        Gen.OneOf(Gen.Constant<T?>(null), value.Select(v => (T?)v));

    private static Gen<T?> OptionalValue<T>(Gen<T> value)
        where T : struct =>
        Gen.OneOf(Gen.Constant<T?>(null), value.Select(v => (T?)v));

    /// <summary>A moment from 400 days before <see cref="Now"/> to <paramref name="futureSeconds"/> after it, at any whole-minute offset.</summary>
    private static Gen<DateTimeOffset> Moment(int futureSeconds) =>
        from seconds in Gen.Choose(-400 * 86_400, futureSeconds)
        from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
        select new DateTimeOffset(Now.UtcDateTime.AddSeconds(seconds), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    private static readonly Gen<Guid> Ids =
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16).Select(bytes => new Guid(bytes)).Where(id => id != Guid.Empty);

    private static Gen<string> OneOf(IReadOnlySet<string> values) => Gen.Elements(values.Order(StringComparer.Ordinal).ToArray());

    /// <summary>Every field of contract v1 with every allowed kind of value, optional fields present or not.</summary>
    public static readonly Gen<ReportV1> ValidReports =
        from id in Ids
        from source in OneOf(ContractValues.Sources)
        from reporter in Text(1, 128)
        from occurredAt in Moment(futureSeconds: 86_399)
        from city in Text(1, 64)
        from district in Optional(Text(1, 64))
        from street in Optional(Text(1, 64))
        from kind in OneOf(ContractValues.SubjectKinds)
        from name in Text(1, 200)
        from platform in Optional(Text(1, 100))
        from sector in Optional(OneOf(ContractValues.Sectors))
        from category in Optional(OneOf(ContractValues.Categories))
        from workers in OptionalValue(Gen.Choose(0, ContractValues.MaxWorkersAffected))
        from cents in OptionalValue(Gen.Choose(0, int.MaxValue))
        from action in Optional(
            from status in OneOf(ContractValues.ActionStatuses)
            from expectedAt in OptionalValue(Moment(futureSeconds: 365 * 86_400))
            select new CollectiveAction { Status = status, ExpectedAt = expectedAt })
        from text in Text(1, ContractValues.MaxTextLength)
        from language in Optional(OneOf(ContractValues.Languages))
        select new ReportV1
        {
            ReportId = id,
            Source = source,
            Reporter = reporter,
            OccurredAt = occurredAt,
            Location = new ReportLocation { City = city, District = district, Street = street },
            Subject = new ReportSubject { Kind = kind, Name = name, Platform = platform },
            Sector = sector,
            Category = category,
            WorkersAffected = workers,
            AmountOwedCny = cents / 100m,
            CollectiveAction = action,
            Text = text,
            Language = language,
        };

    /// <summary>A value that breaks one field on its own: raw JSON (or raw bytes, for invalid UTF-8), or null to remove the field.</summary>
    public sealed record Corruption(string Field, byte[]? Raw)
    {
        public override string ToString() => $"{Field} := {(Raw is null ? "(removed)" : Encoding.UTF8.GetString(Raw))}";
    }

    private static byte[] Raw(string json) => Encoding.UTF8.GetBytes(json);

    private static string Long(int textElements) => "\"" + string.Concat(Enumerable.Range(0, textElements).Select(i => i % 2 == 0 ? "a" : "中")) + "\"";

    private static readonly byte[] InvalidUtf8 = [(byte)'"', (byte)'x', 0xFF, 0xFE, 0xC3, 0x28, (byte)'"'];

    private static readonly Dictionary<string, byte[]?[]> Corruptions = new(StringComparer.Ordinal)
    {
        ["reportId"] = [null, Raw("null"), Raw("\"\""), Raw("\"not-a-uuid\""), Raw("42"), Raw("\"00000000-0000-0000-0000-000000000000\""), Raw("{}")],
        ["source"] = [null, Raw("\"robot\""), Raw("\"Informant\""), Raw("1"), Raw("null")],
        ["reporter"] = [null, Raw("\"\""), Raw("\"   \""), Raw(Long(129)), Raw("5"), Raw("\"a\\u0000b\""), Raw("\"\\ud800\""), InvalidUtf8, Raw("[]")],
        ["occurredAt"] = [null, Raw("\"2026-11-20T08:30:00\""), Raw("\"2026-11-20\""), Raw("\"yesterday\""), Raw("1700000000"),
            Raw("\"2026-13-45T99:99:99+08:00\""), Raw($"\"{Now.AddDays(2).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)}\""),
            Raw("\"0001-01-01T00:00:00+00:00\"")],
        ["location"] = [null, Raw("\"深圳\""), Raw("[]"), Raw("null")],
        ["location.city"] = [null, Raw("\"\""), Raw(Long(65)), Raw("7"), Raw("\"\\ud800\"")],
        ["location.district"] = [Raw(Long(65)), Raw("3"), Raw("\"a\\u0000\""), Raw("{}")],
        ["location.street"] = [Raw(Long(65)), Raw("false"), InvalidUtf8],
        ["subject"] = [null, Raw("\"x\""), Raw("[1]")],
        ["subject.kind"] = [null, Raw("\"person\""), Raw("0")],
        ["subject.name"] = [null, Raw("\"\""), Raw(Long(201)), Raw("[\"a\"]"), Raw("\"e" + string.Concat(Enumerable.Repeat("\\u0301", 5000)) + "\"")],
        ["subject.platform"] = [Raw(Long(101)), Raw("true"), InvalidUtf8],
        ["sector"] = [Raw("\"fishing\""), Raw("1"), Raw("\"Food_Delivery\"")],
        ["category"] = [Raw("\"gossip\""), Raw("{}")],
        ["workersAffected"] = [Raw("-1"), Raw("1.5"), Raw("\"ten\""), Raw("3000000000"), Raw("10000001"), Raw("true")],
        ["amountOwedCny"] = [Raw("-0.01"), Raw("\"lots\""), Raw("1e400"), Raw("7.9e28"), Raw("10000000000.01"), Raw("[]")],
        ["collectiveAction"] = [Raw("\"planned\""), Raw("[]"), Raw("5")],
        ["collectiveAction.status"] = [null, Raw("\"maybe\""), Raw("2")],
        ["collectiveAction.expectedAt"] = [Raw("\"soon\""), Raw("\"2026-11-22T09:00:00\""), Raw("12"), Raw("\"9999-12-31T00:00:00+08:00\"")],
        ["text"] = [null, Raw("\"\""), Raw("\" \""), Raw(Long(ContractValues.MaxTextLength + 1)), Raw("12"), Raw("\"\\u0000\""), Raw("\"\\udc00x\""), InvalidUtf8],
        ["language"] = [Raw("\"fr\""), Raw("1"), Raw("\"ZH\"")],
    };

    private static readonly Gen<Corruption> AnyCorruption =
        from field in Gen.Elements(Corruptions.Keys.ToArray())
        from raw in Gen.Elements(Corruptions[field])
        select new Corruption(field, raw);

    /// <summary>One to four corruptions of fields that are neither the same nor parent and child.</summary>
    private static readonly Gen<Corruption[]> SeveralCorruptions =
        from n in Gen.Choose(1, 4)
        from list in Gen.ListOf(AnyCorruption, n)
        select list.Aggregate(new List<Corruption>(), (kept, c) =>
        {
            if (!kept.Any(k => Related(k.Field, c.Field)))
            {
                kept.Add(c);
            }

            return kept;
        }).ToArray();

    private static bool Related(string a, string b) =>
        a == b || a.StartsWith(b + ".", StringComparison.Ordinal) || b.StartsWith(a + ".", StringComparison.Ordinal);

    /// <summary>The report's JSON with the corruptions applied and its properties in an order chosen by <paramref name="shuffleSeed"/> (0 keeps it).</summary>
    public static byte[] Corrupt(ReportV1 report, IReadOnlyList<Corruption> corruptions, int shuffleSeed = 0)
    {
        // A collective-action field can only be broken inside a collective action.
        if (corruptions.Any(c => c.Field.StartsWith("collectiveAction.", StringComparison.Ordinal)) && report.CollectiveAction is null)
        {
            report = report with { CollectiveAction = new CollectiveAction { Status = "planned" } };
        }

        var json = JsonNode.Parse(ReportJson.Serialize(report))!.AsObject();
        for (var i = 0; i < corruptions.Count; i++)
        {
            var path = corruptions[i].Field.Split('.');
            var parent = path.Length == 1 ? json : json[path[0]]!.AsObject();
            parent.Remove(path[^1]);
            if (corruptions[i].Raw is not null)
            {
                parent[path[^1]] = Placeholder(i);
            }
        }

        if (shuffleSeed != 0)
        {
            json = Shuffled(json, new Random(shuffleSeed));
        }

        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        for (var i = 0; i < corruptions.Count; i++)
        {
            if (corruptions[i].Raw is { } raw)
            {
                bytes = Replace(bytes, Encoding.UTF8.GetBytes($"\"{Placeholder(i)}\""), raw);
            }
        }

        return bytes;
    }

    private static string Placeholder(int i) => $"__corrupt_{i}_8c1f__";

    private static JsonObject Shuffled(JsonObject json, Random random)
    {
        var result = new JsonObject();
        foreach (var (key, value) in json.OrderBy(_ => random.Next()).ToList())
        {
            json.Remove(key);
            result[key] = value is JsonObject child ? Shuffled(child, random) : value;
        }

        return result;
    }

    private static byte[] Replace(byte[] bytes, byte[] what, byte[] with)
    {
        var at = bytes.AsSpan().IndexOf(what);
        return at < 0 ? bytes : [.. bytes.AsSpan(0, at), .. with, .. bytes.AsSpan(at + what.Length)];
    }

    [Property(MaxTest = 300)]
    public Property Any_valid_report_round_trips_through_its_json_unchanged() =>
        Prop.ForAll(ValidReports.ToArbitrary(), report =>
        {
            var parsed = ReportParser.Parse(ReportJson.Serialize(report), Now);
            // An absent language is detected; everything else comes back as sent, the offset of each time included.
            var expected = report with { Language = report.Language ?? LanguageDetector.Detect(report.Text) };
            return (parsed.Errors.Count == 0 && parsed.Report == expected && parsed.Report.OccurredAt.Offset == report.OccurredAt.Offset)
                .Label($"errors: {string.Join("; ", parsed.Errors)}");
        });

    [Property(MaxTest = 500)]
    public Property Breaking_any_one_field_is_an_error_naming_exactly_that_field() =>
        Prop.ForAll(ValidReports.ToArbitrary(), AnyCorruption.ToArbitrary(), (report, corruption) =>
        {
            var parsed = ReportParser.Parse(Corrupt(report, [corruption]), Now);
            var fields = parsed.Errors.Select(e => e.Field).Distinct().ToList();
            return (parsed.Report is null && fields.SequenceEqual([corruption.Field]) && parsed.Errors.All(e => e.Reason.Length > 0))
                .Label($"errors: {string.Join("; ", parsed.Errors)}");
        });

    [Property(MaxTest = 300)]
    public Property Breaking_several_fields_names_each_of_them_at_once_and_nothing_else() =>
        Prop.ForAll(ValidReports.ToArbitrary(), SeveralCorruptions.ToArbitrary(), (report, corruptions) =>
        {
            var parsed = ReportParser.Parse(Corrupt(report, corruptions), Now);
            var fields = parsed.Errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
            return (parsed.Report is null && fields.SetEquals(corruptions.Select(c => c.Field)))
                .Label($"errors: {string.Join("; ", parsed.Errors)}");
        });

    [Property(MaxTest = 300)]
    public Property The_answer_does_not_depend_on_property_order_or_on_asking_twice() =>
        Prop.ForAll(ValidReports.ToArbitrary(), Gen.OneOf(Gen.Constant(Array.Empty<Corruption>()), SeveralCorruptions).ToArbitrary(),
            Gen.Choose(1, int.MaxValue).ToArbitrary(), (report, corruptions, seed) =>
        {
            var inOrder = ReportParser.Parse(Corrupt(report, corruptions), Now);
            var again = ReportParser.Parse(Corrupt(report, corruptions), Now);
            var shuffled = ReportParser.Parse(Corrupt(report, corruptions, seed), Now);
            return (inOrder.Errors.SequenceEqual(again.Errors) && inOrder.Errors.SequenceEqual(shuffled.Errors)
                    && inOrder.Report == again.Report && inOrder.Report == shuffled.Report)
                .Label($"in order: {string.Join("; ", inOrder.Errors)} / shuffled: {string.Join("; ", shuffled.Errors)}");
        });

    /// <summary>Bytes a sender might really send by mistake or malice: random, or a valid report cut, spliced and bit-flipped.</summary>
    private static readonly Gen<byte[]> HostileBytes = Gen.OneOf(
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)),
        from report in ValidReports
        from count in Gen.Choose(1, 6)
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 4)
            from at in Gen.Choose(0, int.MaxValue)
            from length in Gen.Choose(0, 40)
            from value in Gen.Elements<byte>((byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'"', (byte)':', (byte)',', (byte)'\\', (byte)'u', (byte)'0',
                (byte)'-', (byte)'e', (byte)' ', 0x00, 0x80, 0xC3, 0xE4, 0xED, 0xF0, 0xFF)
            select (Kind: kind, At: at, Length: length, Value: value), count)
        select edits.Aggregate(ReportJson.Serialize(report), (bytes, e) =>
        {
            var at = bytes.Length == 0 ? 0 : e.At % bytes.Length;
            var cut = Math.Min(e.Length, bytes.Length - at);
            return e.Kind switch
            {
                0 => [.. bytes[..at], .. bytes[(at + cut)..]],                        // delete a stretch
                1 => [.. bytes[..at], .. Enumerable.Repeat(e.Value, e.Length), .. bytes[at..]], // insert bytes
                2 => bytes[..at],                                                     // truncate
                3 => [.. bytes[..at], .. bytes[at..(at + cut)], .. bytes[at..]],       // repeat a stretch
                _ => [.. bytes[..at], e.Value, .. bytes[Math.Min(bytes.Length, at + 1)..]], // overwrite one byte
            };
        }));

    [Property(MaxTest = 1000)]
    public Property Arbitrary_bytes_never_throw_and_always_give_a_report_or_reasons() =>
        Prop.ForAll(HostileBytes.ToArbitrary(), bytes =>
        {
            var parsed = ReportParser.Parse(bytes, Now);
            var again = ReportParser.Parse(bytes, Now);
            var oneOrTheOther = parsed.Report is not null ? parsed.Errors.Count == 0 : parsed.Errors.Count > 0;
            return (oneOrTheOther && parsed.Errors.All(e => e.Field.Length > 0 && e.Reason.Length > 0)
                    && parsed.Errors.SequenceEqual(again.Errors) && parsed.Report == again.Report)
                .Label($"errors: {string.Join("; ", parsed.Errors)}");
        });
}
