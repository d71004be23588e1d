using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Core.Tests.Incidents;

public sealed class IncidentKeyTests
{
    [Fact]
    public void The_same_station_typed_differently_by_two_informants_has_one_key()
    {
        Assert.Equal(
            IncidentKey.For("深圳市", "龙岗区", "坂田街道", "某外卖平台 坂田配送站"),
            IncidentKey.For("深圳", "龙岗", "坂田", "某外卖平台坂田配送站。"));
    }

    [Fact]
    public void Full_width_letters_case_and_punctuation_do_not_change_the_key()
    {
        Assert.Equal(
            IncidentKey.For("Shenzhen City", "Longgang District", "Bantian Subdistrict", "ＳＦ Express, Bantian Hub"),
            IncidentKey.For("shenzhen", "longgang", "bantian", "sf express bantian hub"));
    }

    [Fact]
    public void The_same_station_name_in_another_district_is_another_incident()
    {
        Assert.NotEqual(
            IncidentKey.For("深圳市", "龙岗区", null, "坂田配送站"),
            IncidentKey.For("深圳市", "南山区", null, "坂田配送站"));
    }

    /// <summary>
    /// Issue 14, finding 1: the key was city + district + subject, so a report about a station in 粤海街道 joined an alert
    /// opened in 西丽街道 and was read (and its informant revealed) there. The street is part of the incident now.
    /// </summary>
    [Fact]
    public void Finding_01_the_same_subject_in_two_streets_of_one_district_is_two_incidents()
    {
        Assert.NotEqual(
            IncidentKey.For("深圳市", "南山区", "西丽街道", "某外卖平台配送站"),
            IncidentKey.For("深圳市", "南山区", "粤海街道", "某外卖平台配送站"));
        // A report that names no street is not folded into a street's incident either.
        Assert.NotEqual(
            IncidentKey.For("深圳市", "南山区", null, "某外卖平台配送站"),
            IncidentKey.For("深圳市", "南山区", "粤海街道", "某外卖平台配送站"));
    }

    [Fact]
    public void A_name_that_is_only_a_suffix_is_kept()
    {
        Assert.Equal("市|区|街|站", IncidentKey.For("市", "区", "街", "站"));
    }
}

public sealed class TrackingCodeTests
{
    private static readonly TrackingCode Codes = new(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray());

    [Fact]
    public void A_report_always_gets_the_same_readable_code()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var code = Codes.For(id);

        Assert.Equal(code, Codes.For(id));
        Assert.Matches("^RW-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", code);
    }

    [Fact]
    public void Different_reports_get_different_codes()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => Codes.For(Guid.NewGuid())).ToHashSet();

        Assert.Equal(10_000, codes.Count);
    }

    /// <summary>
    /// Issue 14, finding 2: the code was SHA-256 of the report id, and report ids are public to responders, webhooks and the
    /// alerts topic. It is an HMAC under a server secret: the id alone gives nothing, and another secret gives other codes.
    /// </summary>
    [Fact]
    public void Finding_02_a_code_depends_on_the_server_secret_not_on_the_report_id_alone()
    {
        var id = Guid.NewGuid();
        var rotated = new TrackingCode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(TrackingCode.Unkeyed(id), Codes.For(id));
        Assert.NotEqual(Codes.For(id), rotated.For(id));
        Assert.Throws<ArgumentException>(() => new TrackingCode(new byte[16]));
    }
}
