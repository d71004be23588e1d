using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>
/// Seeded random mutation of valid reports, sent to every intake endpoint: whatever arrives, the answer is never a
/// 500 and every refusal is problem details with a reason. The seed is printed on failure so a run can be repeated.
/// </summary>
public sealed class IntakeFuzzTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private const int Requests = 3000;

    private static readonly string[] Fields =
        ["reportId", "source", "reporter", "occurredAt", "location", "location.city", "location.district", "subject", "subject.kind", "subject.name",
         "subject.platform", "sector", "category", "workersAffected", "amountOwedCny", "collectiveAction", "collectiveAction.status",
         "collectiveAction.expectedAt", "text", "language"];

    [Fact]
    public async Task Thousands_of_random_and_mutated_reports_to_every_intake_endpoint_never_get_a_500_and_always_a_problem_with_a_reason()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var (key, secret) = await riskWatch.CreatePlatformAsync("plat-fuzz");
        var seedReport = Reports.RedStrike(station: "fuzz-station");
        using (var first = await riskWatch.Ingest.PostAsync("/api/v1/form/reports", Json(seedReport.ToJsonString())))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var code = JsonNode.Parse(await (await riskWatch.Ingest.PostAsync("/api/v1/reports", Json(seedReport.ToJsonString()))).Content.ReadAsStringAsync())!["trackingCode"]!.GetValue<string>();

        var cases = Enumerable.Range(0, Requests).Select(i => MakeRequest(random, i, key, secret, code)).ToList();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        using var slots = new SemaphoreSlim(8);
        await Task.WhenAll(cases.Select(async c =>
        {
            await slots.WaitAsync();
            try
            {
                using var request = c.Build();
                using var response = await riskWatch.Ingest.SendAsync(request);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }

                if (Problem(status, response.Content.Headers.ContentType, body) is { } problem)
                {
                    lock (failures)
                    {
                        failures.Add($"{c.Description} -> {status}: {problem}; body {Truncate(body)}; sent {Truncate(c.Body)}");
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        }));

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} bad answers, e.g.\n{string.Join("\n", failures.Take(5))}");
        // The mutations must exercise both sides: some accepted, many refused.
        Assert.True(statuses.Where(s => s.Key is 200 or 202).Sum(s => s.Value) > 100, $"seed {seed}: {string.Join(", ", statuses)}");
        Assert.True(statuses.Where(s => s.Key is 400 or 404 or 401).Sum(s => s.Value) > 1000, $"seed {seed}: {string.Join(", ", statuses)}");
    }

    private static string? Problem(int status, MediaTypeHeaderValue? type, string body)
    {
        if (status >= 500)
        {
            return "a server error";
        }

        if (status < 400)
        {
            return null;
        }

        if (type?.MediaType != "application/problem+json")
        {
            return $"content type {type?.MediaType}";
        }

        var problem = JsonNode.Parse(body)!.AsObject();
        if (problem["type"]?.GetValue<string>() is not { Length: > 0 })
        {
            return "no problem type";
        }

        var reason = problem["detail"]?.GetValue<string>() ?? problem["title"]?.GetValue<string>();
        return string.IsNullOrWhiteSpace(reason) ? "no reason" : null;
    }

    private sealed record Case(string Description, string Body, Func<HttpRequestMessage> Build);

    private static Case MakeRequest(Random random, int i, string key, string secret, string code)
    {
        var body = random.Next(10) switch
        {
            0 => RandomBytes(random),
            1 => Truncated(random, Mutated(random).ToJsonString()),
            _ => Mutated(random).ToJsonString(),
        };
        switch (i % 5)
        {
            case 0:
                return new("POST /api/v1/reports", body, () => new(HttpMethod.Post, "/api/v1/reports") { Content = Json(body) });
            case 1:
                return new("POST /api/v1/form/reports", body, () => new(HttpMethod.Post, "/api/v1/form/reports") { Content = Json(body) });
            case 2:
            {
                var followUp = random.Next(4) == 0 ? body : new JsonObject
                {
                    ["reportId"] = random.Next(5) == 0 ? "not-a-uuid" : Guid.NewGuid().ToString(),
                    ["text"] = random.Next(5) == 0 ? JsonValue.Create(random.Next()) : JsonValue.Create(RandomText(random)),
                    ["language"] = random.Next(4) == 0 ? "fr" : "zh",
                }.ToJsonString();
                var target = random.Next(3) == 0 ? Uri.EscapeDataString(RandomText(random, 20)) : code;
                return new($"POST /api/v1/follow-ups/{target}", followUp, () => new(HttpMethod.Post, $"/api/v1/follow-ups/{target}") { Content = Json(followUp) });
            }
            case 3:
            {
                var target = random.Next(2) == 0 ? code : Uri.EscapeDataString(RandomText(random, 30));
                return new($"GET /api/v1/follow-ups/{target}", "", () => new(HttpMethod.Get, $"/api/v1/follow-ups/{target}"));
            }
            default:
            {
                var items = new JsonArray();
                for (var n = random.Next(1, 6); n > 0; n--)
                {
                    var report = Mutated(random);
                    if (random.Next(3) > 0)
                    {
                        report["source"] = "platform";
                        report["reporter"] = "plat-fuzz";
                    }

                    items.Add(report);
                }

                var batch = random.Next(8) switch
                {
                    0 => RandomBytes(random),
                    1 => items[0]!.ToJsonString(),
                    _ => items.ToJsonString(),
                };
                var signed = random.Next(6) > 0;
                return new("POST /api/v1/platform/reports", batch, () => signed
                    ? IntakeFixture.SignedBatch(key, secret, batch, DateTimeOffset.UtcNow.AddMilliseconds(random.Next(-1000, 1000)))
                    : IntakeFixture.SignedBatch(key, secret, batch, signatureOverride: Convert.ToHexString(Encoding.UTF8.GetBytes(RandomText(random, 32)))));
            }
        }
    }

    private static JsonObject Mutated(Random random)
    {
        var report = random.Next(2) == 0 ? Reports.RedStrike() : Reports.BlueComplaint();
        report["category"] = "wage_arrears";
        report["amountOwedCny"] = 1200.5;
        report["collectiveAction"] = new JsonObject { ["status"] = "planned", ["expectedAt"] = "2026-11-22T09:00:00+08:00" };
        report["language"] = "zh";
        var mutations = random.Next(0, 4); // 0: stays valid
        for (var m = 0; m < mutations; m++)
        {
            var path = Fields[random.Next(Fields.Length)].Split('.');
            var parent = path.Length == 1 ? report : report[path[0]] as JsonObject;
            if (parent is null)
            {
                continue;
            }

            var name = path[^1];
            if (random.Next(4) == 0)
            {
                parent.Remove(name);
            }
            else
            {
                parent[name] = RandomValue(random);
            }
        }

        return report;
    }

    private static JsonNode? RandomValue(Random random) => random.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * 1e20 - 5e19),
        4 => JsonNode.Parse("1e400"),
        5 => new JsonArray(1, "two", null),
        6 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = new JsonArray(new JsonArray(new JsonArray())) } },
        7 => JsonValue.Create(""),
        8 => JsonValue.Create("   "),
        9 => JsonValue.Create(new string('长', random.Next(3990, 4100))),
        10 => JsonValue.Create("2026-13-45T99:99:99+08:00"),
        11 => JsonValue.Create(DateTimeOffset.UtcNow.AddDays(random.Next(-400, 400)).ToString("O")),
        12 => JsonValue.Create(Guid.NewGuid().ToString()),
        13 => JsonValue.Create("00000000-0000-0000-0000-000000000000"),
        14 => JsonValue.Create("\u0000\uD83D\uDE00\u202E<script>alert(1)</script>"),
        _ => JsonValue.Create(RandomText(random)),
    };

    private static string RandomText(Random random, int max = 200)
    {
        var length = random.Next(0, max);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(3) switch
            {
                0 => (char)random.Next(0x20, 0x7f),
                1 => (char)random.Next(0x4e00, 0x9fff),
                _ => (char)random.Next(0x00, 0x2000),
            };
        }

        return new string(chars);
    }

    private static string RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    private static string Truncated(Random random, string json) => json[..random.Next(0, json.Length)];

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
