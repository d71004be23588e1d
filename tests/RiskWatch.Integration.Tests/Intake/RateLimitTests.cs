using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>Anonymous form submissions limited to 5 a minute per address, to see the 429.</summary>
public sealed class RateLimitedIntakeFixture : IntakeFixture
{
    protected override int AnonymousRequestsPerMinute => 5;
}

public sealed class RateLimitTests(RateLimitedIntakeFixture riskWatch) : IClassFixture<RateLimitedIntakeFixture>
{
    [Fact]
    public async Task Past_the_limit_an_anonymous_client_gets_429_with_retry_after_and_problem_details_and_keys_have_their_own_budget()
    {
        using var badKey = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(TestReports.BlueComplaint()) };
        badKey.Headers.Authorization = new("Bearer", "rwk_000000000000_" + new string('a', 43));
        // An unknown key is told so, not taken as anonymous (it counts against the address's budget).
        Assert.Equal(HttpStatusCode.Unauthorized, (await riskWatch.Ingest.SendAsync(badKey)).StatusCode);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add(await riskWatch.Ingest.PostAsJsonAsync("/api/v1/form/reports", TestReports.BlueComplaint(station: $"limit-{i}")));
        }

        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        var refused = answers.Last();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.EndsWith("/rate-limited", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);

        var informantKey = await riskWatch.CreateKeyAsync("informant", "inf-limited");
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/form/reports") { Content = JsonContent.Create(TestReports.BlueComplaint(station: "limit-keyed")) };
        keyed.Headers.Authorization = new("Bearer", informantKey);
        var keyedAnswer = await riskWatch.Ingest.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.Accepted, keyedAnswer.StatusCode);
        var id = (await keyedAnswer.Content.ReadFromJsonAsync<JsonObject>())!["reportId"]!.GetValue<string>();
        Assert.Equal(1, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = @p AND reporter = 'inf-limited'", Guid.Parse(id)));

        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}
