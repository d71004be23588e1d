using RiskWatch.Core.Policy;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Triage;
using RiskWatch.Data.Alerts;

namespace RiskWatch.Response.Apis;

public sealed record HandlingFiguresView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HandlingFigures> Figures);

/// <summary>
/// The team's numbers: GET /api/v1/stats/handling (time to acknowledge and to resolve by grade, tier and district, for
/// alerts opened in a period) and GET /api/v1/alerts/export (those alerts with their timeline as CSV, in words).
/// Periods are dates in China time: from=2026-11-01&amp;to=2026-11-30 takes both days whole.
/// </summary>
public static class HandlingReportsApi
{
    /// <summary>At most this many alerts go in one export; the last line says so when a period holds more.</summary>
    public const int MaxExportAlerts = 20_000;

    public static IEndpointRouteBuilder MapHandlingReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats/handling", FiguresAsync).RequireAuthorization(AlertsApi.HandlingPolicy).WithName("HandlingFigures")
            .WithSummary("Time to acknowledge and resolve (median, 90th percentile) by grade, tier and district, for alerts opened from..to (dates, China time; default the last 30 days).");
        app.MapGet("/api/v1/alerts/export", ExportAsync).RequireAuthorization(AlertsApi.HandlingPolicy).WithName("ExportAlerts")
            .WithSummary("CSV of the alerts opened from..to (dates, China time) with every timeline entry in words (lang=zh|en).");
        return app;
    }

    public static async Task<IResult> FiguresAsync(ClaimsPrincipal user, HandlingReports reports, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        if (Period(from, to, clock.GetUtcNow(), out var start, out var end) is { Count: > 0 } errors)
        {
            return ResponseAnswers.Invalid(errors);
        }

        return TypedResults.Ok(new HandlingFiguresView(start, end, await reports.FiguresAsync(AlertsApi.ScopeOf(user, policy), start, end, cancellationToken)));
    }

    public static async Task<IResult> ExportAsync(
        ClaimsPrincipal user, HandlingReports reports, HandlingPolicy policy, TimeProvider clock, CancellationToken cancellationToken, string? from = null, string? to = null, string? lang = null)
    {
        var errors = Period(from, to, clock.GetUtcNow(), out var start, out var end);
        if (lang is not (null or "zh" or "en"))
        {
            errors.Add(new FieldError("lang", "must be zh or en"));
        }

        if (errors.Count > 0)
        {
            return ResponseAnswers.Invalid(errors);
        }

        var language = lang ?? "zh";
        var rows = await reports.ExportAsync(AlertsApi.ScopeOf(user, policy), start, end, MaxExportAlerts + 1, cancellationToken);
        var alertIds = rows.Select(r => r.AlertId).Distinct().ToList();
        var capped = alertIds.Count > MaxExportAlerts;
        var kept = capped ? alertIds.Take(MaxExportAlerts).ToHashSet() : alertIds.ToHashSet();
        var details = rows.ToDictionary(r => r, r => JsonDocument.Parse(r.Detail));
        var reportIds = details.Values.Select(d => d.RootElement.ValueKind == JsonValueKind.Object && d.RootElement.TryGetProperty("reportId", out var id)
            && Guid.TryParse(id.GetString(), out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
        var codes = await reports.TrackingCodesAsync(reportIds, cancellationToken);

        var csv = new StringBuilder(Csv.ByteOrderMark);
        var en = language == "en";
        Csv.AppendLine(csv, en
            ? ["alert", "opened (China time)", "grade", "status", "leading tier", "city", "district", "street", "subject", "reports", "acknowledged", "resolved", "outcome", "missed acknowledge deadline", "escalations", "event time (China time)", "by", "what happened"]
            : ["预警编号", "开启时间（北京时间）", "等级", "状态", "牵头层级", "城市", "区", "街道", "对象", "报告数", "确认时间", "办结时间", "结果", "确认超时", "升级次数", "事件时间（北京时间）", "操作者", "事件"]);
        foreach (var row in rows.Where(r => kept.Contains(r.AlertId)))
        {
            var line = TimelineText.Describe(row.Kind, row.Actor, details[row].RootElement, language, id => codes.GetValueOrDefault(id));
            Csv.AppendLine(csv,
            [
                row.AlertId.ToString(CultureInfo.InvariantCulture), China(row.CreatedAt), row.Grade, row.Status, row.Tier, row.City, row.District, row.Street,
                row.SubjectName, row.ReportCount.ToString(CultureInfo.InvariantCulture), ChinaOrEmpty(row.AcknowledgedAt), ChinaOrEmpty(row.ResolvedAt),
                row.Outcome, row.AcknowledgeMissed ? (en ? "yes" : "是") : (en ? "no" : "否"), row.EscalationCount.ToString(CultureInfo.InvariantCulture),
                China(row.EventAt), line.Actor, line.Text,
            ]);
        }

        if (capped)
        {
            Csv.AppendLine(csv, [en ? $"Only the first {MaxExportAlerts} alerts of the period are here; export a shorter period for the rest." : $"本期间只导出了前 {MaxExportAlerts} 条预警；请缩短时间段导出其余部分。"]);
        }

        foreach (var document in details.Values)
        {
            document.Dispose();
        }

        var fileName = $"riskwatch-alerts-{Date(start)}-{Date(end.AddDays(-1))}.csv";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), Csv.ContentType, fileName);
    }

    /// <summary>Reads from/to (yyyy-MM-dd, China time; to is inclusive), by default the last 30 days up to today.</summary>
    private static List<FieldError> Period(string? from, string? to, DateTimeOffset now, out DateTimeOffset start, out DateTimeOffset end)
    {
        var errors = new List<FieldError>();
        var today = DateOnly.FromDateTime(now.ToOffset(TimelineText.ChinaOffset).DateTime);
        var first = ParseDate(from, "from", today.AddDays(-29), errors);
        var last = ParseDate(to, "to", today, errors);
        if (errors.Count == 0 && last < first)
        {
            errors.Add(new FieldError("to", "must not be before from"));
        }
        else if (errors.Count == 0 && last.DayNumber - first.DayNumber > 366)
        {
            errors.Add(new FieldError("to", "the period must be at most 366 days"));
        }

        start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimelineText.ChinaOffset);
        end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimelineText.ChinaOffset);
        return errors;
    }

    private static DateOnly ParseDate(string? value, string field, DateOnly fallback, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new FieldError(field, "must be a date like 2026-11-30"));
        return fallback;
    }

    private static string Date(DateTimeOffset at) => at.ToOffset(TimelineText.ChinaOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string China(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(TimelineText.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string ChinaOrEmpty(DateTime? utc) => utc is { } t ? China(t) : "";
}
