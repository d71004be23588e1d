using RiskWatch.Core.Triage;

namespace RiskWatch.Core.Tests.Triage;

public sealed class TriageQueryTests
{
    private static (TriageQuery? Query, IReadOnlyList<RiskWatch.Core.Contract.FieldError> Errors) Parse(params (string Key, string Value)[] values) =>
        TriageQuery.Parse(name => values.FirstOrDefault(v => v.Key == name).Value);

    [Fact]
    public void Without_parameters_the_list_is_the_open_alerts_most_urgent_deadline_first_fifty_a_page()
    {
        var (query, errors) = Parse();
        Assert.Empty(errors);
        Assert.Equal("open", query!.Status);
        Assert.Equal(TriageSort.Deadline, query.Sort);
        Assert.Equal(1, query.Page);
        Assert.Equal(50, query.PageSize);
        Assert.Empty(query.Grades);
    }

    [Fact]
    public void Every_wrong_parameter_is_named_with_its_reason_at_once()
    {
        var (query, errors) = Parse(("status", "pending"), ("grade", "red,purple"), ("tier", "province"), ("mine", "yes"), ("sort", "1"), ("page", "0"), ("pageSize", "5000"));
        Assert.Null(query);
        Assert.Equal(["status", "grade", "tier", "mine", "sort", "page", "pageSize"], errors.Select(e => e.Field));
        Assert.Contains("purple", errors.Single(e => e.Field == "grade").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_are_read_and_a_district_is_compared_as_a_place_key()
    {
        var (query, _) = Parse(("grade", "red, orange"), ("tier", "city"), ("district", "龙岗区"), ("mine", "true"), ("overdue", "1"), ("sort", "grade"), ("page", "3"));
        Assert.Equal(["red", "orange"], query!.Grades);
        Assert.Equal(["city"], query.Tiers);
        Assert.Equal("龙岗", query.DistrictKey);
        Assert.True(query.Mine && query.Overdue);
        Assert.Equal(TriageSort.Grade, query.Sort);
        Assert.Equal(100, query.Offset);
    }

    [Theory]
    [InlineData("RW-3K7QD-M2X9A", "RW-3K7QD-M2X9A")]
    [InlineData("rw-3k7qd-m2x9a", "RW-3K7QD-M2X9A")]
    [InlineData("3K7QD M2X9A", "RW-3K7QD-M2X9A")]
    [InlineData("坂田配送站", null)]
    [InlineData("1234567890", null)]
    public void A_search_that_can_be_a_tracking_code_is_read_as_one(string search, string? code) =>
        Assert.Equal(code, TriageQuery.TrackingCodeIn(search));

    [Fact]
    public void A_search_for_an_alert_number_finds_it_by_number()
    {
        Assert.Equal(12, Parse(("q", "#12")).Query!.AlertId);
        Assert.Null(Parse(("q", "坂田")).Query!.AlertId);
        Assert.Equal("q", Parse(("q", new string('x', 201))).Errors.Single().Field);
    }
}
