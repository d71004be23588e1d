using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Policy;

namespace RiskWatch.Ingest.Apis;

/// <summary>The places the form offers: every city, district and street the handling policy names (each has a team).</summary>
public sealed record FormPlaces(string PolicyVersion, IReadOnlyList<FormCity> Cities);

public sealed record FormCity(string Name, IReadOnlyList<FormDistrict> Districts);

public sealed record FormDistrict(string Name, IReadOnlyList<string> Streets);

/// <summary>
/// GET /api/v1/form/places: the form's place picker, from the policy's jurisdictions. The informant may still type a place
/// the policy does not list (the picker is a suggestion list over a text field). Public: the policy's places and team
/// structure are no secret, and a phone must be able to fetch them before it has a key.
/// </summary>
public static class PlacesApi
{
    public static IEndpointRouteBuilder MapPlacesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/form/places", GetPlaces)
            .WithName("FormPlaces")
            .WithSummary("The cities, districts and streets of the handling policy's jurisdictions, for the form's place picker.")
            .WithTags("Form");
        return app;
    }

    public static Ok<FormPlaces> GetPlaces(HandlingPolicy policy, HttpContext context)
    {
        // Places change with the policy file, that is with a restart: a phone may keep them for an hour.
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(new FormPlaces(policy.Version, policy.Jurisdictions
            .Select(c => new FormCity(c.Name, c.Districts.Select(d => new FormDistrict(d.Name, d.Streets.Select(s => s.Name).ToList())).ToList()))
            .ToList()));
    }
}
