using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;

namespace RiskWatch.Integration.Tests.Handling;

/// <summary>
/// Issue 14, finding 5: revoking a key did not end its console session or its live stream, and logging out did not
/// invalidate the cookie: a copy of it went on working for 8 hours.
/// </summary>
[Collection(HandlingCollection.Name)]
public sealed class ConsoleSessionTests(HandlingFixture riskWatch)
{
    private sealed record Session(string Cookie, string Csrf);

    private HttpClient Client() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(riskWatch.System.ResponseUrl), Timeout = TimeSpan.FromSeconds(60) };

    private async Task<(string Key, string KeyId)> ResponderKeyAsync(string principal)
    {
        await using var dataSource = riskWatch.DataSource();
        var (key, info) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Responder, principal, new Jurisdiction("深圳市", null, null), null, CancellationToken.None);
        return (key, info.KeyId);
    }

    private async Task<Session> LogInAsync(HttpClient client, string key)
    {
        using var login = await client.PostAsJsonAsync("/console/session/", new { apiKey = key });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("riskwatch_console=", StringComparison.Ordinal)).Split(';')[0];
        var csrf = (await login.Content.ReadFromJsonAsync<JsonObject>())!["csrfToken"]!.GetValue<string>();
        return new Session(cookie, csrf);
    }

    private static HttpRequestMessage With(Session session, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", session.Cookie);
        return request;
    }

    private async Task<HttpStatusCode> SessionStatusAsync(HttpClient client, Session session)
    {
        using var request = With(session, HttpMethod.Get, "/console/session/");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Finding_05_revoking_a_key_ends_its_console_session_and_closes_its_open_live_stream()
    {
        using var client = Client();
        var (key, keyId) = await ResponderKeyAsync("resp-revoked");
        var session = await LogInAsync(client, key);
        using var streamRequest = With(session, HttpMethod.Get, "/api/v1/alerts/stream");
        using var stream = await client.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await using var body = await stream.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        Assert.True(await body.ReadAsync(buffer) > 0, "the stream said nothing");

        await using (var dataSource = riskWatch.DataSource())
        {
            Assert.True(await new ApiKeyStore(dataSource).RevokeAsync(keyId, CancellationToken.None));
        }

        // The server ends the open stream: reading reaches its end (a hung stream fails the test at the timeout).
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        while (await body.ReadAsync(buffer, patience.Token) > 0)
        {
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client, session));
        using var reconnect = With(session, HttpMethod.Get, "/api/v1/alerts/stream");
        using var refused = await client.SendAsync(reconnect, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Finding_05_logging_out_ends_the_session_for_every_copy_of_its_cookie()
    {
        using var client = Client();
        var (key, _) = await ResponderKeyAsync("resp-logout");
        var session = await LogInAsync(client, key);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(client, session));
        var copied = session with { };

        using (var logout = With(session, HttpMethod.Delete, "/console/session/"))
        {
            logout.Headers.Add("X-CSRF-Token", session.Csrf);
            using var answer = await client.SendAsync(logout);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }

        using var other = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(other, copied));
        using var list = With(copied, HttpMethod.Get, "/api/v1/alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(list)).StatusCode);

        // The key itself still works: logging out ends one session, not the responder's access.
        var again = await LogInAsync(client, key);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(client, again));
    }
}
