using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Ingest.Apis;

/// <summary>A street of the policy, with the other names RiskWatch knows for it.</summary>
public sealed record StreetPlace(string Name, IReadOnlyList<string> Aliases);

public sealed record DistrictPlace(string Name, IReadOnlyList<string> Aliases, IReadOnlyList<StreetPlace> Streets);

public sealed record CityPlace(string Name, IReadOnlyList<string> Aliases, IReadOnlyList<DistrictPlace> Districts);

/// <summary>The places of the handling policy, for the form's place picker and for platforms that map their own names.</summary>
public sealed record PlacesView(string PolicyVersion, IReadOnlyList<CityPlace> Cities);

/// <summary>
/// GET /api/v1/places: the cities, districts and streets of the policy's jurisdictions, each with its aliases (built in and
/// from the policy). A report may still name any place; these are the ones RiskWatch knows by several names and has teams
/// for. Public: it holds nothing but place names, and the form needs it before anyone has a key.
/// </summary>
public static class PlacesApi
{
    public static IEndpointRouteBuilder MapPlacesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/places", Get)
            .WithName("ListPlaces")
            .WithSummary("The policy's cities, districts and streets with their aliases (Chinese and English names), for the form's place picker.")
            .WithTags("Form");
        return app;
    }

    public static PlacesView View(HandlingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var places = policy.Places;
        return new PlacesView(policy.Version, policy.Jurisdictions.Select(c => new CityPlace(
            c.Name,
            places.AliasesOf(PlaceLevel.City, c.Name),
            c.Districts.Select(d => new DistrictPlace(
                d.Name,
                places.AliasesOf(PlaceLevel.District, d.Name),
                d.Streets.Select(s => new StreetPlace(s.Name, places.AliasesOf(PlaceLevel.Street, s.Name))).ToList())).ToList())).ToList());
    }

    private static IResult Get(HandlingPolicy policy, HttpContext context)
    {
        // The policy changes only with a restart: a phone may keep the list for an hour.
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(View(policy));
    }
}
