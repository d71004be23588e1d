using System.Globalization;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml;

/// <summary>
/// The facts behind a grade in words a responder understands, in Chinese and English (<see cref="GradeReason"/>),
/// strongest first. Counts read as people say them: "1 worker", "2 workers"; 1 名工人.
/// </summary>
public static class Explanations
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IReadOnlyList<GradeReason> Describe(ReportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var s = facts.Signals;
        var r = new List<GradeReason>();
        if (s.SelfHarm) r.Add(Sign(HardSignals.SelfHarm));
        if (s.Death) r.Add(Sign(HardSignals.Death));
        if (s.RoadBlock) r.Add(Sign(HardSignals.RoadBlock));
        if (s.GovernmentGathering) r.Add(new("到政府部门聚集", "a gathering at government offices"));
        if (s.Arrests) r.Add(Sign(HardSignals.Arrest));
        if (s.Violence) r.Add(Sign(HardSignals.Violence));
        if (facts.Workers is { } w)
        {
            r.Add(facts.WorkersFromText
                ? new(Format($"涉及 {w} 名工人（从正文读出）"), Format($"{Workers(w)} affected (read from the text)"))
                : new(Format($"涉及 {w} 名工人"), Format($"{Workers(w)} affected")));
        }
        else if (facts.UnknownGroup)
        {
            r.Add(new("涉及人数不明的一群工人", "a group of workers of unknown size"));
        }

        switch (facts.Action)
        {
            case ActionStatus.Underway:
                r.Add(new("集体行动正在进行", "collective action under way"));
                break;
            case ActionStatus.Planned:
                r.Add(facts.HoursUntilAction is { } h
                    ? new(Format($"约 {h:F0} 小时后有集体行动"), Format($"collective action planned in about {Count(Math.Round(h), "hour", "hours")}"))
                    : new("计划集体行动", "collective action planned"));
                break;
            case ActionStatus.Rumoured:
                r.Add(new("有集体行动的传言", "collective action rumoured"));
                break;
        }

        if (facts.AmountCny is { } a)
        {
            r.Add(Owed(a));
        }

        if (s.SeriousInjury) r.Add(Sign(HardSignals.SeriousInjury));
        if (s.SafetyHazard) r.Add(new("存在安全隐患", "a safety hazard"));
        if (s.ClosureUnsettled) r.Add(new("关停或搬迁，工资或押金未结清", "a closure with pay or deposits unsettled"));
        if (s.NonLabourNoise && facts.Action == ActionStatus.None) r.Add(new("像广告、通知、测试或消费投诉", "reads like an advert, notice, test or consumer complaint"));
        return r;
    }

    /// <summary>A hard sign found in the report.</summary>
    public static GradeReason Sign(HardSignals sign) => sign switch
    {
        HardSignals.Death => new("有工人死亡", "a worker died"),
        HardSignals.SelfHarm => new("有人以自伤、自杀相威胁", "someone threatens self-harm"),
        HardSignals.Violence => new("发生暴力或以暴力相威胁", "violence or a threat of it"),
        HardSignals.Arrest => new("有人被警方带走", "workers taken away by the police"),
        HardSignals.RoadBlock => new("堵路、堵门或计划堵路", "a road or gate is blocked, or a block is planned"),
        HardSignals.OfficeGathering => new("工人到政府部门或公司办公场所聚集", "workers gather at government or company offices"),
        HardSignals.SeriousInjury => new("有工人重伤", "a worker seriously injured"),
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, "Not a single hard sign."),
    };

    /// <summary>A hard sign the sign model is unsure of: shown for a person to check, it raises no grade by itself.</summary>
    public static GradeReason PossibleSign(HardSignals sign)
    {
        var named = Sign(sign);
        return new($"可能：{named.Zh}（模型不确定，请核实）", $"possibly: {named.En} (the model is unsure; please check)");
    }

    public static GradeReason Owed(decimal amountCny) => new(Format($"拖欠 {amountCny:N0} 元"), Format($"{amountCny:N0} CNY owed"));

    /// <summary>"1 worker", "2 workers".</summary>
    public static string Workers(int count) => Count(count, "worker", "workers");

    private static string Count(double count, string one, string many) => Format($"{count:N0} {(count == 1 ? one : many)}");

    private static string Format(FormattableString text) => text.ToString(C);
}
