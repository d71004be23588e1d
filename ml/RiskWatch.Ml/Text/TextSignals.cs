using System.Text.RegularExpressions;

namespace RiskWatch.Ml.Text;

/// <summary>What a report's text says about the situation, beyond numbers.</summary>
public enum ActionStatus
{
    None = 0,
    Rumoured = 1,
    Planned = 2,
    Underway = 3,
}

/// <summary>Keyword signals read from a report's text, in Chinese and English.</summary>
public sealed record TextSignals
{
    public bool Death { get; init; }
    public bool SelfHarm { get; init; }
    public bool RoadBlock { get; init; }
    public bool GovernmentGathering { get; init; }
    public bool PlatformOfficeGathering { get; init; }
    public bool Arrests { get; init; }
    public bool Violence { get; init; }
    public bool SeriousInjury { get; init; }
    public bool MultipleInjuries { get; init; }
    public bool SafetyHazard { get; init; }
    public bool ClosureUnsettled { get; init; }
    /// <summary>Words that make a group (们, 一群, many, dozens): stronger than a plural noun.</summary>
    public bool GroupMention { get; init; }

    /// <summary>The text names workers of some kind (骑手, couriers...).</summary>
    public bool WorkerMention { get; init; }
    public bool IndividualMention { get; init; }
    public bool NonLabourNoise { get; init; }
    public ActionStatus Action { get; init; }
}

/// <summary>
/// Reads <see cref="TextSignals"/> from text with keyword patterns. The patterns favour recall for
/// the hard signals (death, self-harm, road blocks) because they feed grade floors that can only
/// raise a grade, and they skip the negated forms people write (没有人员伤亡, nobody was hurt).
/// </summary>
public static partial class SignalDetector
{
    private const RegexOptions Opts = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    [GeneratedRegex(@"身亡|死亡|去世|猝死|没抢救过来|没救过来|没救回来|抢救无效|不治|人没了|压死|撞死|砸死|摔死|丧生|遇难|罹难|过世|离世|\bkill(?:ed|s)\b|\bdie[ds]?\b|\bdeath\b|\bdead\b|\bfatal|crushed to death|lost (?:his|her|their) li(?:fe|ves)", Opts)]
    private static partial Regex DeathRegex();

    [GeneratedRegex(@"(?:没有|无|未造成|未发生|无人|没人)(?:人员)?(?:伤亡|死亡)|nearly killed|almost killed|no (?:one|body) (?:was )?(?:killed|died)|no deaths|could have died|差点出人命|death threats?", Opts)]
    private static partial Regex DeathNegatedRegex();

    [GeneratedRegex(@"跳楼|跳下去|跳河|跳桥|喝农药|服毒|不活了|自杀|轻生|寻死|遗书|割腕|爬到楼顶|爬上楼顶|爬上塔吊|爬到塔吊|以死相逼|要跳|threat\w* to (?:jump|kill|commit)|jump(?:ed|s|ing)? (?:off|from)|jump(?:s|ed)? to (?:his|her|their) death|suicid|kill (?:him|her|them)sel(?:f|ves)|pesticide|nothing (?:left )?to live for|on the roof(?:top)?|climb(?:ed|s)? (?:a |the )?(?:crane|tower|roof)", Opts)]
    private static partial Regex SelfHarmRegex();

    [GeneratedRegex(@"堵路|堵马路|马路堵|路堵了|路给堵|堵了马路|堵公路|堵住了?路|堵在路口|拦车|堵高速|上高速|堵桥|封路|堵了路|马路中间|把路口堵|路口堵|堵了?国道|堵住了?(?:马路|公路|国道|大桥)|\bblock(?:ed|ing|s|aded|ade)?\s+(?:a |the |main |several |local |major )?(?:\w+\s)?(?:road|roads|highway|highways|street|streets|bridge|traffic|expressway|railway|intersection)|stopping traffic|sitting in the street|road ?block", Opts)]
    private static partial Regex RoadBlockRegex();

