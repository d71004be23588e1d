using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using RiskWatch.Data.Access;
using RiskWatch.Response.Handling;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Console;

/// <summary>
/// Whether an authenticated caller may still act (issue 14, finding 5): a console session while it is not logged out and its
/// key not revoked, an API key while it is not revoked. Answers are remembered for <see cref="HandlingOptions.SessionCheckInterval"/>
/// (a few seconds), so a revocation or a logout reaches every request, every Response instance and every open live stream
/// within that time, without a query per request.
/// </summary>
public sealed class ConsoleSessions(ConsoleSessionStore sessions, ApiKeyStore keys, IOptions<HandlingOptions> options, TimeProvider clock)
{
    /// <summary>The claim of a console session's id (inside the encrypted cookie).</summary>
    public const string SessionClaim = "riskwatch:session";

    private readonly ConcurrentDictionary<string, (bool Active, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);

    /// <summary>True while the caller's session (cookie) or key (API key) still stands.</summary>
    public Task<bool> StillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (ConsoleApi.ByCookie(user))
        {
            return user.FindFirstValue(SessionClaim) is { } session
                ? CheckAsync("s:" + session, t => sessions.IsActiveAsync(session, t), cancellationToken)
                : Task.FromResult(false);
        }

        return user.FindFirstValue(RiskWatchClaims.KeyId) is { } keyId
            ? CheckAsync("k:" + keyId, t => keys.IsActiveAsync(keyId, t), cancellationToken)
            : Task.FromResult(false);
    }

    /// <summary>Ends the caller's console session for every copy of its cookie, here at once and elsewhere within the interval.</summary>
    public async Task EndAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirstValue(SessionClaim) is { } session)
        {
            await sessions.EndAsync(session, cancellationToken);
            cache["s:" + session] = (false, DateTimeOffset.MaxValue);
        }
    }

    /// <summary>Cookie validation: a session that was logged out, or whose key was revoked, signs its browser out (401).</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var checker = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>();
        if (context.Principal is not { } user || !await checker.StillValidAsync(user, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleApi.CookieScheme);
        }
    }

    private async Task<bool> CheckAsync(string key, Func<CancellationToken, Task<bool>> ask, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(key, out var known) && known.Until > now)
        {
            return known.Active;
        }

        var active = await ask(cancellationToken);
        if (cache.Count > 100_000)
        {
            cache.Clear();
        }

        cache[key] = (active, active ? now + options.Value.SessionCheckInterval : DateTimeOffset.MaxValue);
        return active;
    }
}
