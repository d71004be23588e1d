namespace RiskWatch.Core.Incidents;

/// <summary>
/// Who made a change to an alert, as its timeline records it: a person's principal, <c>model:&lt;version&gt;</c>,
/// <c>policy:&lt;version&gt;</c> or <c>timer</c>.
/// </summary>
public static class AlertActors
{
    public const string Timer = "timer";

    public static string Model(string version) => $"model:{version}";

    public static string Policy(string version) => $"policy:{version}";
}