    [GeneratedRegex(@"(?:去|到|在|围|堵|聚集在?|聚在|围在|坐在)[^，。,.!！?？]{0,8}?(?:政府|人社局|人社|劳动局|劳动监察|信访|街道办|市委|区委|县委|镇政府|住建局|住建委|建设局|交通局|市场监管|劳动仲裁)|上访|(?:at|outside|to|in front of|besieg\w*|surround\w*|petition\w*|storm\w*)\s+(?:the\s+)?(?:local\s+|district\s+|city\s+|county\s+|township\s+|municipal\s+|provincial\s+)?(?:gov(?:ernment|'t)?|labou?r bureau|city hall|petition(?:s)? office|labou?r department|town hall|party committee|authorities)|petition(?:s|ed|ing)?\s+(?:the\s+)?(?:local\s+|city\s+)?(?:government|authorities|city)", Opts)]
    private static partial Regex GovernmentRegex();

    [GeneratedRegex(@"平台办公室|区域总部|总部楼下|总部门口|代理商公司门口|平台总部|platform'?s? (?:regional )?office|company headquarters|regional office|(?:agent|platform)'s office|headquarters", Opts)]
    private static partial Regex PlatformOfficeRegex();

    [GeneratedRegex(@"带走|拘留|被抓|抓了|逮捕|刑拘|\barrest|\bdetain|taken away by police|police took", Opts)]
    private static partial Regex ArrestRegex();

    [GeneratedRegex(@"打人|被打|殴打|动手打|打伤|打了人|冲突|推搡|砍伤|持刀|\bbeat(?:en|ing|s)?\b|\battack|\bthugs?\b|\bclash|\bscuffle|\bassault|\binjured by (?:police|guards)|violen", Opts)]
    private static partial Regex ViolenceRegex();

    [GeneratedRegex(@"重伤|骨折|ICU|重症|断了|截肢|压断|颅骨|烧伤严重|抢救|seriously (?:injured|hurt)|badly (?:injured|hurt)|severe(?:ly)? (?:injur|burn)|broke (?:his|her) |fractur|intensive care|lost (?:\w+ )?fingers?|amputat|critical condition", Opts)]
    private static partial Regex SeriousInjuryRegex();

    [GeneratedRegex(@"多人|好几个|几个|多名|[两二三四五六七八九十\d]+\s*[名个人位]|several|many|multiple|\b(?:two|three|four|five|six|\d+) (?:\w+ )?(?:workers|people|couriers|riders|drivers|\w+s)\b|injures several|people were", Opts)]
    private static partial Regex PluralRegex();

    [GeneratedRegex(@"消防通道|防护网|没有(?:任何)?防护|起火|火灾隐患|私拉乱接|粉尘|防暑|差点出|隐患|危险|safety nets?|fire exits?|no protective|dangerous|no masks|caught fire|battery fire|no cooling|hazard|unsafe", Opts)]
    private static partial Regex HazardRegex();

    [GeneratedRegex(@"(?:撤|搬迁|搬走|搬到|搬去|迁到|迁往|关厂|倒闭|跑路|停产|锁了|合并|关门|破产|关停|不用来了|清算)|clos(?:ing|ure|ed)|relocat|ran off|runs? off|fled|halted production|shut(?:s|ting)? down|merg(?:ing|er)|bankrupt|disappeared", Opts)]
    private static partial Regex ClosureRegex();

    [GeneratedRegex(@"跑路|卷款|倒闭|破产|ran off|runs? off|fled|bankrupt|absconded", Opts)]
    private static partial Regex StrongClosureRegex();

    [GeneratedRegex(@"工资|押金|补偿|遣散|欠|钱|wages?|deposits?|compensation|severance|pay\b|arrears|owed", Opts)]
    private static partial Regex MoneyWordRegex();

    [GeneratedRegex(@"(?<![我他你咱])们|一群|好多|全站|大批|不少|大家|集体|全体|众多|一批|所有|\b(?:many|lots of|a group of|groups? of|all the|the whole|hundreds|dozens|thousands|they|them|everyone)\b", Opts)]
    private static partial Regex GroupRegex();

