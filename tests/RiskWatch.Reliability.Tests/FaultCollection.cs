namespace RiskWatch.Reliability.Tests;

/// <summary>
/// The fault tests run one after another: each starts Scoring processes, a PostgreSQL and a broker, and on a
/// two-core CI machine running them side by side would starve the timing they assert (503 within 5 s).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
