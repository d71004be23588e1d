using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskWatch.Core.Access;
using RiskWatch.Ingest;
using RiskWatch.Ingest.Apis;
using RiskWatch.Response;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>
/// Seeded random mutation of valid reports, sent to every intake endpoint, and hostile bodies (over the limit with a
/// true, lying or absent length; deeply nested; invalid UTF-8, lone surrogates, NUL) sent to every endpoint of Ingest and
/// Response that reads a body: whatever arrives, the answer is never a 500, every refusal is problem details with a
/// reason, and reports accepted before are all still stored. The fuzz seed is printed on failure so a run can be repeated.
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
        var seedReport = TestReports.RedStrike(station: "fuzz-station");
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

                if (Problem(status, response.Content.Headers.ContentType?.MediaType, body) is { } problem)
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

    /// <summary>An endpoint that takes a body: where it is, the largest body it reads, and the headers a call needs (some depend on the body).</summary>
    private sealed record BodyEndpoint(string Name, Uri Server, string Path, int MaxBytes, string Template, Func<byte[], IEnumerable<string>> Headers)
    {
        public override string ToString() => Name;
    }

    /// <summary>Every endpoint of Ingest and Response that reads a request body, with keys that get each past authentication.</summary>
    private async Task<List<BodyEndpoint>> BodyEndpointsAsync()
    {
        var (platformKey, secret) = await riskWatch.CreatePlatformAsync("plat-hostile");
        var responder = await riskWatch.CreateKeyAsync(Roles.Responder, "resp-hostile");
        var admin = await riskWatch.CreateKeyAsync(Roles.Admin, "admin-hostile");
        var original = TestReports.RedStrike(station: "hostile-station");
        using var first = await riskWatch.Ingest.PostAsync("/api/v1/reports", Json(original.ToJsonString()));
        var code = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["trackingCode"]!.GetValue<string>();
        // A real alert, so a body that gets past binding would reach the database (where a NUL fails a write).
        var reportId = Guid.Parse(original["reportId"]!.GetValue<string>());
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND alert_id IS NOT NULL", reportId, 1);
        var alertId = await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", reportId);

        var ingest = new Uri(riskWatch.System.IngestUrl);
        var response = new Uri(riskWatch.System.ResponseUrl);
        string[] Bearer(string key) => [$"Authorization: Bearer {key}"];
        IEnumerable<string> Signed(byte[] body)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
            return [$"Authorization: Bearer {platformKey}", $"{PlatformApi.TimestampHeader}: {timestamp}", $"{PlatformApi.SignatureHeader}: {signature}"];
        }

        var report = TestReports.RedStrike(station: "hostile-station");
        report["text"] = Marker;
        var platformReport = report.DeepClone().AsObject();
        platformReport["source"] = "platform";
        platformReport["reporter"] = "plat-hostile";
        var endpoints = new List<BodyEndpoint>
        {
            new("report", ingest, "/api/v1/reports", ReportsApi.MaxReportBytes, report.ToJsonString(), _ => []),
            new("form report", ingest, "/api/v1/form/reports", ReportsApi.MaxReportBytes, report.ToJsonString(), _ => []),
            new("follow-up", ingest, $"/api/v1/follow-ups/{code}", ReportsApi.MaxReportBytes, $$"""{"reportId":"{{Guid.NewGuid()}}","text":"{{Marker}}"}""", _ => []),
            new("platform batch", ingest, "/api/v1/platform/reports", new IngestOptions().MaxBatchBytes, new JsonArray(platformReport).ToJsonString(), Signed),
            new("contact reveal", ingest, "/api/v1/informants/inf-0000000000/contact-reveals", InformantsApi.MaxBodyBytes,
                $$"""{"alertId":{{alertId}},"reason":"{{Marker}} to check the count"}""", _ => Bearer(responder)),
            new("console login", response, "/console/session/", ResponseService.MaxRequestBodyBytes, $$"""{"apiKey":"{{Marker}}"}""", _ => []),
        };
        foreach (var (action, template) in new[]
        {
            ("assign", $$"""{"assignee":"{{Marker}}","note":"x"}"""), ("notes", $$"""{"text":"{{Marker}}"}"""),
            ("regrade", $$"""{"grade":"orange","reason":"{{Marker}}"}"""), ("escalate", $$"""{"reason":"{{Marker}}"}"""),
            ("resolve", $$"""{"outcome":"mediated","note":"{{Marker}}"}"""), ("close", $$"""{"reason":"{{Marker}}"}"""),
            ("reopen", $$"""{"reason":"{{Marker}}"}"""), ("messages", $$"""{"text":"{{Marker}}"}"""),
            ("merge", $$"""{"intoAlertId":1,"reason":"{{Marker}}"}"""), ("split", $$"""{"reportId":"{{Guid.NewGuid()}}","reason":"{{Marker}}"}"""),
        })
        {
            endpoints.Add(new($"alert {action}", response, $"/api/v1/alerts/{alertId}/{action}", ResponseService.MaxRequestBodyBytes, template, _ => Bearer(admin)));
        }

        endpoints.Add(new("review dismiss", response, $"/api/v1/reviews/{Guid.NewGuid()}/dismiss", ResponseService.MaxRequestBodyBytes, $$"""{"reason":"{{Marker}}"}""", _ => Bearer(admin)));
        endpoints.Add(new("review promote", response, $"/api/v1/reviews/{Guid.NewGuid()}/promote", ResponseService.MaxRequestBodyBytes, $$"""{"grade":"red","reason":"{{Marker}}"}""", _ => Bearer(admin)));
        return endpoints;
    }

    private const string Marker = "@@hostile@@";

    /// <summary>Reports accepted before the hostile bodies, and a check afterwards that every one of them is still stored and intake still works.</summary>
    private async Task<Func<Task>> AcceptSomeReportsAsync()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var report = TestReports.BlueComplaint(station: $"before-hostile-{i}");
            using var accepted = await riskWatch.Ingest.PostAsync("/api/v1/reports", Json(report.ToJsonString()));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            ids.Add(Guid.Parse(report["reportId"]!.GetValue<string>()));
        }

        return async () =>
        {
            await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = ANY(@p)", ids.ToArray(), ids.Count);
            Assert.Equal(ids.Count, await riskWatch.CountAsync("SELECT count(*) FROM intake_ledger WHERE report_id = ANY(@p)", ids.ToArray()));
            using var after = await riskWatch.Ingest.PostAsync("/api/v1/reports", Json(TestReports.BlueComplaint(station: "after-hostile").ToJsonString()));
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        };
    }

    private static async Task<string?> SendAsync(BodyEndpoint endpoint, string what, long? contentLength, Func<Stream, Task> body, byte[] signedBody)
    {
        var answer = await RawHttp.SendAsync(endpoint.Server, "POST", endpoint.Path, endpoint.Headers(signedBody), contentLength, body, TimeSpan.FromSeconds(60));
        return Problem(answer.Status, answer.ContentType, answer.Body) is { } problem ? $"{endpoint} with {what} -> {answer}: {problem}" : null;
    }

    [Fact]
    public async Task Bodies_over_each_endpoints_limit_with_a_true_a_lying_or_no_content_length_get_a_4xx_problem_and_lose_nothing_accepted()
    {
        var stillThere = await AcceptSomeReportsAsync();
        var failures = new List<string?>();
        var endpoints = await BodyEndpointsAsync();
        // Told nearly the limit, sent five bytes, then the sender stalls: the server's minimum data rate ends it (a 408
        // after Kestrel's 5 s grace), for every endpoint at once.
        var stalled = endpoints.Select(e => SendAsync(e, $"Content-Length {e.MaxBytes - 1} but 5 bytes, then nothing", e.MaxBytes - 1,
            RawHttp.Bytes("{\"a\":"u8.ToArray()), [])).ToList();
        foreach (var endpoint in endpoints)
        {
            var over = endpoint.MaxBytes + 1024L;
            var filler = "a"u8.ToArray();
            failures.Add(await SendAsync(endpoint, $"a true Content-Length of {over}", over, RawHttp.Repeat(filler, over), []));
            failures.Add(await SendAsync(endpoint, $"{over} bytes chunked, no length", null, RawHttp.Repeat(filler, over), []));
            // The server reads the 100 bytes it was told of (not JSON); the rest never becomes a request (Connection: close).
            failures.Add(await SendAsync(endpoint, $"Content-Length 100 but {over} bytes", 100, RawHttp.Repeat(filler, over), []));
        }

        failures.AddRange(await Task.WhenAll(stalled));
        Assert.True(failures.All(f => f is null), string.Join("\n", failures.OfType<string>()));
        await stillThere();
    }

    [Fact]
    public async Task Deeply_nested_json_invalid_utf8_lone_surrogates_and_nul_in_every_endpoint_with_a_body_get_a_4xx_problem_with_the_reason()
    {
        var stillThere = await AcceptSomeReportsAsync();
        var failures = new List<string>();
        foreach (var endpoint in await BodyEndpointsAsync())
        {
            byte[] WithMarker(byte[] value) => [.. Encoding.UTF8.GetBytes(endpoint.Template.Split(Marker)[0]), .. value, .. Encoding.UTF8.GetBytes(endpoint.Template.Split(Marker)[1])];
            var depth = Math.Min(endpoint.MaxBytes - 16, 100_000);
            var bodies = new (string What, byte[] Body)[]
            {
                ($"{depth} nested arrays", Encoding.ASCII.GetBytes(new string('[', depth))),
                ($"{depth / 5} nested objects", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth / 5)))),
                ("invalid UTF-8 inside a string", WithMarker([(byte)'x', 0xFF, 0xFE, 0xC3, 0x28])),
                ("invalid UTF-8 outside strings", [.. "{\"text\": "u8, 0xFF, 0xFE, .. "}"u8]),
                ("a lone surrogate", WithMarker("\\ud800x"u8.ToArray())),
                ("a NUL character", WithMarker("a\\u0000b"u8.ToArray())),
                ("an overlong UTF-8 NUL", WithMarker([(byte)'a', 0xC0, 0x80, (byte)'b'])),
            };
            foreach (var (what, body) in bodies)
            {
                var answer = await RawHttp.SendAsync(endpoint.Server, "POST", endpoint.Path, endpoint.Headers(body), body.Length, RawHttp.Bytes(body), TimeSpan.FromSeconds(60));
                // A batch answers per report: one unreadable report is rejected with its reason and the batch is still a 200.
                if (endpoint.Name == "platform batch" && answer.Status == 200 && BatchRejectsEveryReport(answer.Body))
                {
                    continue;
                }

                if (Problem(answer.Status, answer.ContentType, answer.Body) is { } problem)
                {
                    failures.Add($"{endpoint} with {what} -> {answer}: {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await stillThere();
    }

    private static bool BatchRejectsEveryReport(string body) =>
        JsonNode.Parse(body)!["results"]!.AsArray().All(r => r!["status"]!.GetValue<string>() == "rejected" && r["errors"]!.AsArray().Count > 0);

    private static string? Problem(int status, string? mediaType, string body)
    {
        if (status == 0)
        {
            return "no answer: the connection closed";
        }

        if (status >= 500)
        {
            return "a server error";
        }

        if (status < 400)
        {
            return null;
        }

        if (mediaType != "application/problem+json")
        {
            return $"content type {mediaType}";
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
                var target = random.Next(3) == 0 ? Uri.EscapeDataString(PathText(random, 20)) : code;
                return new($"POST /api/v1/follow-ups/{target}", followUp, () => new(HttpMethod.Post, $"/api/v1/follow-ups/{target}") { Content = Json(followUp) });
            }
            case 3:
            {
                var target = random.Next(2) == 0 ? code : Uri.EscapeDataString(PathText(random, 30));
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
        var report = random.Next(2) == 0 ? TestReports.RedStrike() : TestReports.BlueComplaint();
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

    /// <summary>Text for a URL path: no NUL, which Kestrel itself refuses (a bare 400) before any RiskWatch code runs.</summary>
    private static string PathText(Random random, int max) => RandomText(random, max).Replace("\0", "", StringComparison.Ordinal);

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