    [GeneratedRegex(@"骑手|外卖员|小哥|送餐员|配送员|快递员|分拣员|派件员|司机|的哥|师傅|工人|员工|普工|女工|农民工|保洁|阿姨|家政|月嫂|育儿嫂|护工|保安|教师|老师|护士|搬运工|钢筋工|泥水工|木工|工友|职工|环卫|\b(?:workers?|riders?|couriers?|drivers?|employees?|staff|labou?rers?|builders?|cleaners?|nann(?:y|ies)|housekeepers?|teachers?|nurses?|guards?|sorters?|porters?|operators?|miners?|janitors?)\b", Opts)]
    private static partial Regex WorkerRegex();

    [GeneratedRegex(@"(?:一名|一个|一位|有个|有一个|有名)[\u4e00-\u9fff]{0,4}?(?:骑手|外卖员|小哥|快递员|司机|的哥|师傅|工人|员工|阿姨|保洁|月嫂|护工|保安|工友|兄弟|女工)|我(?!们)|小李|老王|本人|\b(?:I|I'm|my|one (?:of our )?\w+|a (?:rider|courier|driver|worker|cleaner|nanny|domestic worker|truck driver|employee|teacher|nurse|guard))\b", Opts)]
    private static partial Regex IndividualRegex();

    [GeneratedRegex(@"罢工|罢跑|罢运|停工|没上班|不上班|不干了|坐着|上门讨|停运|停摆|关App|关app|不接单|静坐|拉横幅|拉着横幅|举横幅|聚集|聚在|围在|围堵|堵在|讨说法|讨薪|讨要|上访|游行|示威|抗议|集体|\bstrik(?:e|es|ing)\b|walk(?:ed)? (?:out|off)|walkout|stopp?(?:ed)? work|down(?:ed)? tools|protest|demonstrat|rall(?:y|ied)|sit-in|banners?|logged off|log off|gather|march|petition|demand|seek|press(?:ed)? for|picket|slowdown", Opts)]
    private static partial Regex ActionRegex();

    [GeneratedRegex(@"约好|约了|准备|打算|号召|商量好|定了|计划|要去|要集体|将要|说.{0,4}要|明天|后天|下周|周[一二三四五六日]|星期|\bplan(?:s|ned|ning)? to\b|\bwill\b|organi[sz]ing|agreed|intend|called for|threaten(?:s|ed|ing)? to (?:strike|stop|protest|block)|going to|tomorrow|next week|set to|vow", Opts)]
    private static partial Regex PlannedRegex();

    [GeneratedRegex(@"听说|有人说|有人在传|在传|传言|可能会|可能要|不确定|不知道真假|私下|嚷嚷|还没定|提议|有人想|talk of|talk about|rumou?r|\bmight\b|muttering|suggest|mention|unclear|nothing (?:decided|fixed)|considering", Opts)]
    private static partial Regex RumourRegex();

    [GeneratedRegex(@"退款|退货|多给个?好评|给个?好评|给(?:了个?|个)?差评|投诉(?!无门)|外卖.{0,6}凉|送错|洒了|少了一|没收到|态度差|理赔|赔偿\d|招聘|急招|招募|月入过万|日赚|日入|兼职|刷单|加微信|红包|贷款|中奖|点击|代开|代办|优惠|扫码|^测试|测试一下|请忽略|^test\b|^testing|please ignore|^ping$|^hello\??$|^asdf|请问|怎么|如何|在哪|how do i|how long|where can i|what documents|\bhiring\b|recruiting|sign-up bonus|click here|you won|\bloans?\b|followers|refund|never got it|arrived cold|overcharged|charged \d+ yuan extra|stuck for|sloppy|missing item|tracking|\[notice\]|reminder:|【通知】|【温馨提示】|系统升级|系统维护|maintenance|new app version|已全部发放|all wages .* have been paid|谢谢工会|thanks for your help|收到，谢谢|好的明白|天气真好|good morning|stay safe|注意安全|免费体检|free health check|安全培训会|safety training|补贴将于|补贴另行通知|服务安排|allowance will be paid|ok got it|哈哈|提现|测试|迟到|不干净|打扫|加价|my package|my parcel|the package|complaint|cheap|% off|欢迎大家|防暑用品|物流一直|运费险", Opts)]
    private static partial Regex NoiseRegex();

