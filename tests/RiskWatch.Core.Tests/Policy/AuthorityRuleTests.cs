using RiskWatch.Core.Access;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Policy;

/// <summary>Who may resolve, close, regrade and escalate an alert, by the policy's <c>authority</c> and the alert's leading tier.</summary>
public sealed class AuthorityRuleTests
{
    private static readonly Jurisdiction Street = new("深圳市", "龙岗区", "坂田街道");
    private static readonly Jurisdiction District = new("深圳市", "龙岗区", null);
    private static readonly Jurisdiction City = new("深圳市", null, null);

    private static bool May(AuthorityRule rule, AlertAction action, Tier alertTier, Jurisdiction who) =>
        rule.Required(action, alertTier) is not { } required || who.Tier >= required;

    [Theory]
    [InlineData(AlertAction.Resolve)]
    [InlineData(AlertAction.Close)]
    [InlineData(AlertAction.Regrade)]
    [InlineData(AlertAction.Escalate)]
    public void Finding_09_by_the_shipped_policy_only_the_leading_tier_or_higher_ends_or_redirects_an_alert(AlertAction action)
    {
        var rule = PolicyFile.BuiltIn.Authority;

        // A city-led red alert: not the street, not the district.
        Assert.False(May(rule, action, Tier.City, Street));
        Assert.False(May(rule, action, Tier.City, District));
        Assert.True(May(rule, action, Tier.City, City));
        Assert.True(May(rule, action, Tier.City, Jurisdiction.Everywhere));
        // Escalated to the joint mechanism, the city union still decides there.
        Assert.True(May(rule, action, Tier.Joint, City));
        Assert.False(May(rule, action, Tier.Joint, District));
        // A street-led blue alert: its street may.
        Assert.True(May(rule, action, Tier.Street, Street));
    }

    [Theory]
    [InlineData(AlertAction.Acknowledge)]
    [InlineData(AlertAction.Assign)]
    [InlineData(AlertAction.Note)]
    [InlineData(AlertAction.Reopen)]
    public void Acknowledging_assigning_notes_and_reopening_are_open_to_every_responder_in_scope(AlertAction action) =>
        Assert.True(May(PolicyFile.BuiltIn.Authority, action, Tier.City, Street));

    [Fact]
    public void A_policy_may_let_a_lower_tier_escalate_and_refuses_joint_or_unknown_tiers_with_the_line()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoRoot(), "policy", "riskwatch.policy.yaml"));
        var policy = PolicyFile.ParseValid(yaml.Replace("  escalate: leading", "  escalate: street", StringComparison.Ordinal), "test");
        Assert.True(May(policy.Authority, AlertAction.Escalate, Tier.City, Street));
        Assert.False(May(policy.Authority, AlertAction.Resolve, Tier.City, Street));

        var bad = PolicyFile.Parse(yaml.Replace("  resolve: leading", "  resolve: joint", StringComparison.Ordinal));
        var error = Assert.Single(bad.Errors);
        Assert.Equal("authority.resolve", error.Path);
        Assert.True(error.Line > 1);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RiskWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RiskWatch.sln not found above the test's folder");
    }
}
