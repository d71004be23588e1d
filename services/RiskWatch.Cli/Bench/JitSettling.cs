namespace RiskWatch.Cli.Bench;

/// <summary>
/// When a process has done compiling its hot code, so that a measurement of its steady rate can start. A fresh .NET
/// process compiles each method it runs, and again, first with a profile and then optimised, each it runs often (tiered
/// compilation): a Scoring process spent about 8 s of CPU in the JIT over its first 25 s, most of it after a warm-up of
/// 30,000 reports, so inside the pipeline runs it was measured by (the 100,000-report run entirely). A warm-up that is
/// meant to leave compilation out therefore lasts until, over a window of <see cref="Window"/>, compiling took at most
/// <see cref="SettledShare"/> of the time, read from the runtime's own counter: in this process
/// <see cref="System.Runtime.JitInfo.GetCompilationTime"/>, in a service its Prometheus series
/// <see cref="CompilationTimeSeries"/>.
/// </summary>
public static class JitSettling
{
    /// <summary>How long compiling is watched before it is judged settled.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>A warm-up ends here even if the JIT is still busy (the log says so).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(2);

    /// <summary>The share of a window's time that compiling may take, per process, for the JIT to count as settled.</summary>
    public const double SettledShare = 0.02;

    /// <summary>The runtime's cumulative JIT time in seconds (the System.Runtime meter, exported by prometheus-net).</summary>
    public const string CompilationTimeSeries = "system_runtime_dotnet_jit_compilation_time";

    /// <summary>Whether <paramref name="processes"/> processes that compiled for <paramref name="compiling"/> in all over <paramref name="during"/> have settled.</summary>
    public static bool Settled(TimeSpan compiling, TimeSpan during, int processes) =>
        compiling.TotalSeconds <= SettledShare * during.TotalSeconds * processes;
}
