using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.ServiceDefaults.Security;

namespace RiskWatch.Response.Console;

public sealed record LoginRequest(string? ApiKey);

public sealed record SessionView(string Principal, string Role, Jurisdiction Jurisdiction, string CsrfToken);

/// <summary>
/// The responders' console: static files embedded in this assembly (no inline script, strict CSP), and a session
/// that exchanges a responder's API key for an HttpOnly, SameSite=Strict cookie. The key itself never stays in the
/// browser. State-changing requests with the cookie must carry the session's CSRF token in <see cref="CsrfHeader"/>.
/// </summary>
public static class ConsoleApi
{
    public const string CookieScheme = "RiskWatchConsole";
    public const string CookieName = "riskwatch_console";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfClaim = "riskwatch:csrf";

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
        // The console's modules (issue 15): triage list, alert page, review queue, figures, notifications.
        ["core.js"] = "text/javascript; charset=utf-8",
        ["i18n.js"] = "text/javascript; charset=utf-8",
        ["format.js"] = "text/javascript; charset=utf-8",
        ["list.js"] = "text/javascript; charset=utf-8",
        ["alert.js"] = "text/javascript; charset=utf-8",
        ["review.js"] = "text/javascript; charset=utf-8",
        ["stats.js"] = "text/javascript; charset=utf-8",
        ["notify.js"] = "text/javascript; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    };

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        // Routing matches "/console" and "/console/" alike; the page's assets use absolute paths.
        app.MapGet("/console", (HttpContext c) => File(c, "index.html")).ExcludeFromDescription();
        app.MapGet("/console/{file}", (string file, HttpContext c) => File(c, file)).ExcludeFromDescription();

        var session = app.MapGroup("/console/session");
        session.MapPost("/", LoginAsync);
        session.MapGet("/", Current).RequireAuthorization(Apis.AlertsApi.HandlingPolicy);
        session.MapDelete("/", LogoutAsync).RequireAuthorization(Apis.AlertsApi.HandlingPolicy).AddEndpointFilter<CsrfFilter>();
        return app;
    }

    private static IResult File(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var contentType))
        {
            return TypedResults.NotFound();
        }

        var stream = typeof(ConsoleApi).Assembly.GetManifestResourceStream($"Console.{name}");
        if (stream is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(stream, contentType);
    }

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> LoginAsync(
        LoginRequest body, HttpContext context, ApiKeyStore keys, ConsoleSessionStore sessions, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(body.ApiKey) ? null : await keys.AuthenticateAsync(body.ApiKey.Trim(), cancellationToken);
        if (key is null)
        {
            return TypedResults.Problem("The API key is unknown or revoked.", statusCode: StatusCodes.Status401Unauthorized,
                type: "https://riskwatch.example/problems/unauthorized");
        }

        if (key.Role is not (Roles.Responder or Roles.Admin))
        {
            return TypedResults.Problem("The console is for responders and admins.", statusCode: StatusCodes.Status403Forbidden,
                type: "https://riskwatch.example/problems/forbidden");
        }

        var csrf = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // A session of its own, a row that logout or the key's revocation ends (issue 14, finding 5), not just a cookie.
        var session = await sessions.StartAsync(key.KeyId, cancellationToken);
        var claims = ApiKeyAuthenticationHandler.Identity(key).Claims.Append(new Claim(CsrfClaim, csrf)).Append(new Claim(ConsoleSessions.SessionClaim, session));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme, ClaimTypes.NameIdentifier, ClaimTypes.Role));
        await context.SignInAsync(CookieScheme, principal);
        return TypedResults.Ok(new SessionView(key.Principal, key.Role, principal.Jurisdiction(), csrf));
    }

    private static Results<Ok<SessionView>, UnauthorizedHttpResult> Current(ClaimsPrincipal user) =>
        user.FindFirstValue(CsrfClaim) is { } csrf
            ? TypedResults.Ok(new SessionView(user.Principal() ?? "", user.Role() ?? "", user.Jurisdiction(), csrf))
            : TypedResults.Unauthorized();

    private static async Task<NoContent> LogoutAsync(HttpContext context, ClaimsPrincipal user, ConsoleSessions sessions, CancellationToken cancellationToken)
    {
        // Ends the session itself, so a copy of the cookie stops working too, not only the browser's.
        await sessions.EndAsync(user, cancellationToken);
        await context.SignOutAsync(CookieScheme);
        return TypedResults.NoContent();
    }

    /// <summary>True when the request was authenticated by the console cookie (not by an API key header).</summary>
    public static bool ByCookie(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == CookieScheme)
        && !user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName);

    public static bool CsrfMatches(ClaimsPrincipal user, string? presented)
    {
        var expected = user.FindFirstValue(CsrfClaim);
        return expected is not null && presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }
}

/// <summary>
/// Synchronizer-token CSRF check for cookie sessions: the token lives in the (encrypted) session cookie and must come
/// back in <see cref="ConsoleApi.CsrfHeader"/>, which another site cannot set. API-key callers are not affected.
/// </summary>
public sealed class CsrfFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (ConsoleApi.ByCookie(http.User) && !ConsoleApi.CsrfMatches(http.User, http.Request.Headers[ConsoleApi.CsrfHeader]))
        {
            return TypedResults.Problem("The request lacks the console session's CSRF token.", statusCode: StatusCodes.Status403Forbidden,
                type: "https://riskwatch.example/problems/csrf");
        }

        return await next(context);
    }
}
