using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace RiskWatch.Messaging;

/// <summary>
/// W3C trace context carried in Kafka message headers, so a trace that starts with an HTTP request at intake goes on in
/// the consumer that reads the message (the same <c>traceparent</c> and <c>tracestate</c> an HTTP hop carries).
/// </summary>
public static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Adds the context of <paramref name="activity"/> (when there is one) to headers about to be produced.</summary>
    public static void Inject(Activity? activity, IDictionary<string, string> headers)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } id)
        {
            return;
        }

        headers[TraceParent] = id;
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            headers[TraceState] = state;
        }
    }

    /// <summary>The producer's context from a consumed message's headers; default when it carries none (or a broken one).</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParent, out var parent))
        {
            return default;
        }

        var state = headers.TryGetLastBytes(TraceState, out var stateBytes) ? Encoding.UTF8.GetString(stateBytes) : null;
        return ActivityContext.TryParse(Encoding.UTF8.GetString(parent), state, isRemote: true, out var context) ? context : default;
    }
}
