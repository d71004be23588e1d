using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Core.Tests.Incidents;

public sealed class IncidentKeyTests
{
    [Fact]
    public void The_same_station_typed_differently_by_two_informants_has_one_key()
    {
        Assert.Equal(
            IncidentKey.For("深圳市", "龙岗区", "某外卖平台 坂田配送站"),
            IncidentKey.For("深圳", "龙岗", "某外卖平台坂田配送站。"));
    }

    [Fact]
    public void Full_width_letters_case_and_punctuation_do_not_change_the_key()
    {
        Assert.Equal(
            IncidentKey.For("Shenzhen City", "Longgang District", "ＳＦ Express, Bantian Hub"),
            IncidentKey.For("shenzhen", "longgang", "sf express bantian hub"));
    }

    [Fact]
    public void The_same_station_name_in_another_district_is_another_incident()
    {
        Assert.NotEqual(
            IncidentKey.For("深圳市", "龙岗区", "坂田配送站"),
            IncidentKey.For("深圳市", "南山区", "坂田配送站"));
    }

    [Fact]
    public void A_name_that_is_only_a_suffix_is_kept()
    {
        Assert.Equal("市|区|站", IncidentKey.For("市", "区", "站"));
    }
}

public sealed class TrackingCodeTests
{
    [Fact]
    public void A_report_always_gets_the_same_readable_code()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var code = TrackingCode.For(id);

        Assert.Equal(code, TrackingCode.For(id));
        Assert.Matches("^RW-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", code);
    }

    [Fact]
    public void Different_reports_get_different_codes()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => TrackingCode.For(Guid.NewGuid())).ToHashSet();

        Assert.Equal(10_000, codes.Count);
    }
}
