using System.Globalization;
using System.Text.Json;
using RiskWatch.Core.Incidents;

namespace RiskWatch.Core.Triage;

/// <summary>A timeline entry in words: who (a person, the model, the policy, the deadline timer) and what happened.</summary>
public sealed record TimelineLine(string Actor, string Text);

/// <summary>
/// Puts an alert's timeline in the words of the console's language (Simplified Chinese or English), times in China time:
/// "模型 m-20261120 定级为红色，开启预警（报告 RW-3K7QD-M2X9A）". Report ids become tracking codes, and nothing of the
/// stored detail appears as JSON or as an id nobody can read. Pure: the console, the CSV export and tests use it alike.
/// </summary>
public static class TimelineText
{
    /// <summary>China Standard Time: UTC+8 all year (no daylight saving since 1991).</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static TimelineLine Describe(string kind, string actor, JsonElement detail, string language, Func<Guid, string?>? trackingCode = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(actor);
        var w = language == "en" ? Words.En : Words.Zh;
        var d = new Detail(detail);
        var who = Actor(actor, w);
        string Report() => d.Guid("reportId") is { } id ? trackingCode?.Invoke(id) ?? w.AReport : w.AReport;
        string Grade(string field) => w.Grade(d.String(field));
        string Tier(string field) => w.Tier(d.String(field));
        string Team() => d.String("team") is { Length: > 0 } team ? w.Paren(team) : "";
        string Reason() => d.String("reason") is { Length: > 0 } reason ? w.Because(reason) : "";
        string Note(string field) => d.String(field) is { Length: > 0 } note ? w.Colon(note) : "";
        string Due(string field, string what) => d.Time(field) is { } at ? w.DueBy(what, Time(at, language)) : "";

