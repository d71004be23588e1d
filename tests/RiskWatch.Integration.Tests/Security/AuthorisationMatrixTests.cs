using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Every endpoint of Ingest and Response, on their public ports and their management ports (read from the running apps'
/// <see cref="EndpointDataSource"/>, so a new endpoint without a row here fails the test) against every caller: anonymous,
/// informant, platform, a responder of the alert's street, of its district and of its city, a responder of another street
/// of the same district, and an admin. Whatever is not allowed answers 401, 403 or 404 and its body holds nothing of the
/// report (text, subject) or the alert. The alert is a city-led red one: who may resolve, close, regrade or escalate it
/// follows its leading tier (issue 14, finding 9), whoever else may see it.
/// </summary>
public sealed class AuthorisationMatrixTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    public enum Caller { Anonymous, Informant, Platform, ResponderOutside, ResponderInside, ResponderDistrict, ResponderCity, Admin }

    /// <summary>What a caller gets: allowed (2xx, or 409 when the alert's status forbids an action), refused (401/403), or not found (404, as if it did not exist).</summary>
    public enum Outcome { Allowed, Refused, NotFound }

    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();

    private sealed record Row(string Service, string Method, string Pattern, Func<World, Caller, HttpRequestMessage> Request, Func<Caller, Outcome> Expect, bool Streams = false);

    private sealed record World(long AlertId, string TrackingCode, Guid ReportId, string InformantId, IReadOnlyDictionary<Caller, string?> Keys, string PlatformSecret)
    {
        public const string Contact = "手机 13900000000";
    }

    private static Outcome Public(Caller _) => Outcome.Allowed;

    private static bool IsResponder(Caller c) => c is Caller.ResponderInside or Caller.ResponderOutside or Caller.ResponderDistrict or Caller.ResponderCity;

    /// <summary>The alerts API: a responder whose jurisdiction holds the alert's place, and admins; another street's responder does not see it exists.</summary>
    private static Outcome AlertOfInside(Caller c) => c switch
    {
        Caller.ResponderInside or Caller.ResponderDistrict or Caller.ResponderCity or Caller.Admin => Outcome.Allowed,
        Caller.ResponderOutside => Outcome.NotFound,
        _ => Outcome.Refused,
    };

    /// <summary>
    /// Resolve, close, regrade, escalate on the city-led alert: its city's responders and admins only (the policy's authority:
    /// the leading tier or higher); its street's and district's responders see it and are refused (403).
    /// </summary>
    private static Outcome LeadingTier(Caller c) => c switch
    {
        Caller.ResponderCity or Caller.Admin => Outcome.Allowed,
        Caller.ResponderOutside => Outcome.NotFound,
        _ => Outcome.Refused,
    };

    /// <summary>Lists and streams: every responder and admin, each filtered to their jurisdiction.</summary>
    private static Outcome Responders(Caller c) => IsResponder(c) || c == Caller.Admin ? Outcome.Allowed : Outcome.Refused;

    private static Row Get(string service, string pattern, string path, Func<Caller, Outcome> expect) =>
        new(service, "GET", pattern, (_, _) => new HttpRequestMessage(HttpMethod.Get, path), expect);

    /// <summary>An endpoint mapped for every method (metrics, health); the matrix asks it with GET.</summary>
    private static Row AnyMethod(string service, string path) =>
        new(service, "*", path, (_, _) => new HttpRequestMessage(HttpMethod.Get, path), Public);

    private static HttpRequestMessage Json(HttpMethod method, string path, object? body) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body) };

    /// <summary>The report as the caller's key may send it: an informant's or a platform's key reports as itself.</summary>
    private static JsonObject ReportAs(Caller caller, JsonObject report)
    {
        (report["source"], report["reporter"]) = caller switch
        {
            Caller.Informant => ("informant", InformantPrincipal),
            Caller.Platform => ("platform", PlatformPrincipal),
            _ => (report["source"]!.DeepClone(), report["reporter"]!.DeepClone()),
        };
        return report;
    }

    private const string InformantPrincipal = "inf-matrix";
    private const string PlatformPrincipal = "plat-matrix";

    private static Row AlertAction(string action, object? body, Func<Caller, Outcome>? expect = null) =>
        new("Response", "POST", "/api/v1/alerts/{id:long}/" + action, (w, _) => Json(HttpMethod.Post, $"/api/v1/alerts/{w.AlertId}/{action}", body), expect ?? AlertOfInside);

    /// <summary>The management port of a service: metrics and probes, for Prometheus and the kubelet (a NetworkPolicy keeps others out).</summary>
    private const string IngestManagement = "Ingest management";
    private const string ResponseManagement = "Response management";

    private static readonly Row[] Matrix =
    [
        // Ingest
        Get("Ingest", "/report", "/report", Public),
        Get("Ingest", "/report/follow-up", "/report/follow-up", Public),
        Get("Ingest", "/report/{file}", "/report/app.js", Public),
        // The form's place picker: the policy's places are no secret.
        Get("Ingest", "/schemas/report.v1.json", "/schemas/report.v1.json", Public),
        Get("Ingest", "/openapi/{documentName}.json", "/openapi/v1.json", Public),
        // The policy's places and their aliases, for the form's place picker: nothing but place names.
        Get("Ingest", "/api/v1/places", "/api/v1/places", Public),
        AnyMethod("Ingest", "/health/live"),
        AnyMethod("Ingest", "/health/ready"),
        // Metrics on the management port only (issue 14, finding 11); the public port has no /metrics at all (see below).
        AnyMethod(IngestManagement, "/metrics"),
        Get(IngestManagement, "/health/live", "/health/live", Public),
        Get(IngestManagement, "/health/ready", "/health/ready", Public),
        // Anybody may report; a report sent with an informant's key speaks for that key. A platform's reports come only in
        // signed batches: its bearer key alone is refused here (issue 14, finding 3).
        new("Ingest", "POST", "/api/v1/reports", (_, c) => Json(HttpMethod.Post, "/api/v1/reports", ReportAs(c, TestReports.Report(null, "matrix-other", district: "龙岗区", text: "matrix other report, wages owed to 2 riders"))),
            c => c == Caller.Platform ? Outcome.Refused : Outcome.Allowed),
        new("Ingest", "POST", "/api/v1/form/reports", (_, _) => Json(HttpMethod.Post, "/api/v1/form/reports", TestReports.Report(null, "matrix-form", district: "龙岗区", text: "matrix form report, wages owed to 2 riders")), Public),
        // The tracking code is the credential: whoever holds it reads the status and adds information, whatever their key.
        new("Ingest", "GET", "/api/v1/follow-ups/{trackingCode}", (w, _) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/follow-ups/{w.TrackingCode}"), Public),
        new("Ingest", "POST", "/api/v1/follow-ups/{trackingCode}", (w, _) => Json(HttpMethod.Post, $"/api/v1/follow-ups/{w.TrackingCode}",
            new { reportId = Guid.NewGuid(), text = "matrix addition: one more rider joined", language = "en" }), Public),
        // Only a platform key, with its signature; an admin key is not a platform.
        new("Ingest", "POST", "/api/v1/platform/reports", PlatformBatch, c => c == Caller.Platform ? Outcome.Allowed : Outcome.Refused),
        // An informant's contact goes with the alert their report is in: its street's responder and admins see it; the
        // next street's responder gets the 404 of an unknown informant.
        new("Ingest", "POST", "/api/v1/informants/{informantId}/contact-reveals", (w, _) => Json(HttpMethod.Post, $"/api/v1/informants/{w.InformantId}/contact-reveals",
            new { alertId = w.AlertId, reason = "matrix: call the informant to confirm the number of riders" }), AlertOfInside),
        // The audit log of reveals: admins only.
        new("Ingest", "GET", "/api/v1/contact-reveals", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/contact-reveals"),
            c => c == Caller.Admin ? Outcome.Allowed : Outcome.Refused),

        // Response
        AnyMethod(ResponseManagement, "/metrics"),
        Get(ResponseManagement, "/health/live", "/health/live", Public),
        Get(ResponseManagement, "/health/ready", "/health/ready", Public),
        AnyMethod("Response", "/health/live"),
        AnyMethod("Response", "/health/ready"),
        Get("Response", "/console", "/console", Public),
        Get("Response", "/console/{file}", "/console/app.js", Public),
        // Login exchanges a responder's key (in the body) for a session; other keys are refused.
        new("Response", "POST", "/console/session/", (w, c) => Json(HttpMethod.Post, "/console/session/", new { apiKey = w.Keys[c] ?? "" }),
            c => IsResponder(c) || c == Caller.Admin ? Outcome.Allowed : Outcome.Refused),
        // The session view answers the console's cookie only: an API key alone has no session (and no CSRF token) to show.
        new("Response", "GET", "/console/session/", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/console/session/"), _ => Outcome.Refused),
        new("Response", "DELETE", "/console/session/", (_, _) => new HttpRequestMessage(HttpMethod.Delete, "/console/session/"), Responders),
        new("Response", "GET", "/api/v1/alerts/", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts/?limit=1000"), Responders),
        new("Response", "GET", "/api/v1/alerts/stream", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts/stream"), Responders, Streams: true),
        new("Response", "GET", "/api/v1/alerts/{id:long}", (w, _) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/alerts/{w.AlertId}"), AlertOfInside),
        new("Response", "GET", "/api/v1/alerts/{id:long}/cap", (w, _) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/alerts/{w.AlertId}/cap"), AlertOfInside),
        AlertAction("acknowledge", null),
        AlertAction("assign", new { assignee = "resp-matrix", note = "taking it" }),
        AlertAction("notes", new { text = "called the station" }),
        AlertAction("regrade", new { grade = "orange", reason = "fewer workers than reported" }, LeadingTier),
        AlertAction("escalate", new { reason = "needs the joint mechanism" }, LeadingTier),
        AlertAction("resolve", new { outcome = "mediated", note = "agreed" }, LeadingTier),
        AlertAction("close", new { reason = "done" }, LeadingTier),
        AlertAction("reopen", new { reason = "it started again" }),
        // The console's triage, figures and export: every responder, each within their jurisdiction.
        new("Response", "GET", "/api/v1/alerts/triage", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts/triage?status=all&pageSize=200"), Responders),
        new("Response", "GET", "/api/v1/stats/handling", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats/handling"), Responders),
        new("Response", "GET", "/api/v1/alerts/export", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts/export"), Responders),
        new("Response", "GET", "/api/v1/alerts/{id:long}/assignees", (w, _) => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/alerts/{w.AlertId}/assignees"), AlertOfInside),
        // Bulk acknowledge answers per alert: another street's responder is told "not found" for this one, inside a 200.
        new("Response", "POST", "/api/v1/alerts/acknowledge", (w, _) => Json(HttpMethod.Post, "/api/v1/alerts/acknowledge", new { alertIds = new[] { w.AlertId } }), Responders),
        AlertAction("messages", new { text = "we called the station" }),
        // Split out a report the alert does not hold, merge into an alert that does not exist: a 404 for whoever may act.
        new("Response", "POST", "/api/v1/alerts/{id:long}/split", (w, _) => Json(HttpMethod.Post, $"/api/v1/alerts/{w.AlertId}/split",
            new { reportId = Guid.NewGuid(), reason = "not the same station" }), NotFoundForResponders),
        new("Response", "POST", "/api/v1/alerts/{id:long}/merge", (w, _) => Json(HttpMethod.Post, $"/api/v1/alerts/{w.AlertId}/merge",
            new { intoAlertId = long.MaxValue, reason = "same incident" }), NotFoundForResponders),
        // The review queue of reports graded none: responders, within their jurisdiction (an unknown report is a 404).
        new("Response", "GET", "/api/v1/reviews/", (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/v1/reviews/"), Responders),
        new("Response", "POST", "/api/v1/reviews/{reportId:guid}/dismiss", (w, _) => Json(HttpMethod.Post, $"/api/v1/reviews/{w.ReportId}/dismiss", new { reason = "x" }), NotFoundForResponders),
        new("Response", "POST", "/api/v1/reviews/{reportId:guid}/promote", (w, _) => Json(HttpMethod.Post, $"/api/v1/reviews/{w.ReportId}/promote", new { grade = "blue", reason = "x" }), NotFoundForResponders),
    ];

    /// <summary>What no responder can find (the world's report is no review item; an unknown target): 404 for them, 401/403 for others.</summary>
    private static Outcome NotFoundForResponders(Caller c) => IsResponder(c) || c == Caller.Admin ? Outcome.NotFound : Outcome.Refused;

    private static HttpRequestMessage PlatformBatch(World world, Caller caller)
    {
        var report = TestReports.Report(null, "matrix-platform", district: "龙岗区", text: "platform notice: matrix test, 3 riders unpaid");
        report["source"] = "platform";
        report["reporter"] = PlatformPrincipal;
        var body = new JsonArray(report).ToJsonString();
        var key = world.Keys[caller] ?? "";
        var request = IntakeFixture.SignedBatch(key, world.PlatformSecret, body);
        if (world.Keys[caller] is null)
        {
            request.Headers.Authorization = null;
        }

        return request;
    }

    [Fact]
    public void Every_endpoint_of_the_running_Ingest_and_Response_has_a_row_in_the_matrix()
    {
        var endpoints = RunningEndpoints();
        Assert.Contains(endpoints, e => e.Service == "Ingest");
        Assert.Contains(endpoints, e => e.Service == "Response");
        var rows = Matrix.Select(r => (r.Service, r.Method, r.Pattern)).ToHashSet();
        var missing = endpoints.Where(e => !rows.Contains(e)).Select(e => $"{e.Service} {e.Method} {e.Pattern}").ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the authorisation matrix (add one with who may call it):\n" + string.Join("\n", missing));
        var stale = rows.Where(r => !endpoints.Contains(r)).Select(r => $"{r.Service} {r.Method} {r.Pattern}").ToList();
        Assert.True(stale.Count == 0, "Matrix rows for endpoints that no longer exist:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_matrix_says_and_refusals_leak_nothing()
    {
        var world = await BuildWorldAsync();
        var marker = $"matrix-secret-{world.ReportId:N}";
        var station = $"matrix-{world.ReportId:N}"[..24];
        var failures = new List<string>();

        // Refused callers go first, so an action that wrongly succeeded is not hidden by a later 409.
        foreach (var row in Matrix)
        {
            foreach (var caller in Everyone.OrderBy(c => row.Expect(c) == Outcome.Allowed))
            {
                var expected = row.Expect(caller);
                using var client = ClientFor(row.Service, world.Keys[caller]);
                using var request = row.Request(world, caller);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var body = row.Streams && status == 200 ? "" : await response.Content.ReadAsStringAsync();
                var where = $"{caller} {row.Method} {row.Pattern}: expected {expected}, got {status}";
                var ok = expected switch
                {
                    Outcome.Allowed => status is >= 200 and < 300 or 409,
                    Outcome.Refused => status is 401 or 403,
                    Outcome.NotFound => status == 404,
                    _ => false,
                };
                if (!ok)
                {
                    failures.Add($"{where} {Truncate(body)}");
                }

                // Nothing of the alert's report reaches anyone the alert is not for: not in refusals, not in public answers,
                // not in another street's list.
                var mayRead = expected == Outcome.Allowed && (caller is Caller.Admin || (IsResponder(caller) && caller != Caller.ResponderOutside)) && row.Service == "Response";
                if (!mayRead && (body.Contains(marker, StringComparison.Ordinal) || body.Contains(station, StringComparison.Ordinal)))
                {
                    failures.Add($"{where}: the body leaks the report: {Truncate(body)}");
                }

                // The informant's contact reaches only those the reveal row allows, and only from the reveal itself.
                var mayReveal = expected == Outcome.Allowed && row.Pattern.EndsWith("/contact-reveals", StringComparison.Ordinal) && row.Method == "POST";
                if (mayReveal != body.Contains(World.Contact, StringComparison.Ordinal))
                {
                    failures.Add($"{where}: the body {(mayReveal ? "lacks" : "leaks")} the informant's contact: {Truncate(body)}");
                }

                // The leak check can see: a caller who may read the alert finds its report in it.
                if (mayRead && row.Pattern == "/api/v1/alerts/{id:long}" && !body.Contains(marker, StringComparison.Ordinal))
                {
                    failures.Add($"{where}: the alert's own report text is missing from its detail");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Truncate(string body) => body.Length > 300 ? body[..300] + "..." : body;

    private string BaseOf(string service) => service switch
    {
        "Ingest" => riskWatch.System.IngestUrl,
        "Response" => riskWatch.System.ResponseUrl,
        IngestManagement => riskWatch.System.IngestManagementUrl,
        _ => riskWatch.System.ResponseManagementUrl,
    };

    /// <summary>
    /// Issue 14, finding 11: /metrics answered anyone on all three public ports, Ingest's too, and published free-text district
    /// names from anonymous reports as label values. The public ports serve no metrics now; the management ports do, and a
    /// district label is a district of the policy, or "other".
    /// </summary>
    [Fact]
    public async Task Finding_11_metrics_are_on_the_management_port_only_and_district_labels_come_from_the_policy()
    {
        var adminKey = await riskWatch.CreateKeyAsync(Roles.Admin, "admin-metrics");
        foreach (var url in new[] { riskWatch.System.IngestUrl, riskWatch.System.ResponseUrl, riskWatch.System.ScoringUrl })
        {
            using var anonymous = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/metrics")).StatusCode);
            using var admin = new HttpClient { BaseAddress = new Uri(url) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/metrics")).StatusCode);
        }

        // A report naming a district no policy knows: the gauge counts it as "other", and its name is never a label.
        var made = $"Evil{Guid.NewGuid():N}"[..16] + "区";
        var report = TestReports.RedStrike(station: $"metrics-{Guid.NewGuid():N}"[..20], district: made);
        (await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", report)).EnsureSuccessStatusCode();
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM alerts WHERE district = @p", made, 1);

        using var prometheus = new HttpClient { BaseAddress = new Uri(riskWatch.System.ResponseManagementUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(40);
        string metrics;
        do
        {
            metrics = await prometheus.GetStringAsync("/metrics");
            Assert.DoesNotContain(made, metrics, StringComparison.Ordinal);
            await Task.Delay(500);
        }
        while (!metrics.Contains("riskwatch_alerts_open_by_district{district=\"other\"} 1", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.Contains("riskwatch_alerts_open_by_district{district=\"other\"} 1", metrics, StringComparison.Ordinal);
        var districts = metrics.Split('\n').Where(l => l.StartsWith("riskwatch_alerts_open_by_district{", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('"', StringComparison.Ordinal) + 1)..l.LastIndexOf('"')]).ToHashSet();
        Assert.Subset(new HashSet<string>(["龙岗区", "南山区", "福田区", "other", "unknown"]), districts);
        using var ingest = new HttpClient { BaseAddress = new Uri(riskWatch.System.IngestManagementUrl) };
        Assert.Contains("riskwatch_reports_accepted_total", await ingest.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    private HttpClient ClientFor(string service, string? key)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri(BaseOf(service)),
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private async Task<World> BuildWorldAsync()
    {
        await using var dataSource = riskWatch.DataSource();
        // The alert's report is this informant's, so the reveal row has an informant to reveal.
        var informant = await new InformantStore(dataSource, riskWatch.Box).RegisterAsync(World.Contact, consentToShare: true, CancellationToken.None);
        var reportId = Guid.NewGuid();
        var station = $"matrix-{reportId:N}"[..24];
        // Red (hundreds gathered, a road blocked): led by the city, seen by its district and street too.
        var report = TestReports.Report(reportId, station, district: "龙岗区", text: $"站点三百多名骑手在区政府门口聚集讨薪,matrix-secret-{reportId:N},已经堵了路。", workers: 320, status: "underway");
        report["reporter"] = informant.InformantId;
        var keys = new ApiKeyStore(dataSource);
        async Task<string> Key(string role, string principal, Jurisdiction where) => (await keys.CreateAsync(role, principal, where, null, CancellationToken.None)).Key;
        // Sent with the informant's own device key: only such a report lets a responder reach the informant.
        using var send = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(report) };
        send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Key(Roles.Informant, informant.InformantId, Jurisdiction.Everywhere));
        using var submit = await riskWatch.Ingest.SendAsync(send);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var trackingCode = (await submit.Content.ReadFromJsonAsync<JsonObject>())!["trackingCode"]!.GetValue<string>();

        var (platformKey, platformSecret) = await riskWatch.CreatePlatformAsync(PlatformPrincipal);
        var callers = new Dictionary<Caller, string?>
        {
            [Caller.Anonymous] = null,
            [Caller.Informant] = await Key(Roles.Informant, InformantPrincipal, Jurisdiction.Everywhere),
            [Caller.Platform] = platformKey,
            // Reports.Report places the alert in 深圳市 龙岗区 坂田街道; 布吉街道 is the next street of the same district.
            [Caller.ResponderOutside] = await Key(Roles.Responder, "resp-buji", new Jurisdiction("深圳市", "龙岗区", "布吉街道")),
            [Caller.ResponderInside] = await Key(Roles.Responder, "resp-bantian", new Jurisdiction("深圳市", "龙岗区", "坂田街道")),
            [Caller.ResponderDistrict] = await Key(Roles.Responder, "resp-longgang", new Jurisdiction("深圳市", "龙岗区", null)),
            [Caller.ResponderCity] = await Key(Roles.Responder, "resp-shenzhen", new Jurisdiction("深圳市", null, null)),
            [Caller.Admin] = await Key(Roles.Admin, "admin-matrix", Jurisdiction.Everywhere),
        };

        using var admin = ClientFor("Response", callers[Caller.Admin]);
        long alertId = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (alertId == 0)
        {
            var alerts = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/alerts?limit=1000"))!;
            alertId = alerts.FirstOrDefault(a => a!["subject"]!.GetValue<string>() == station)?["id"]!.GetValue<long>() ?? 0;
            Assert.True(alertId != 0 || DateTime.UtcNow < deadline, "The matrix's alert was never raised.");
            await Task.Delay(alertId == 0 ? 100 : 0);
        }

        Assert.Equal("city", await riskWatch.ScalarAsync<string>("SELECT tier FROM alerts WHERE alert_id = @p", alertId));
        return new World(alertId, trackingCode, reportId, informant.InformantId, callers, platformSecret);
    }

    private List<(string Service, string Method, string Pattern)> RunningEndpoints()
    {
        // The embedded system keeps its running apps privately; the matrix reads their routes as they are served.
        var field = typeof(RiskWatch.Host.EmbeddedSystem).GetField("apps", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("EmbeddedSystem no longer keeps its apps in a field named 'apps'; update the matrix test.");
        var apps = (List<WebApplication>)field.GetValue(riskWatch.System)!;
        var result = new List<(string, string, string)>();
        foreach (var app in apps)
        {
            var service = app.Environment.ApplicationName.Replace("RiskWatch.", "", StringComparison.Ordinal);
            if (service is not ("Ingest" or "Response"))
            {
                continue;
            }

            foreach (var (method, pattern) in app.Services.GetRequiredService<RiskWatch.ServiceDefaults.ManagementServer>().Endpoints)
            {
                result.Add((service + " management", method, pattern));
            }

            foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            {
                var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
                foreach (var method in methods)
                {
                    result.Add((service, method, endpoint.RoutePattern.RawText ?? ""));
                }
            }
        }

        return result.Distinct().ToList();
    }
}
