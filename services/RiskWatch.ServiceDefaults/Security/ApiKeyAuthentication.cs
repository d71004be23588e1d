using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskWatch.Core.Access;

namespace RiskWatch.ServiceDefaults.Security;

/// <summary>Claim types RiskWatch puts on an authenticated caller, beside <see cref="ClaimTypes.Role"/> and <see cref="ClaimTypes.NameIdentifier"/>.</summary>
public static class RiskWatchClaims
{
    public const string KeyId = "riskwatch:key";
    public const string City = "riskwatch:city";
    public const string District = "riskwatch:district";
    public const string Street = "riskwatch:street";

    public static string? Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role);

    public static string? Principal(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static Jurisdiction Jurisdiction(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin)
            ? Core.Access.Jurisdiction.Everywhere
            : new(user.FindFirstValue(City), user.FindFirstValue(District), user.FindFirstValue(Street));
}

/// <summary>
/// Authenticates <c>Authorization: Bearer rwk_...</c> (or <c>X-Api-Key</c>) against the key store (<see cref="IApiKeyAuthenticator"/>).
/// Checked keys are remembered for <see cref="CacheFor"/> by the SHA-256 of the whole key, so intake at
/// thousands of requests a second does not ask PostgreSQL each time; a revocation takes effect within that time (a few
/// seconds: issue 14, finding 5; one query per key per interval).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiKeyAuthenticator store,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, (ApiKeyInfo? Key, DateTimeOffset Until)> Cache = new(StringComparer.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        var cacheKey = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        var now = clock.GetUtcNow();
        ApiKeyInfo? key;
        if (Cache.TryGetValue(cacheKey, out var cached) && cached.Until > now)
        {
            key = cached.Key;
        }
        else
        {
            key = await store.AuthenticateAsync(presented, Context.RequestAborted);
            if (Cache.Count > 100_000)
            {
                Cache.Clear();
            }

            Cache[cacheKey] = (key, now + CacheFor);
        }

        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(Identity(key)), SchemeName));
    }

    public static ClaimsIdentity Identity(ApiKeyInfo key)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Principal),
            new(ClaimTypes.Role, key.Role),
            new(RiskWatchClaims.KeyId, key.KeyId),
        };
        AddIfPresent(claims, RiskWatchClaims.City, key.City);
        AddIfPresent(claims, RiskWatchClaims.District, key.District);
        AddIfPresent(claims, RiskWatchClaims.Street, key.Street);
        return new ClaimsIdentity(claims, SchemeName, ClaimTypes.NameIdentifier, ClaimTypes.Role);
    }

    /// <summary>Forgets every remembered key check; revocation through this process takes effect at once.</summary>
    public static void ForgetCachedKeys() => Cache.Clear();

    private static void AddIfPresent(List<Claim> claims, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims.Add(new Claim(type, value));
        }
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Headers.TryGetValue(HeaderName, out var header) ? header.ToString() : null;
    }
}

public static class ApiKeyAuthenticationExtensions
{
    /// <summary>
    /// API-key authentication against <typeparamref name="TStore"/> (registered here as a singleton), plus one
    /// authorisation policy per role (admins pass every role's policy).
    /// </summary>
    public static IServiceCollection AddApiKeyAuthentication<TStore>(this IServiceCollection services)
        where TStore : class, IApiKeyAuthenticator
    {
        services.AddSingleton<TStore>();
        services.AddSingleton<IApiKeyAuthenticator>(sp => sp.GetRequiredService<TStore>());
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Informant, p => p.RequireRole(Roles.Informant, Roles.Admin))
            .AddPolicy(Roles.Platform, p => p.RequireRole(Roles.Platform, Roles.Admin))
            .AddPolicy(Roles.Responder, p => p.RequireRole(Roles.Responder, Roles.Admin))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }
}