        var text = kind switch
        {
            "opened" => w.Opened(who, Grade("grade"), Report()),
            "routed" => w.Routed(d.String("policyVersion") ?? PolicyOf(actor), Tier("tier"), Team(), d.Strings("alsoTold").Select(w.Tier).ToList())
                + Due("acknowledgeDueAt", w.AcknowledgeWord) + Due("actDueAt", w.ActWord),
            "report_joined" => w.Joined(Report(), Grade("grade"), d.Int("informants")),
            "regraded" when actor.StartsWith("model:", StringComparison.Ordinal) => w.ModelRaised(who, Grade("from"), Grade("to"), Report()),
            "regraded" => w.Regraded(who, Grade("from"), Grade("to"), Reason(), d.String("tier") is { } t ? w.Tier(t) : null),
            "corroborated" => w.Corroborated(d.Int("informants"), Grade("from"), Grade("to")),
            "superseded" => w.Superseded(d.String("groupingWindow") ?? "", Report(), d.Long("byAlertId")),
            "acknowledged" => w.Acknowledged(who, d.Int("secondsToAcknowledge") is { } s ? Duration(TimeSpan.FromSeconds(s), language) : null),
            "assigned" => w.Assigned(who, d.String("assignee") ?? "?") + Note("note"),
            "note" => w.Noted(who) + Note("text"),
            "escalated" when actor == AlertActors.Timer => w.TimerEscalated(Tier("from"), Tier("to"), Team()) + Due("acknowledgeDueAt", w.AcknowledgeWord),
            "escalated" => w.Escalated(who, Tier("from"), Tier("to"), Team()) + Reason(),
            "resolved" => w.Resolved(who, w.Outcome(d.String("outcome"))) + Note("note"),
            "closed" => w.Closed(who) + Note("note"),
            "reopened" => w.Reopened(who) + Reason(),
            "deadline_missed" => w.Missed(d.String("deadline") == "act" ? w.ActWord : w.AcknowledgeWord,
                d.Time("dueAt") is { } due ? Time(due, language) : "?", Tier("tier")),
            "reminded" => w.Reminded(d.Int("reminder") ?? 0, d.Int("of") ?? 0, Tier("tier")) + Due("acknowledgeDueAt", w.AcknowledgeWord),
            "escalation_exhausted" => w.Exhausted(Tier("tier"), d.Int("reminders") ?? 0),
            "informant_message" => w.Messaged(who) + Note("text"),
            "promoted" => w.Promoted(who, Report(), Grade("grade"), d.Bool("joined")) + Reason(),
            "merged" => w.Merged(who, d.Long("intoAlertId"), d.Int("reports") ?? 0) + Reason(),
            "merged_in" => w.MergedIn(who, d.Long("fromAlertId"), d.Int("reports") ?? 0) + Reason(),
            "split_out" => w.SplitOut(who, Report(), d.Long("toAlertId")) + Reason(),
            "split_from" => w.SplitFrom(who, Report(), d.Long("fromAlertId")) + Reason(),
            _ => w.Other(who, kind),
        };
        return new TimelineLine(who, text);
    }

    /// <summary>Who made a change, in words: a person by their principal, the model and policy with their versions, the timer.</summary>
    public static string Actor(string actor, string language) => Actor(actor ?? "", language == "en" ? Words.En : Words.Zh);

    private static string Actor(string actor, Words w) => actor switch
    {
        AlertActors.Timer => w.Timer,
        _ when actor.StartsWith("model:", StringComparison.Ordinal) => w.Model(actor["model:".Length..]),
        _ when actor.StartsWith("policy:", StringComparison.Ordinal) => w.Policy(actor["policy:".Length..]),
        _ => actor,
    };

    private static string PolicyOf(string actor) => actor.StartsWith("policy:", StringComparison.Ordinal) ? actor["policy:".Length..] : "";

    /// <summary>"11月20日 08:45" or "20 Nov 08:45", China time.</summary>
    public static string Time(DateTimeOffset at, string language)
    {
        var local = at.ToOffset(ChinaOffset);
        return language == "en"
            ? local.ToString("d MMM HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("M月d日 HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>"3 分 20 秒", "2 小时 5 分", "1 天 3 小时"; English "3 min 20 s".</summary>
    public static string Duration(TimeSpan span, string language)
    {
        var en = language == "en";
        span = span.Duration();
        if (span.TotalDays >= 1)
        {
            return en ? $"{(int)span.TotalDays} d {span.Hours} h" : $"{(int)span.TotalDays} 天 {span.Hours} 小时";
        }

        if (span.TotalHours >= 1)
        {
            return en ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalHours} 小时 {span.Minutes} 分";
        }

        if (span.TotalMinutes >= 1)
        {
            return en ? $"{span.Minutes} min {span.Seconds} s" : $"{span.Minutes} 分 {span.Seconds} 秒";
        }

        return en ? $"{span.Seconds} s" : $"{span.Seconds} 秒";
    }

    private readonly struct Detail(JsonElement element)
    {
        private JsonElement? Get(string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        public string? String(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : Get(name)?.ToString();

        public Guid? Guid(string name) => System.Guid.TryParse(String(name), out var id) ? id : null;

        public int? Int(string name) => Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var n) ? n : null;

        public long? Long(string name) => Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

        public bool Bool(string name) => Get(name) is { ValueKind: JsonValueKind.True };

        public DateTimeOffset? Time(string name) =>
            DateTimeOffset.TryParse(String(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

        public IEnumerable<string> Strings(string name) => Get(name) is { ValueKind: JsonValueKind.Array } v
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)
            : [];
    }

    /// <summary>The sentences of one language.</summary>
    private sealed class Words
    {
        public static readonly Words Zh = new(en: false);
        public static readonly Words En = new(en: true);

        private readonly bool en;

        private Words(bool en) => this.en = en;

        public string Timer => en ? "The deadline timer" : "计时器";
        public string AReport => en ? "a report" : "一份报告";
        public string AcknowledgeWord => en ? "acknowledge" : "确认";
        public string ActWord => en ? "first action" : "首次处置";

        public string Model(string version) => en ? $"Model {version}" : $"模型 {version}";

        public string Policy(string version) => en ? $"Policy {version}" : $"处置策略 {version}";

        public string Grade(string? grade) => (en, grade) switch
        {
            (false, "red") => "红色", (false, "orange") => "橙色", (false, "yellow") => "黄色", (false, "blue") => "蓝色", (false, "none") => "无风险",
            (true, { } g) => g,
            _ => "?",
        };

        public string Tier(string? tier) => (en, tier) switch
        {
            (false, "street") => "街道", (false, "district") => "区级", (false, "city") => "市级", (false, "joint") => "市联动机制",
            (true, "joint") => "the joint mechanism", (true, { } t) => t + " level",
            _ => "?",
        };

        public string Outcome(string? outcome) => (en, outcome) switch
        {
            (false, "mediated") => "调解成功", (false, "wages_paid") => "工资已支付", (false, "referred_to_labour_inspection") => "移交劳动监察",
            (false, "false_alarm") => "误报", (false, "other") => "其他",
            (true, "referred_to_labour_inspection") => "referred to labour inspection", (true, "wages_paid") => "wages paid",
            (true, "false_alarm") => "false alarm", (true, { } o) => o,
            _ => "?",
        };

        public string Paren(string text) => en ? $" ({text})" : $"（{text}）";

        public string Colon(string text) => en ? $": {text}" : $"：{text}";

        public string Because(string reason) => en ? $"; reason: {reason}" : $"，理由：{reason}";

        public string DueBy(string what, string time) => en ? $"; {what} by {time}" : $"；{time} 前{what}";

        private static string AlertNo(long? id) => id is { } n ? $"#{n.ToString(CultureInfo.InvariantCulture)}" : "#?";

        public string Opened(string who, string grade, string report) =>
            en ? $"{who} graded it {grade} and opened the alert (report {report})" : $"{who} 定级为{grade}，开启预警（报告 {report}）";

        public string Routed(string version, string tier, string team, IReadOnlyList<string> alsoTold) => en
            ? $"Policy {version}: led by the {tier}{team}" + (alsoTold.Count > 0 ? $", also told: {string.Join(", ", alsoTold)}" : "")
            : $"按处置策略 {version}：由{tier}牵头{team}" + (alsoTold.Count > 0 ? $"，同时告知{string.Join("、", alsoTold)}" : "");

        public string Joined(string report, string grade, int? informants) => en
            ? $"Report {report} joined (graded {grade})" + (informants is { } count ? $"; {count} informant(s) now" : "")
            : $"报告 {report} 并入（模型定级{grade}）" + (informants is { } people ? $"，现有 {people} 名信息员" : "");

        public string ModelRaised(string who, string from, string to, string report) =>
            en ? $"{who} raised the grade from {from} to {to} (report {report})" : $"{who} 根据报告 {report} 将等级由{from}调高为{to}";

        public string Regraded(string who, string from, string to, string reason, string? tier) => en
            ? $"{who} changed the grade from {from} to {to}{reason}" + (tier is null ? "" : $"; now led by the {tier}")
            : $"{who} 将等级由{from}调整为{to}{reason}" + (tier is null ? "" : $"；改由{tier}牵头");

        public string Corroborated(int? informants, string from, string to) => en
            ? $"{informants} independent informants: the policy raised the grade from {from} to {to}"
            : $"{informants} 名信息员独立报告，按处置策略将等级由{from}提高为{to}";

        public string Superseded(string window, string report, long? by) => en
            ? $"No report for {window}: report {report} opened a new alert {AlertNo(by)}"
            : $"超过 {window} 没有新报告，报告 {report} 开启了新预警 {AlertNo(by)}";

        public string Acknowledged(string who, string? after) =>
            en ? $"{who} acknowledged it" + (after is null ? "" : $" ({after} after opening)") : $"{who} 确认接收" + (after is null ? "" : $"（开启后 {after}）");

        public string Assigned(string who, string assignee) => en ? $"{who} assigned it to {assignee}" : $"{who} 指派给 {assignee}";

        public string Noted(string who) => en ? $"{who} added a note" : $"{who} 添加备注";

        public string TimerEscalated(string from, string to, string team) => en
            ? $"Not acknowledged in time: the deadline timer escalated it from the {from} to the {to}{team}"
            : $"未在时限内确认，计时器将预警由{from}升级至{to}{team}";

        public string Escalated(string who, string from, string to, string team) =>
            en ? $"{who} escalated it from the {from} to the {to}{team}" : $"{who} 将预警由{from}上报至{to}{team}";

        public string Resolved(string who, string outcome) => en ? $"{who} resolved it: {outcome}" : $"{who} 办结：{outcome}";

        public string Closed(string who) => en ? $"{who} closed it" : $"{who} 关闭预警";

        public string Reopened(string who) => en ? $"{who} reopened it" : $"{who} 重新打开预警";

        public string Missed(string what, string due, string tier) =>
            en ? $"The {what} deadline ({due}) passed; the {tier} had not acted" : $"{what}时限（{due}）已过，{tier}未按时{what}";

        public string Reminded(int n, int of, string tier) => en ? $"Reminder {n} of {of} to the {tier}" : $"第 {n}/{of} 次提醒{tier}确认";

        public string Exhausted(string tier, int reminders) =>
            en ? $"Still not acknowledged by the {tier} after {reminders} reminders; reminders stop" : $"已提醒{tier} {reminders} 次仍未确认，停止自动提醒";

        public string Messaged(string who) => en ? $"{who} sent the informants a message" : $"{who} 给信息员发送消息";

        public string Promoted(string who, string report, string grade, bool joined) => en
            ? $"{who} reviewed report {report} (the model saw no risk) and graded it {grade}" + (joined ? "; it joined this alert" : "; it opened this alert")
            : $"{who} 复核报告 {report}（模型判定无风险）后定级为{grade}" + (joined ? "，并入本预警" : "，开启本预警");

        public string Merged(string who, long? into, int reports) =>
            en ? $"{who} merged this alert into {AlertNo(into)} ({reports} report(s) moved)" : $"{who} 将本预警并入 {AlertNo(into)}（移交 {reports} 份报告）";

        public string MergedIn(string who, long? from, int reports) =>
            en ? $"{who} merged alert {AlertNo(from)} into this one ({reports} report(s))" : $"{who} 将预警 {AlertNo(from)} 并入本预警（{reports} 份报告）";

        public string SplitOut(string who, string report, long? to) =>
            en ? $"{who} split report {report} out into a new alert {AlertNo(to)}" : $"{who} 将报告 {report} 拆出为新预警 {AlertNo(to)}";

        public string SplitFrom(string who, string report, long? from) =>
            en ? $"{who} split report {report} out of alert {AlertNo(from)} into this one" : $"{who} 将报告 {report} 从预警 {AlertNo(from)} 拆出，成为本预警";

        public string Other(string who, string kind) => en ? $"{who}: {kind.Replace('_', ' ')}" : $"{who}：{kind.Replace('_', ' ')}";
    }
}
