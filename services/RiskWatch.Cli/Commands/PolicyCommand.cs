using System.CommandLine;
using RiskWatch.Core.Grading;
using RiskWatch.Core.Policy;

namespace RiskWatch.Cli.Commands;

/// <summary><c>riskwatch policy check FILE</c>: validates a handling policy before it is deployed.</summary>
public static class PolicyCommand
{
    public static Command Create()
    {
        var policy = new Command("policy", "Work with the handling policy (tiers, deadlines, escalation, corroboration, jurisdictions).");
        var file = new Argument<FileInfo>("file") { Description = "The policy file (YAML), e.g. policy/riskwatch.policy.yaml." };
        var check = new Command("check", "Validate a policy file: prints OK with a summary, or each problem with its line (exit code 1).") { file };
        check.SetAction(parse => Check(parse.GetValue(file)!, Console.Out, Console.Error));
        policy.Subcommands.Add(check);
        return policy;
    }

    public static int Check(FileInfo file, TextWriter output, TextWriter errors)
    {
        if (!file.Exists)
        {
            errors.WriteLine($"{file.FullName}: no such file.");
            return 2;
        }

        var result = PolicyFile.Parse(File.ReadAllText(file.FullName));
        if (!result.IsValid)
        {
            foreach (var error in result.Errors)
            {
                errors.WriteLine($"{file.Name}, line {error.Line}, column {error.Column}: {(error.Path.Length > 0 ? error.Path + ": " : "")}{error.Message}");
            }

            errors.WriteLine($"{result.Errors.Count} problem(s); the policy was not accepted.");
            return 1;
        }

        var p = result.Policy!;
        output.WriteLine($"OK: policy version {p.Version}");
        output.WriteLine($"  grouping window {PolicyDuration.Format(p.GroupingWindow)}; corroboration: {p.Corroboration.IndependentInformants} independent " +
                         $"{string.Join("/", p.Corroboration.Sources)}s raise {p.Corroboration.RaiseBy} grade(s) up to {p.Corroboration.UpTo.ToWire()}");
        foreach (var grade in PolicyValidator.AlertGrades.Reverse())
        {
            var rule = p.RuleFor(grade);
            output.WriteLine($"  {grade.ToWire(),-7} led by {rule.LeadingTier.ToWire(),-8} acknowledge within {PolicyDuration.Format(rule.AcknowledgeWithin),-6} " +
                             $"act within {PolicyDuration.Format(rule.ActWithin),-6} also told: {(rule.AlsoTold.Count == 0 ? "-" : string.Join(", ", rule.AlsoTold.Select(t => t.ToWire())))}");
        }

        output.WriteLine($"  escalation {string.Join(" -> ", p.Escalation.Chain.Select(t => t.ToWire()))}; then {p.Escalation.Reminders} reminder(s) every {PolicyDuration.Format(p.Escalation.RemindEvery)}");
        output.WriteLine($"  jurisdictions: {p.Jurisdictions.Count} city(ies), {p.Jurisdictions.Sum(c => c.Districts.Count)} district(s), " +
                         $"{p.Jurisdictions.Sum(c => c.Districts.Sum(d => d.Streets.Count))} street(s)");
        return 0;
    }
}
