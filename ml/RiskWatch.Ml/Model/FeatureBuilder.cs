using Microsoft.ML.Data;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Signals;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Model;

/// <summary>
/// Turns a report into the model's feature vector: hashed text n-grams (<see cref="TextNgramHasher"/>,
/// slots 0 .. <see cref="TextSlots"/> - 1) followed by a dense block of structured fields, numbers read
/// from the text where fields are missing, keyword flags, and the grades the floors and the rule
/// grader give (<see cref="DenseLength"/> slots from <see cref="DenseOffset"/>). Dense features are
/// bounded to about [0, 1] so that the linear trainer weighs them on the same scale as the
/// L2-normalised n-grams. The vector is sparse: a report sets a few hundred of its slots.
/// </summary>
public static class FeatureBuilder
{
    public const int DenseLength = 96;

    /// <summary>Where the hard-sign probabilities go (one slot per sign, <see cref="HardSignalNames.All"/> order), filled from
    /// the sign models after the rest of the vector is built.</summary>
    public const int SignOffset = 78;

    /// <summary>Where the learned facts' probabilities go (<see cref="FactSignNames.All"/> order).</summary>
    public const int FactOffset = 85;

    /// <summary>Where the floors' conjunctions of learned signs go (<see cref="WriteConjunctions"/>): the last dense slots.</summary>
    public const int ConjunctionOffset = 93;

    public const int ConjunctionCount = 3;

    public const int TextSlots = TextNgramHasher.Slots;

    public const int DenseOffset = TextSlots;

    /// <summary>Length of the feature vector the model is trained on.</summary>
    public const int Length = TextSlots + DenseLength;

    private static readonly string[] Categories =
        ["wage_arrears", "collective_action", "pay_rule_change", "account_deactivation", "safety_incident", "working_hours", "social_insurance", "outsourcing_dispute", "closure_relocation", "other"];

    private static readonly string[] Sectors =
        ["food_delivery", "courier", "ride_hailing", "freight", "domestic_service", "manufacturing", "construction", "other"];

    private static readonly string[] SubjectKinds = ["platform", "site", "enterprise", "agent", "other"];

    /// <summary>Names of the dense features, index by index, for explanations.</summary>
    public static readonly IReadOnlyList<string> DenseNames = BuildNames();

    [ThreadStatic]
    private static FeatureVectorBuilder? t_builder;

    /// <summary>The model's input for one report, in arrays of its own (training keeps every row).</summary>
    public static ModelInput Build(ReportV1 report, ReportFacts facts, Grade? label = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(facts);
        var builder = t_builder ??= new FeatureVectorBuilder();
        var floor = GradeFloors.Highest(GradeFloors.Evaluate(facts));
        var shared = builder.Build(report, facts, TextNumberExtractor.Normalize(report.Text), floor);
        var own = default(VBuffer<float>);
        shared.CopyTo(ref own);
        return new ModelInput { Grade = label is { } g ? g.ToWire() : "", Features = own };
    }

    /// <summary>
    /// A vector of its own with the learned signs' probabilities in their slots (see
    /// <see cref="FeatureVectorBuilder.WithLearnedSigns"/>).
    /// </summary>
    public static VBuffer<float> WithLearnedSigns(VBuffer<float> features, ReadOnlySpan<float> signs, ReadOnlySpan<float> facts)
    {
        var own = features.GetIndices().Length;
        var indices = new int[own + DenseLength - SignOffset];
        var values = new float[indices.Length];
        features.GetIndices().CopyTo(indices);
        features.GetValues().CopyTo(values);
        var count = own + WriteLearnedSigns(signs, facts, indices.AsSpan(own), values.AsSpan(own));
        return new VBuffer<float>(Length, count, values, indices);
    }

