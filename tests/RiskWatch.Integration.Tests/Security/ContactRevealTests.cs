using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using RiskWatch.Cli.Commands;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;
using RiskWatch.Integration.Tests.Intake;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>
/// Revealing an informant's contact: only for an alert of the responder's jurisdiction that holds the informant's
/// report, only with the informant's consent, always with a reason, and every request (refusals too) in the audit log
/// with who, why, for which alert and what came of it, never the contact itself.
/// </summary>
public sealed class ContactRevealTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    private const string Reason = "核实欠薪人数,联系信息员了解站点情况";

    /// <summary>An informant registered with the given consent, whose device sent a report through the form, and that report's alert.</summary>
    private async Task<(string InformantId, string Contact, long AlertId)> InformantWithAlertAsync(bool consent, string district = "龙岗区")
    {
        var contact = $"手机 139{Random.Shared.Next(10_000_000, 99_999_999)}";
        await using var dataSource = riskWatch.DataSource();
        var informant = await new InformantStore(dataSource, riskWatch.Box).RegisterAsync(contact, consent, CancellationToken.None);
        var (deviceKey, _) = await new ApiKeyStore(dataSource).CreateAsync(Roles.Informant, informant.InformantId, Jurisdiction.Everywhere, null, CancellationToken.None);

        var report = TestReports.RedStrike(station: $"reveal-{informant.InformantId}", district: district);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/form/reports") { Content = JsonContent.Create(report) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deviceKey);
        using var accepted = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var reportId = Guid.Parse(report["reportId"]!.GetValue<string>());
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND alert_id IS NOT NULL", reportId, 1);
        var alertId = await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", reportId);
        return (informant.InformantId, contact, alertId);
    }

    private async Task<string> KeyAsync(string role, string principal, Jurisdiction where)
    {
        await using var dataSource = riskWatch.DataSource();
        return (await new ApiKeyStore(dataSource).CreateAsync(role, principal, where, null, CancellationToken.None)).Key;
    }

    private async Task<HttpResponseMessage> RevealAsync(string key, string informantId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/informants/{informantId}/contact-reveals") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await riskWatch.Ingest.SendAsync(request);
    }

    private async Task<JsonArray> AuditLogAsync(string? informantId = null)
    {
        var admin = await KeyAsync(Roles.Admin, "auditor", Jurisdiction.Everywhere);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/contact-reveals?informantId={informantId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    [Fact]
    public async Task A_responder_of_the_alerts_street_sees_the_contact_and_the_audit_log_records_who_why_and_for_which_alert_but_never_the_contact()
    {
        var (informantId, contact, alertId) = await InformantWithAlertAsync(consent: true);
        // The key spells the places short, as people do: 深圳 for 深圳市, 坂田 for 坂田街道.
        var responder = await KeyAsync(Roles.Responder, "resp-bantian-reveal", new Jurisdiction("深圳", "龙岗", "坂田"));

        using var revealed = await RevealAsync(responder, informantId, new { alertId, reason = Reason });

        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var view = (await revealed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(contact, view["contact"]!.GetValue<string>());
        Assert.Equal(alertId, view["alertId"]!.GetValue<long>());

        var entry = (await AuditLogAsync(informantId)).Single()!;
        Assert.Equal(view["revealId"]!.GetValue<long>(), entry["revealId"]!.GetValue<long>());
        Assert.Equal("resp-bantian-reveal", entry["principal"]!.GetValue<string>());
        Assert.Equal("responder", entry["role"]!.GetValue<string>());
        Assert.Equal(responder.Split('_')[1], entry["keyId"]!.GetValue<string>());
        Assert.Equal("api", entry["channel"]!.GetValue<string>());
        Assert.Equal(alertId, entry["alertId"]!.GetValue<long>());
        Assert.Equal(Reason, entry["reason"]!.GetValue<string>());
        Assert.Equal("revealed", entry["outcome"]!.GetValue<string>());
        Assert.True(DateTime.UtcNow - entry["at"]!.GetValue<DateTime>() < TimeSpan.FromMinutes(1));

        // The whole audit table, as a database copy would show it, holds nothing of the contact.
        await using var connection = new NpgsqlConnection(riskWatch.System.ConnectionString);
        var rows = await connection.QueryAsync<string>("SELECT row_to_json(r)::text FROM contact_reveals r");
        Assert.All(rows, row => Assert.DoesNotContain(contact[3..], row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_the_jurisdiction_or_for_an_alert_without_the_informants_report_the_answer_is_the_404_of_an_unknown_informant_and_is_recorded()
    {
        var (informantId, contact, alertId) = await InformantWithAlertAsync(consent: true);
        var (_, _, otherAlert) = await InformantWithAlertAsync(consent: true);
        var nextStreet = await KeyAsync(Roles.Responder, "resp-buji-reveal", new Jurisdiction("深圳市", "龙岗区", "布吉街道"));
        var ownStreet = await KeyAsync(Roles.Responder, "resp-bantian-other", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));

        var answers = new[]
        {
            await RevealAsync(nextStreet, informantId, new { alertId, reason = Reason }),         // another street's alert
            await RevealAsync(ownStreet, informantId, new { alertId = otherAlert, reason = Reason }), // their alert, not the informant's report
            await RevealAsync(ownStreet, "inf-0000000000", new { alertId, reason = Reason }),      // nobody
        };

        var bodies = new List<JsonObject>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(contact[3..], body, StringComparison.Ordinal);
            bodies.Add(JsonNode.Parse(body)!.AsObject());
        }

        // The same answer as for an informant who does not exist: type, title, and the detail up to the ids asked for.
        string WithoutIds(JsonObject body) => body["detail"]!.GetValue<string>()
            .Replace(informantId, "ID", StringComparison.Ordinal).Replace("inf-0000000000", "ID", StringComparison.Ordinal)
            .Replace($" {alertId} ", " N ", StringComparison.Ordinal).Replace($" {otherAlert} ", " N ", StringComparison.Ordinal);
        var unknown = bodies[2];
        foreach (var body in bodies)
        {
            Assert.Equal(unknown["type"]!.GetValue<string>(), body["type"]!.GetValue<string>());
            Assert.Equal(unknown["title"]!.GetValue<string>(), body["title"]!.GetValue<string>());
            Assert.Equal(WithoutIds(unknown), WithoutIds(body));
        }

        var log = await AuditLogAsync(informantId);
        Assert.Equal(["not_found", "not_found"], log.Select(e => e!["outcome"]!.GetValue<string>()));
        Assert.Equal(["resp-bantian-other", "resp-buji-reveal"], log.Select(e => e!["principal"]!.GetValue<string>()));
        Assert.Contains(await AuditLogAsync("inf-0000000000"), e => e!["outcome"]!.GetValue<string>() == "not_found");
    }

    [Fact]
    public async Task A_report_that_only_names_an_informant_does_not_let_a_responder_reveal_them_and_a_key_cannot_report_as_another()
    {
        // The informant is real and consented, but the report naming them came without their key: a responder who
        // sent it, or anybody, must not be able to reach the informant through it. Since issue 14 (finding 3) such a
        // report is refused at intake; one produced straight to Kafka still gets in, and must not open the informant.
        var (informantId, contact, _) = await InformantWithAlertAsync(consent: true);
        var forged = TestReports.RedStrike(station: $"forged-{informantId}");
        forged["reporter"] = informantId;
        using (var anonymous = await riskWatch.Ingest.PostAsJsonAsync("/api/v1/reports", forged))
        {
            Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        }

        await Kcat.ProduceAsync(riskWatch.System.BootstrapServers, riskWatch.System.Kafka.ReportsTopic, TestReports.IncidentKeyOf(forged), [forged.ToJsonString()]);

        var forgedId = Guid.Parse(forged["reportId"]!.GetValue<string>());
        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p AND alert_id IS NOT NULL", forgedId, 1);
        var forgedAlert = await riskWatch.CountAsync("SELECT alert_id FROM reports WHERE report_id = @p", forgedId);
        var responder = await KeyAsync(Roles.Responder, "resp-bantian-forged", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));

        using var answer = await RevealAsync(responder, informantId, new { alertId = forgedAlert, reason = Reason });

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.DoesNotContain(contact[3..], await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("not_found", (await AuditLogAsync(informantId)).Single(e => e!["principal"]!.GetValue<string>() == "resp-bantian-forged")!["outcome"]!.GetValue<string>());

        // With a key, a report speaks for that key: another informant's key cannot send it under this informant's id.
        await using var dataSource = riskWatch.DataSource();
        var other = await new InformantStore(dataSource, riskWatch.Box).RegisterAsync("手机 13900000000", true, CancellationToken.None);
        var otherKey = await KeyAsync(Roles.Informant, other.InformantId, Jurisdiction.Everywhere);
        var impersonation = TestReports.RedStrike(station: $"impersonated-{informantId}");
        impersonation["reporter"] = informantId;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = JsonContent.Create(impersonation) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", otherKey);
        using var refused = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(other.InformantId, problem["errors"]!["reporter"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_consent_the_reveal_is_refused_with_403_and_recorded_and_an_admin_may_reveal_for_any_alert_holding_the_report()
    {
        var (refusing, refusingContact, refusingAlert) = await InformantWithAlertAsync(consent: false);
        var (agreeing, agreeingContact, southAlert) = await InformantWithAlertAsync(consent: true, district: "南山区");
        var admin = await KeyAsync(Roles.Admin, "admin-reveal", Jurisdiction.Everywhere);

        using var refused = await RevealAsync(admin, refusing, new { alertId = refusingAlert, reason = Reason });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.EndsWith("/contact-not-shared", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(refusingContact[3..], problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("no_consent", (await AuditLogAsync(refusing)).Single()!["outcome"]!.GetValue<string>());

        using var shown = await RevealAsync(admin, agreeing, new { alertId = southAlert, reason = Reason });
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(agreeingContact, (await shown.Content.ReadFromJsonAsync<JsonObject>())!["contact"]!.GetValue<string>());
        Assert.Equal("admin", (await AuditLogAsync(agreeing)).Single()!["role"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"reason":"核实欠薪人数,联系信息员"}""", "alertId")]
    [InlineData("""{"alertId":0,"reason":"核实欠薪人数,联系信息员"}""", "alertId")]
    [InlineData("""{"alertId":1}""", "reason")]
    [InlineData("""{"alertId":1,"reason":"   "}""", "reason")]
    [InlineData("""{"alertId":1,"reason":"call"}""", "reason")]
    [InlineData("""{"alertId":1,"reason":"long enough \u0000 reason"}""", "reason")]
    [InlineData("""{"alertId":"one","reason":"核实欠薪人数,联系信息员"}""", "alertId")]
    [InlineData("""not json""", "$")]
    [InlineData("", "$")]
    public async Task A_reveal_without_an_alert_or_a_real_reason_is_a_validation_problem_naming_the_field_and_reveals_nothing(string body, string field)
    {
        var (informantId, contact, _) = await InformantWithAlertAsync(consent: true);
        var responder = await KeyAsync(Roles.Responder, "resp-careless", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/informants/{informantId}/contact-reveals")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", responder);

        using var response = await riskWatch.Ingest.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotEmpty(problem["errors"]![field]!.AsArray());
        Assert.DoesNotContain(contact[3..], problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(await AuditLogAsync(informantId));
    }

    [Fact]
    public async Task Only_admins_read_the_audit_log_and_nobody_can_edit_or_delete_its_rows()
    {
        var (informantId, _, alertId) = await InformantWithAlertAsync(consent: true);
        var responder = await KeyAsync(Roles.Responder, "resp-curious", new Jurisdiction("深圳市", "龙岗区", "坂田街道"));
        using (await RevealAsync(responder, informantId, new { alertId, reason = Reason }))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/contact-reveals");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", responder);
        using var refused = await riskWatch.Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await using var connection = new NpgsqlConnection(riskWatch.System.ConnectionString);
        var edit = await Assert.ThrowsAsync<PostgresException>(() =>
            connection.ExecuteAsync("UPDATE contact_reveals SET reason = 'nothing to see' WHERE informant_id = @informantId", new { informantId }));
        Assert.Contains("audit log", edit.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM contact_reveals WHERE informant_id = @informantId", new { informantId }));
        Assert.Equal(Reason, (await AuditLogAsync(informantId)).Single()!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_command_line_reveal_needs_a_reason_and_is_recorded_as_the_operator_who_ran_it()
    {
        var (informantId, contact, alertId) = await InformantWithAlertAsync(consent: true);

        Assert.NotEmpty(InformantsCommand.Create().Parse(["contact", informantId]).Errors);
        Assert.NotEmpty(InformantsCommand.Create().Parse(["contact", informantId, "--reason", "call"]).Errors);
        Assert.Empty(InformantsCommand.Create().Parse(["contact", informantId, "--reason", Reason, "--alert", "7"]).Errors);

        await using var dataSource = riskWatch.DataSource();
        var store = new InformantStore(dataSource, riskWatch.Box);
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await InformantsCommand.RevealAsync(store, informantId, null, "the informant asked to be called back", RevealActor.CommandLine(),
            output, errors, CancellationToken.None);
        var wrongAlert = await InformantsCommand.RevealAsync(store, informantId, alertId + 1_000, Reason, RevealActor.CommandLine(),
            new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Equal(contact, output.ToString().Trim());
        Assert.Equal(1, wrongAlert);
        var log = await AuditLogAsync(informantId);
        Assert.Equal(["not_found", "revealed"], log.Select(e => e!["outcome"]!.GetValue<string>()));
        var entry = log[1]!;
        Assert.Equal(("operator", "cli"), (entry["role"]!.GetValue<string>(), entry["channel"]!.GetValue<string>()));
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", entry["principal"]!.GetValue<string>());
        Assert.Null(entry["alertId"]);

        var listed = new StringWriter();
        InformantsCommand.WriteReveals(await store.ListRevealsAsync(informantId, null, 10, CancellationToken.None), listed);
        Assert.Contains("the informant asked to be called back", listed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(contact[3..], listed.ToString(), StringComparison.Ordinal);
    }
}
