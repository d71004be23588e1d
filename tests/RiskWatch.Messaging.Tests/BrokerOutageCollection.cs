namespace RiskWatch.Messaging.Tests;

/// <summary>
/// Tests that take the in-memory broker's brokers down run alone, with no other test of the project beside them.
/// librdkafka's mock cluster closes a downed broker's listener and binds its port again at once, and aborts the whole
/// process when that bind fails ("Address already in use", rdkafka_mock.c): the test host crashed this way once in a
/// full run and every test of the project was lost. The likeliest holder of the port is a process another test was
/// starting at that moment (kcat here; PostgreSQL, Scoring or a browser elsewhere), which keeps the listening socket
/// open between its fork and its exec.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection
{
    public const string Name = "broker outage";
}
