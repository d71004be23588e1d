using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests;

/// <summary>RiskWatch as <c>riskwatch up</c> runs it, with its default settings (see <see cref="InProcessSystem"/>).</summary>
public sealed class RiskWatchFixture : InProcessSystem;
