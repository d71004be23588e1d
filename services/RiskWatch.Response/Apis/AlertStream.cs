using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskWatch.Data.Alerts;
using RiskWatch.Response.Handling;

namespace RiskWatch.Response.Apis;

/// <summary>
/// GET /api/v1/alerts/stream: Server-Sent Events, one <c>alert</c> event per timeline event of an alert in the caller's
/// scope, with the alert's grade and subject now (so that a console can tell a new red from other news). It reads alert_events in PostgreSQL, so changes made by any process (Scoring opening alerts, another Response
/// instance, the timer) reach every console. Reconnecting browsers resume from <c>Last-Event-ID</c>.
/// </summary>
public static class AlertStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private const long LookBack = 200;

    public static async Task StreamAsync(HttpContext context, ClaimsPrincipal user, AlertQueries queries, IOptions<HandlingOptions> options)
    {
        var cancellationToken = context.RequestAborted;
        var scope = AlertsApi.ScopeOf(user, context.RequestServices.GetRequiredService<Core.Policy.HandlingPolicy>());
        var after = long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var last)
            ? last
            : await queries.LatestEventIdAsync(cancellationToken);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.WriteAsync("retry: 2000\n: connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);

        var quietSince = DateTime.UtcNow;
        // A logout or a revoked key ends the stream too (issue 14, finding 5); the check is cached a few seconds.
        var sessions = context.RequestServices.GetRequiredService<Console.ConsoleSessions>();
        // What happened before the stream opened is not news: mark the look-back window as sent.
        var sent = (await queries.EventsAfterAsync(scope, Math.Max(0, after - LookBack), 500, cancellationToken))
            .Select(e => e.EventId).Where(id => id <= after).ToHashSet();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await sessions.StillValidAsync(user, cancellationToken))
                {
                    await response.WriteAsync("event: ended\ndata: {\"reason\":\"session ended\"}\n\n", cancellationToken);
                    return;
                }

                // Event ids are taken before commit: a transaction may commit a lower id after a higher one was sent,
                // so look back a little and skip what was already sent.
                var events = (await queries.EventsAfterAsync(scope, Math.Max(0, after - LookBack), 500, cancellationToken))
                    .Where(e => sent.Add(e.EventId)).ToList();
                if (sent.Count > 4 * LookBack)
                {
                    sent.RemoveWhere(id => id <= after - LookBack);
                }

                foreach (var e in events)
                {
                    var data = JsonSerializer.Serialize(new { eventId = e.EventId, alertId = e.AlertId, kind = e.Kind, actor = e.Actor, at = e.At, grade = e.Grade, subject = e.Subject });
                    await response.WriteAsync($"id: {e.EventId.ToString(CultureInfo.InvariantCulture)}\nevent: alert\ndata: {data}\n\n", cancellationToken);
                    after = Math.Max(after, e.EventId);
                }

                if (events.Count > 0)
                {
                    await response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > Heartbeat)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTime.UtcNow;
                }

                await Task.Delay(options.Value.StreamPollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away.
        }
    }
}