    // Most texts hold none of a pattern's words; one pass of the prefilter finds which patterns can
    // match, and only those are run (same results, a fraction of the time on English text).
    private const int DeathPattern = 0, DeathNegatedPattern = 1, SelfHarmPattern = 2, RoadBlockPattern = 3, GovernmentPattern = 4, PlatformOfficePattern = 5, ArrestPattern = 6, ViolencePattern = 7, SeriousInjuryPattern = 8, PluralPattern = 9, HazardPattern = 10, ClosurePattern = 11, StrongClosurePattern = 12, MoneyWordPattern = 13, GroupPattern = 14, WorkerPattern = 15, IndividualPattern = 16, ActionPattern = 17, PlannedPattern = 18, RumourPattern = 19, NoisePattern = 20;

    internal static readonly IReadOnlyList<Regex> PrefilteredPatterns =
        [DeathRegex(), DeathNegatedRegex(), SelfHarmRegex(), RoadBlockRegex(), GovernmentRegex(), PlatformOfficeRegex(), ArrestRegex(), ViolenceRegex(), SeriousInjuryRegex(), PluralRegex(), HazardRegex(), ClosureRegex(), StrongClosureRegex(), MoneyWordRegex(), GroupRegex(), WorkerRegex(), IndividualRegex(), ActionRegex(), PlannedRegex(), RumourRegex(), NoiseRegex()];

    internal static readonly RegexPrefilter Prefilter = new(PrefilteredPatterns);

    public static TextSignals Detect(string text) => Detect(PreparedText.Of(text));

    /// <summary><see cref="Detect(string)"/> of a text prepared once for all extractors.</summary>
    public static TextSignals Detect(PreparedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Text;
        var possible = Prefilter.PossibleMatches(text.Folded);
        bool Has(int pattern, Regex regex) => RegexPrefilter.Includes(possible, pattern) && regex.IsMatch(t);

        var death = Has(DeathPattern, DeathRegex()) && !Has(DeathNegatedPattern, DeathNegatedRegex());
        var serious = Has(SeriousInjuryPattern, SeriousInjuryRegex());
        var rumoured = Has(RumourPattern, RumourRegex());
        var acting = Has(ActionPattern, ActionRegex());
        var planned = Has(PlannedPattern, PlannedRegex());
        var roadBlock = Has(RoadBlockPattern, RoadBlockRegex());
        var government = Has(GovernmentPattern, GovernmentRegex());
        var status = !acting && !roadBlock && !government
            ? (rumoured && (t.Contains("罢", StringComparison.Ordinal) || t.Contains("闹", StringComparison.Ordinal) || t.Contains("停工", StringComparison.Ordinal)) ? ActionStatus.Rumoured : ActionStatus.None)
            : rumoured ? ActionStatus.Rumoured
            : planned ? ActionStatus.Planned
            : ActionStatus.Underway;
        return new TextSignals
        {
            Death = death,
            SelfHarm = Has(SelfHarmPattern, SelfHarmRegex()),
            RoadBlock = roadBlock,
            GovernmentGathering = government,
            PlatformOfficeGathering = Has(PlatformOfficePattern, PlatformOfficeRegex()),
            Arrests = Has(ArrestPattern, ArrestRegex()),
            Violence = Has(ViolencePattern, ViolenceRegex()),
            SeriousInjury = serious,
            MultipleInjuries = serious && Has(PluralPattern, PluralRegex()),
            SafetyHazard = Has(HazardPattern, HazardRegex()),
            ClosureUnsettled = (Has(ClosurePattern, ClosureRegex()) && Has(MoneyWordPattern, MoneyWordRegex())) || Has(StrongClosurePattern, StrongClosureRegex()),
            GroupMention = Has(GroupPattern, GroupRegex()),
            WorkerMention = Has(WorkerPattern, WorkerRegex()),
            IndividualMention = Has(IndividualPattern, IndividualRegex()),

            // Anchored on the trimmed text (^测试, ^ping$); the anchors of the trimmed text are in the whole text.
            NonLabourNoise = RegexPrefilter.Includes(possible, NoisePattern) && NoiseRegex().IsMatch(t.Trim()),
            Action = status,
        };
    }
}
