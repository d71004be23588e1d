using RiskWatch.Core.Access;
using RiskWatch.Core.Policy;
using RiskWatch.Data.Access;

namespace RiskWatch.Data.Tests.Access;

public sealed class ResponderDirectoryTests
{
    private static readonly (string, Jurisdiction)[] Keys =
    [
        ("resp-city", new Jurisdiction("深圳市", null, null)),
        ("resp-longgang", new Jurisdiction("深圳", "龙岗", null)),
        ("resp-bantian", new Jurisdiction("深圳市", "龙岗区", "坂田街道")),
        ("resp-buji", new Jurisdiction("深圳市", "龙岗区", "布吉街道")),
        ("resp-nanshan", new Jurisdiction("深圳市", "南山区", null)),
        ("resp-guangzhou", new Jurisdiction("广州市", null, null)),
        ("admin-everywhere", Jurisdiction.Everywhere),
    ];

    [Fact]
    public void A_street_led_alert_offers_its_streets_people_first_then_those_above_who_see_it()
    {
        var people = ResponderDirectory.Choose(Keys, "深圳市", "龙岗区", "坂田街道", Tier.Street);
        Assert.Equal(["resp-bantian", "resp-city", "resp-longgang"], people.Select(p => p.Principal));
        Assert.True(people[0].AtLeadingTier);
        Assert.False(people[1].AtLeadingTier);
    }

    [Fact]
    public void A_city_led_or_joint_alert_offers_the_city_responders_first_and_never_another_place()
    {
        var people = ResponderDirectory.Choose(Keys, "深圳", "南山", null, Tier.Joint);
        Assert.Equal(["resp-city", "resp-nanshan"], people.Select(p => p.Principal));
        Assert.Equal([true, false], people.Select(p => p.AtLeadingTier));
    }
}
