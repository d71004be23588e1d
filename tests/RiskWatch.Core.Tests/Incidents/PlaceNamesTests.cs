using RiskWatch.Core.Access;
using RiskWatch.Core.Incidents;
using RiskWatch.Core.Policy;

namespace RiskWatch.Core.Tests.Incidents;

/// <summary>
/// Known aliases of places (issue 15, item 5): Chinese and English names, with and without 市/区/街道, are one place for
/// incident keys, routing (teams) and jurisdiction scopes; from the built-in table for the shipped policy's jurisdictions,
/// and from a policy's own <c>aliases</c>.
/// </summary>
public sealed class PlaceNamesTests
{
    private const string PolicyWithAliases = """
        version: "aliases-test"
        grades:
          red: { leadingTier: city, alsoTold: [district, street], acknowledgeWithin: 15m, actWithin: 2h }
          orange: { leadingTier: city, alsoTold: [district], acknowledgeWithin: 1h, actWithin: 12h }
          yellow: { leadingTier: district, alsoTold: [street], acknowledgeWithin: 4h, actWithin: 48h }
          blue: { leadingTier: street, alsoTold: [], acknowledgeWithin: 24h, actWithin: 7d }
        jurisdictions:
          - city: 广州市
            team: 广州市总工会
            aliases: [Guangzhou, Canton]
            districts:
              - name: 天河区
                team: 天河区总工会
                aliases: [Tianhe]
                streets:
                  - name: 石牌街道
                    team: 石牌街道工会
                    aliases: [Shipai]
        """;

    [Theory]
    [InlineData("深圳市")]
    [InlineData("深圳")]
    [InlineData("Shenzhen")]
    [InlineData("shenzhen city")]
    [InlineData("ＳＨＥＮＺＨＥＮ")]
    public void Every_spelling_of_shenzhen_is_one_city_key(string name) =>
        Assert.Equal(PlaceKey.City("深圳市"), PlaceKey.City(name));

    [Theory]
    [InlineData(PlaceLevel.District, "龙岗区", "Longgang District")]
    [InlineData(PlaceLevel.District, "南山区", "nanshan")]
    [InlineData(PlaceLevel.District, "福田", "Futian District")]
    [InlineData(PlaceLevel.Street, "坂田街道", "Bantian Subdistrict")]
    [InlineData(PlaceLevel.Street, "布吉", "Buji Street")]
    [InlineData(PlaceLevel.Street, "粤海街道", "Yuehai")]
    public void The_built_in_english_names_of_the_shipped_policys_places_are_aliases(PlaceLevel level, string chinese, string english) =>
        Assert.Equal(PlaceNames.BuiltIn.Key(level, chinese), PlaceNames.BuiltIn.Key(level, english));

    [Fact]
    public void A_report_in_english_and_one_in_chinese_about_one_station_have_one_incident_key()
    {
        Assert.Equal(
            IncidentKey.For("深圳市", "龙岗区", "坂田街道", "某外卖平台坂田配送站"),
            IncidentKey.For("Shenzhen", "Longgang District", "Bantian", "某外卖平台坂田配送站"));
    }

    [Fact]
    public void A_policys_aliases_join_names_nobody_built_in_and_unknown_names_stay_as_spelled()
    {
        var places = PolicyFile.ParseValid(PolicyWithAliases, "test").Places;

        Assert.Equal(places.City("广州市"), places.City("Guangzhou"));
        Assert.Equal(places.City("广州"), places.City("canton city"));
        Assert.Equal(places.District("天河区"), places.District("Tianhe District"));
        Assert.Equal(places.Street("石牌街道"), places.Street("Shipai"));
        Assert.Equal(
            IncidentKey.For("广州市", "天河区", "石牌街道", "某快递网点", places),
            IncidentKey.For("Guangzhou", "Tianhe", "Shipai Subdistrict", "某快递网点", places));
        // The built-in names still hold under a policy of its own.
        Assert.Equal(places.City("深圳市"), places.City("Shenzhen"));
        // Without the policy, Guangzhou is not 广州.
        Assert.NotEqual(PlaceKey.City("广州市"), PlaceKey.City("Guangzhou"));
        Assert.Equal("somewhere", places.City("Somewhere City"));
        Assert.Equal(["Guangzhou", "Canton"], places.AliasesOf(PlaceLevel.City, "广州"));
        Assert.Equal(["Shenzhen"], places.AliasesOf(PlaceLevel.City, "深圳市"));
    }

    [Fact]
    public void Routing_names_the_team_of_a_place_given_by_its_english_name()
    {
        var policy = PolicyFile.BuiltIn;

        Assert.Equal("坂田街道工会联合会", policy.TeamFor(Tier.Street, "Shenzhen", "Longgang", "Bantian"));
        Assert.Equal("南山区总工会应急先锋队", policy.TeamFor(Tier.District, "shenzhen city", "Nanshan District", null));
    }

    [Fact]
    public void An_alias_that_names_another_place_or_is_claimed_twice_is_a_policy_problem_with_its_line()
    {
        var yaml = PolicyWithAliases.Replace("aliases: [Shipai]", "aliases: [Shipai, '!!!']", StringComparison.Ordinal)
            + """

              - city: 佛山市
                team: 佛山市总工会
                aliases: [canton]
            """;

        var result = PolicyFile.Parse(yaml);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == "jurisdictions[1].aliases[0]" && e.Message.Contains("already an alias", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "jurisdictions[0].districts[0].streets[0].aliases[1]");
        Assert.All(result.Errors, e => Assert.True(e.Line > 1));
    }

    [Fact]
    public void Scopes_read_a_responders_key_in_any_spelling_and_its_tier_follows_what_it_names()
    {
        Assert.Equal(Tier.Street, new Jurisdiction("Shenzhen", "Longgang", "Bantian").Tier);
        Assert.Equal(Tier.District, new Jurisdiction("深圳", "龙岗", null).Tier);
        Assert.Equal(Tier.City, new Jurisdiction("深圳市", null, null).Tier);
        Assert.Equal(Tier.Joint, Jurisdiction.Everywhere.Tier);
    }
}
