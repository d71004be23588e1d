using RiskWatch.Core.Triage;

namespace RiskWatch.Core.Tests.Triage;

public sealed class CsvTests
{
    [Theory]
    [InlineData("坂田配送站", "坂田配送站")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("he said \"pay\"", "\"he said \"\"pay\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")]
    [InlineData(null, "")]
    public void Fields_are_quoted_as_rfc_4180_says_and_formulas_are_never_run(string? value, string field) =>
        Assert.Equal(field, Csv.Field(value));

    [Fact]
    public void A_line_ends_with_crlf() => Assert.Equal("1,\"a,b\",\r\n", Csv.Line(["1", "a,b", null]));
}
