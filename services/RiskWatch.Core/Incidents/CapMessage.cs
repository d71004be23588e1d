using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using RiskWatch.Core.Grading;

namespace RiskWatch.Core.Incidents;

/// <summary>What of an alert goes into a CAP message. No informant identity and no report text go out.</summary>
public sealed record CapAlert(
    long AlertId,
    Grade Grade,
    string Status,
    string Tier,
    string City,
    string? District,
    string? Street,
    string Subject,
    int ReportCount,
    bool Corroborated,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> Reasons,
    string? Outcome);

/// <summary>
/// An alert as an OASIS Common Alerting Protocol 1.2 message, for other government systems. Severity follows the
/// four-level scale: red Extreme, orange Severe, yellow Moderate, blue Minor.
/// </summary>
public static class CapMessage
{
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";
    public const string ContentType = "application/cap+xml";

    public static string Severity(Grade grade) => grade switch
    {
        Grade.Red => "Extreme",
        Grade.Orange => "Severe",
        Grade.Yellow => "Moderate",
        Grade.Blue => "Minor",
        _ => "Unknown",
    };

    /// <summary>Red: act now; orange and yellow: within hours; blue: within days.</summary>
    public static string Urgency(Grade grade) => grade switch
    {
        Grade.Red => "Immediate",
        Grade.Orange or Grade.Yellow => "Expected",
        Grade.Blue => "Future",
        _ => "Unknown",
    };

    /// <summary>Corroborated by independent informants: observed; otherwise likely.</summary>
    public static string Certainty(CapAlert alert) => alert.Corroborated ? "Observed" : "Likely";

    public static XDocument Build(CapAlert alert, string sender, DateTimeOffset sent)
    {
        ArgumentNullException.ThrowIfNull(alert);
        // Place and subject names come from reports and may hold characters XML 1.0 cannot carry (control characters, lone
        // surrogates): the writer threw on them, a 500 (issue 14, finding 6). They are left out; the alert's id identifies it.
        alert = alert with
        {
            City = XmlText(alert.City),
            District = alert.District is null ? null : XmlText(alert.District),
            Street = alert.Street is null ? null : XmlText(alert.Street),
            Subject = XmlText(alert.Subject),
            Reasons = alert.Reasons.Select(XmlText).ToList(),
        };
        XNamespace cap = Namespace;
        var cancelled = alert.Status == AlertStatus.Closed && alert.Outcome == "false_alarm";
        var place = string.Join(" ", new[] { alert.City, alert.District, alert.Street }.Where(p => !string.IsNullOrWhiteSpace(p)));
        // The text is in one language, the one <language> names (zh-CN): grade and tier in Chinese words, not wire names.
        // The model's reasons are English phrases, so they stay in the console rather than mix languages here.
        var description = $"{alert.Subject}（{place}）：{alert.ReportCount} 份报告，{GradeName(alert.Grade)}预警，由{TierName(alert.Tier)}牵头处置。"
            + (alert.Corroborated ? "已有多名信息员独立报告。" : "");
        var info = new XElement(cap + "info",
            new XElement(cap + "language", "zh-CN"),
            new XElement(cap + "category", "Other"),
            new XElement(cap + "event", "劳动关系风险预警"),
            new XElement(cap + "urgency", Urgency(alert.Grade)),
            new XElement(cap + "severity", Severity(alert.Grade)),
            new XElement(cap + "certainty", Certainty(alert)),
            new XElement(cap + "senderName", "RiskWatch 211"),
            new XElement(cap + "headline", $"{GradeName(alert.Grade)}预警 · {alert.Subject}"),
            new XElement(cap + "description", description),
            new XElement(cap + "parameter", new XElement(cap + "valueName", "riskwatchGrade"), new XElement(cap + "value", alert.Grade.ToWire())),
            new XElement(cap + "parameter", new XElement(cap + "valueName", "riskwatchTier"), new XElement(cap + "value", alert.Tier)),
            new XElement(cap + "parameter", new XElement(cap + "valueName", "riskwatchStatus"), new XElement(cap + "value", alert.Status)),
            new XElement(cap + "area", new XElement(cap + "areaDesc", place)));
        var root = new XElement(cap + "alert",
            new XElement(cap + "identifier", $"riskwatch-alert-{alert.AlertId.ToString(CultureInfo.InvariantCulture)}-{alert.UpdatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}"),
            new XElement(cap + "sender", sender),
            new XElement(cap + "sent", Time(sent)),
            new XElement(cap + "status", "Actual"),
            new XElement(cap + "msgType", cancelled ? "Cancel" : "Alert"),
            new XElement(cap + "scope", "Restricted"),
            new XElement(cap + "restriction", "仅限工会应急处置机制及联动部门"),
            new XElement(cap + "note", $"RiskWatch 预警 #{alert.AlertId.ToString(CultureInfo.InvariantCulture)}"),
            info);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    public static string GradeName(Grade grade) => grade switch
    {
        Grade.Red => "红色（Ⅰ级）",
        Grade.Orange => "橙色（Ⅱ级）",
        Grade.Yellow => "黄色（Ⅲ级）",
        Grade.Blue => "蓝色（Ⅳ级）",
        _ => "无风险",
    };

    public static string TierName(string tier) => tier switch
    {
        "street" => "街道工会",
        "district" => "区总工会",
        "city" => "市总工会",
        "joint" => "市劳动关系风险联动处置机制",
        _ => tier,
    };
    /// <summary>The text without the characters XML 1.0 forbids (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone surrogates).</summary>
    public static string XmlText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(c => !XmlConvert.IsXmlChar(c)))
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                kept.Append(text, i, 2);
                i++;
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                kept.Append(text[i]);
            }
        }

        return kept.ToString();
    }

    /// <summary>CAP times carry an explicit offset and no fractional seconds; "Z" is not allowed.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
