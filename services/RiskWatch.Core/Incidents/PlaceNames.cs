using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Incidents;

/// <summary>
/// Resolves the names people give places to one key per place, before incident keys, routing and jurisdiction scopes
/// use them: spelling first (width, case, spacing, punctuation, the 市/区/街道 suffixes, see <see cref="PlaceKey"/>), then
/// known aliases: the English names of the jurisdictions of the shipped policy (built in), and the <c>aliases</c> a policy
/// lists for its jurisdictions. "Guangzhou", "广州" and "广州市" are one place once an alias says so; a name nobody listed is
/// kept as spelled, so an unknown place still works, only without its other names.
/// </summary>
/// <remarks>
/// Aliases are per level and not per parent: a district alias names the same district key in every city. Names that are
/// the same in two cities (鼓楼区 in Nanjing and Fuzhou) share a key anyway, and the city is always part of the key too.
/// </remarks>
public sealed class PlaceNames
{
    /// <summary>
    /// English (pinyin) names of the jurisdictions listed in policy/riskwatch.policy.yaml, so that a phone set to English, a
    /// platform's system or a responder's key may name them either way. Any policy may add more in its <c>aliases</c>.
    /// </summary>
    private static readonly (PlaceLevel Level, string Name, string Alias)[] BuiltInAliases =
    [
        (PlaceLevel.City, "深圳市", "Shenzhen"),
        (PlaceLevel.District, "龙岗区", "Longgang"),
        (PlaceLevel.District, "南山区", "Nanshan"),
        (PlaceLevel.District, "福田区", "Futian"),
        (PlaceLevel.Street, "坂田街道", "Bantian"),
        (PlaceLevel.Street, "布吉街道", "Buji"),
        (PlaceLevel.Street, "粤海街道", "Yuehai"),
    ];

    private static readonly ConditionalWeakTable<IReadOnlyList<CityUnit>, PlaceNames> ByJurisdictions = new();

    private readonly FrozenDictionary<string, string>[] keys;
    private readonly FrozenDictionary<string, string[]>[] aliases;

    private PlaceNames(IEnumerable<(PlaceLevel Level, string Name, string Alias)> entries)
    {
        var byLevel = Enum.GetValues<PlaceLevel>().Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        var shown = Enum.GetValues<PlaceLevel>().Select(_ => new Dictionary<string, List<string>>(StringComparer.Ordinal)).ToArray();
        foreach (var (level, name, alias) in entries)
        {
            var canonical = Resolve(byLevel[(int)level], PlaceKey.Strip(level, name));
            var key = PlaceKey.Strip(level, alias);
            if (key.Length == 0 || key == canonical)
            {
                continue;
            }

            // Later entries (the policy's) win over earlier ones (built in); the validator refuses conflicts within a policy.
            byLevel[(int)level][key] = canonical;
            if (!shown[(int)level].TryGetValue(canonical, out var list))
            {
                shown[(int)level][canonical] = list = [];
            }

            if (!list.Contains(alias, StringComparer.Ordinal))
            {
                list.Add(alias);
            }
        }

        keys = byLevel.Select(d => d.ToFrozenDictionary(StringComparer.Ordinal)).ToArray();
        aliases = shown.Select(d => d.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal)).ToArray();
    }

    /// <summary>The built-in aliases only: what <see cref="PlaceKey"/> and a policy without aliases use.</summary>
    public static PlaceNames BuiltIn { get; } = new(BuiltInAliases);

    /// <summary>The built-in aliases and those listed by <paramref name="jurisdictions"/> (a policy's), made once per list.</summary>
    public static PlaceNames For(IReadOnlyList<CityUnit> jurisdictions)
    {
        ArgumentNullException.ThrowIfNull(jurisdictions);
        return jurisdictions.Count == 0 ? BuiltIn : ByJurisdictions.GetValue(jurisdictions, j => new PlaceNames(BuiltInAliases.Concat(Entries(j))));
    }

    public string City(string? name) => Key(PlaceLevel.City, name);

    public string District(string? name) => Key(PlaceLevel.District, name);

    public string Street(string? name) => Key(PlaceLevel.Street, name);

    public string? CityOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : City(name);

    public string? DistrictOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : District(name);

    public string? StreetOrNull(string? name) => string.IsNullOrWhiteSpace(name) ? null : Street(name);

    public string Key(PlaceLevel level, string? name) => Resolve(keys[(int)level], PlaceKey.Strip(level, name));

    /// <summary>The other names known for a place (built in and from the policy), as written, for pickers and documentation.</summary>
    public IReadOnlyList<string> AliasesOf(PlaceLevel level, string name) =>
        aliases[(int)level].TryGetValue(Key(level, name), out var list) ? list : [];

    /// <summary>Every (level, name, alias) a list of jurisdictions gives; the validator checks them, this class resolves them.</summary>
    internal static IEnumerable<(PlaceLevel Level, string Name, string Alias)> Entries(IReadOnlyList<CityUnit> jurisdictions)
    {
        foreach (var city in jurisdictions)
        {
            foreach (var alias in city.Aliases)
            {
                yield return (PlaceLevel.City, city.Name, alias);
            }

            foreach (var district in city.Districts)
            {
                foreach (var alias in district.Aliases)
                {
                    yield return (PlaceLevel.District, district.Name, alias);
                }

                foreach (var street in district.Streets)
                {
                    foreach (var alias in street.Aliases)
                    {
                        yield return (PlaceLevel.Street, street.Name, alias);
                    }
                }
            }
        }
    }

    private static string Resolve(IReadOnlyDictionary<string, string> table, string stripped) =>
        table.TryGetValue(stripped, out var canonical) ? canonical : stripped;
}