    /// <summary>
    /// Writes the learned signs' non-zero slots (the hard signs', the facts', then their conjunctions: the last of the dense
    /// block, so they follow a vector's own slots in ascending order) into <paramref name="indices"/> and
    /// <paramref name="values"/>, which hold at least <c>DenseLength - SignOffset</c>; returns how many it wrote.
    /// </summary>
    internal static int WriteLearnedSigns(ReadOnlySpan<float> signs, ReadOnlySpan<float> facts, Span<int> indices, Span<float> values)
    {
        Span<float> conjunctions = stackalloc float[ConjunctionCount];
        WriteConjunctions(signs, facts, conjunctions);
        var n = Append(signs, SignOffset, indices, values, 0);
        n = Append(facts, FactOffset, indices, values, n);
        return Append(conjunctions, ConjunctionOffset, indices, values, n);

        static int Append(ReadOnlySpan<float> block, int offset, Span<int> indices, Span<float> values, int n)
        {
            for (var k = 0; k < block.Length; k++)
            {
                if (block[k] != 0)
                {
                    indices[n] = DenseOffset + offset + k;
                    values[n] = block[k];
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>
    /// MODEL-211's floors that need two things at once, as products of the learned probabilities, which a linear model
    /// cannot form from each alone: 100 or more workers acting within 48 hours, 30 or more in a collective action, and
    /// a serious injury of two or more workers. Zero without learned facts.
    /// </summary>
    private static void WriteConjunctions(ReadOnlySpan<float> signs, ReadOnlySpan<float> facts, Span<float> conjunctions)
    {
        conjunctions.Clear();
        if (facts.Length == 0 || signs.Length == 0)
        {
            return;
        }

        conjunctions[0] = facts[FactSignNames.IndexOf(FactSigns.HundredOrMoreWorkers)] * facts[FactSignNames.IndexOf(FactSigns.ActingWithin48Hours)];
        conjunctions[1] = facts[FactSignNames.IndexOf(FactSigns.ThirtyOrMoreWorkers)] * facts[FactSignNames.IndexOf(FactSigns.CollectiveAction)];
        conjunctions[2] = signs[HardSignalNames.IndexOf(HardSignals.SeriousInjury)] * facts[FactSignNames.IndexOf(FactSigns.TwoOrMoreWorkers)];
    }

    /// <summary>Writes the dense block into <paramref name="d"/> (length <see cref="DenseLength"/>, all zero on entry).</summary>
    internal static void WriteDense(ReportV1 report, ReportFacts facts, Grade floor, Span<float> d)
    {
        var w = facts.Workers;
        if (w is { } workers)
        {
            d[0] = 1;
            d[1] = (float)(Math.Log(1 + Math.Max(0, workers)) / 8);
            d[2 + WorkerBand(workers)] = workers > 0 ? 1 : 0;
            d[7] = facts.WorkersFromText ? 1 : 0;
        }

        if (facts.AmountCny is { } amount)
        {
            d[8] = 1;
            d[9] = (float)(Math.Log(1 + (double)Math.Max(0, amount)) / 17);
            d[10 + (amount < 100_000m ? 0 : amount < 1_000_000m ? 1 : amount < 5_000_000m ? 2 : 3)] = 1;
        }

        d[14 + (int)facts.Action] = 1;
        d[18] = facts.ActionFromField ? 1 : 0;
        if (facts.Action == ActionStatus.Planned)
        {
            d[19 + (facts.HoursUntilAction switch
            {
                null => 4,
                <= 24 => 0,
                <= 48 => 1,
                <= 96 => 2,
                _ => 3,
            })] = 1;
        }

        var s = facts.Signals;
        ReadOnlySpan<bool> flags =
        [
            s.Death, s.SelfHarm, s.RoadBlock, s.GovernmentGathering, s.PlatformOfficeGathering, s.Arrests, s.Violence,
            s.SeriousInjury, s.MultipleInjuries, s.SafetyHazard, s.ClosureUnsettled, s.GroupMention, s.IndividualMention,
            s.NonLabourNoise, facts.UnknownGroup,
        ];
        for (var i = 0; i < flags.Length; i++)
        {
            d[24 + i] = flags[i] ? 1 : 0;
        }

        OneHot(d, 39, Categories, report.Category);
        OneHot(d, 50, Sectors, report.Sector);
        OneHot(d, 59, SubjectKinds, report.Subject.Kind, withMissing: false);
        d[64] = report.Source == "platform" ? 1 : 0;
        d[65] = report.Source == "platform" ? 0 : 1;
        var zh = IsChinese(report);
        d[66] = zh ? 1 : 0;
        d[67] = zh ? 0 : 1;
        d[68 + (int)floor] = 1;
        d[73 + (int)RuleBasedGrader.Grade(facts, floor)] = 1;
    }

    public static bool IsChinese(ReportV1 report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Language is "zh")
        {
            return true;
        }

        if (report.Language is "en")
        {
            return false;
        }

        var cjk = 0;
        foreach (var c in report.Text)
        {
            if (c is >= '\u4e00' and <= '\u9fff')
            {
                cjk++;
            }
        }

        return cjk * 4 >= Math.Min(report.Text.Length, 40);
    }

    /// <summary>The text as the n-grams see it: full-width forms folded, lower case, every digit as 0, Latin diacritics dropped.</summary>
    public static string NormalizeText(string text) => TextNgramHasher.FoldText(TextNumberExtractor.Normalize(text));

    private static int WorkerBand(int w) => w < 10 ? 0 : w < 30 ? 1 : w < 100 ? 2 : w < 500 ? 3 : 4;

    private static void OneHot(Span<float> d, int offset, string[] values, string? value, bool withMissing = true)
    {
        var i = value is null ? -1 : Array.IndexOf(values, value);
        if (i >= 0)
        {
            d[offset + i] = 1;
        }
        else if (withMissing)
        {
            d[offset + values.Length] = 1;
        }
    }

    private static string[] BuildNames()
    {
        var n = new string[DenseLength];
        n[0] = "workers known";
        n[1] = "number of workers";
        string[] bands = ["1-9 workers", "10-29 workers", "30-99 workers", "100-499 workers", "500+ workers"];
        for (var i = 0; i < 5; i++)
        {
            n[2 + i] = bands[i];
        }

        n[7] = "workers counted from the text";
        n[8] = "amount owed known";
        n[9] = "amount owed";
        string[] amounts = ["under 100,000 CNY owed", "100,000-999,999 CNY owed", "1-5 million CNY owed", "5 million CNY or more owed"];
        for (var i = 0; i < 4; i++)
        {
            n[10 + i] = amounts[i];
        }

        string[] statuses = ["no collective action", "collective action rumoured", "collective action planned", "collective action under way"];
        for (var i = 0; i < 4; i++)
        {
            n[14 + i] = statuses[i];
        }

        n[18] = "action status given in the report's fields";
        string[] hours = ["action within 24 hours", "action within 24-48 hours", "action in 2-4 days", "action more than 4 days ahead", "planned action without a time"];
        for (var i = 0; i < 5; i++)
        {
            n[19 + i] = hours[i];
        }

        string[] flags =
        [
            "mentions a death", "mentions a self-harm threat", "mentions a road block", "mentions a gathering at government offices",
            "mentions a gathering at platform offices", "mentions arrests", "mentions violence", "mentions a serious injury",
            "mentions several serious injuries", "mentions a safety hazard", "closure with money unsettled", "speaks of a group",
            "speaks of one person", "looks like an advert, notice, test or consumer complaint", "a group of unknown size",
        ];
        for (var i = 0; i < flags.Length; i++)
        {
            n[24 + i] = flags[i];
        }

        for (var i = 0; i < Categories.Length; i++)
        {
            n[39 + i] = "category " + Categories[i];
        }

        n[49] = "no category";
        for (var i = 0; i < Sectors.Length; i++)
        {
            n[50 + i] = "sector " + Sectors[i];
        }

        n[58] = "no sector";
        for (var i = 0; i < SubjectKinds.Length; i++)
        {
            n[59 + i] = "subject is a " + SubjectKinds[i];
        }

        n[64] = "reported by a platform";
        n[65] = "reported by an informant";
        n[66] = "written in Chinese";
        n[67] = "written in English";
        for (var i = 0; i < 5; i++)
        {
            n[68 + i] = "policy floor " + ((Grade)i).ToWire();
            n[73 + i] = "rubric rules say " + ((Grade)i).ToWire();
        }

        for (var i = 0; i < HardSignalNames.All.Count; i++)
        {
            n[SignOffset + i] = "reads as " + HardSignalNames.All[i].ToWire().Replace('_', ' ');
        }

        for (var i = 0; i < FactSignNames.All.Count; i++)
        {
            n[FactOffset + i] = FactSignNames.Descriptions[i];
        }

        n[ConjunctionOffset] = "reads as 100 or more workers acting within 48 hours";
        n[ConjunctionOffset + 1] = "reads as 30 or more workers acting together";
        n[ConjunctionOffset + 2] = "reads as several workers seriously injured";

        return n;
    }
}
