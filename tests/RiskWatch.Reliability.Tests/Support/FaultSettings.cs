
namespace RiskWatch.Reliability.Tests.Support;

/// <summary>Settings the fault tests give every Scoring instance, and the one model they all load.</summary>
public static class FaultSettings
{
    /// <summary>
    /// A killed consumer stays a group member until its session times out; librdkafka's default of 45 s would make
    /// every crash test wait that long before its partitions move. 6 s keeps the same behaviour in CI time.
    /// Small batches put many transaction boundaries into a short stream, so a fault lands mid-batch.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Scoring = new Dictionary<string, string>
    {
        ["RISKWATCH_Kafka__Consumer__session.timeout.ms"] = "6000",
        ["RISKWATCH_Kafka__Consumer__heartbeat.interval.ms"] = "500",
        ["RISKWATCH_Scoring__MaxBatchSize"] = "100",
        ["RISKWATCH_Scoring__MaxBatchWaitMs"] = "20",
    };

    /// <summary>The same settings as configuration keys, for in-process hosts.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
        Scoring.Select(s => new KeyValuePair<string, string?>(s.Key["RISKWATCH_".Length..].Replace("__", ":", StringComparison.Ordinal), s.Value));
}
