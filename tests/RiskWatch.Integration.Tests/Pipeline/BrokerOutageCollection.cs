namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>
/// Tests that take the in-memory broker's brokers down run alone: a process started by a test beside them can hold the
/// port librdkafka's mock cluster re-binds, and the mock then aborts the test host (see the Messaging tests'
/// <c>BrokerOutageCollection</c>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection
{
    public const string Name = "broker outage";
}
