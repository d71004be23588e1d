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

    /// <summary>Words of wages owed, held back or paid late (欠, 没发, 推迟发, unpaid, owed, "salary late").</summary>
    public bool WagesOwed { get; init; }
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

    [GeneratedRegex(@"(?:撤|搬迁|搬走|搬到|搬去|迁到|迁往|关厂|倒闭|跑路|停产|锁了|合并|关门|破产|关停|不用来了|清算)", RegexOptions.CultureInvariant)]
    private static partial Regex ClosureZhRegex();

    [GeneratedRegex(@"clos(?:ing|ure|ed)|relocat|ran off|runs? off|fled|halted production|shut(?:s|ting)? down|merg(?:ing|er)|bankrupt|disappeared", Opts)]
    private static partial Regex ClosureEnRegex();

    [GeneratedRegex(@"跑路|卷款|倒闭|破产|ran off|runs? off|fled|bankrupt|absconded", Opts)]
    private static partial Regex StrongClosureRegex();

    [GeneratedRegex(@"工资|押金|补偿|遣散|欠|钱", RegexOptions.CultureInvariant)]
    private static partial Regex MoneyWordZhRegex();

    [GeneratedRegex(@"欠|拖|没发|未发|不发|没结|未结|没给|不给|发不出|结不了|讨薪|推迟|没拿到|拿不到|没到账|没打款|没付|冇出|冇发|冇俾|一分钱|没见着|没见到钱", RegexOptions.CultureInvariant)]
    private static partial Regex WagesOwedZhRegex();

    [GeneratedRegex(@"owed|owes|owing|unpaid|arrears|not (?:been )?paid|(?:hasn.t|haven.t|hadn.t|didn.t|wasn.t|weren.t)(?: \w+)? (?:been )?paid|withh[oe]ld|back pay|wages? (?:due|delayed|late)|without pay|delayed|(?:salary|wages?|pay) (?:is |was |are |were )?late|late (?:pay|wages|salar)|no pay\b|(?:not|haven.t|hasn.t) (?:been )?received|missing (?:pay|wages)", Opts)]
    private static partial Regex WagesOwedEnRegex();

    [GeneratedRegex(@"wages?|deposits?|compensation|severance|pay\b|arrears|owed", Opts)]
    private static partial Regex MoneyWordEnRegex();

    [GeneratedRegex(@"(?<![我他你咱])们|一群|好多|全站|大批|不少|大家|集体|全体|众多|一批|所有", RegexOptions.CultureInvariant)]
    private static partial Regex GroupZhRegex();

    [GeneratedRegex(@"\b(?:many|lots of|a group of|groups? of|all the|the whole|hundreds|dozens|thousands|they|them|everyone)\b", Opts)]
    private static partial Regex GroupEnRegex();

    [GeneratedRegex(@"骑手|外卖员|小哥|送餐员|配送员|快递员|分拣员|派件员|司机|的哥|师傅|工人|员工|普工|女工|农民工|保洁|阿姨|家政|月嫂|育儿嫂|护工|保安|教师|老师|护士|搬运工|钢筋工|泥水工|木工|工友|职工|环卫", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerZhRegex();

    [GeneratedRegex(@"\b(?:workers?|riders?|couriers?|drivers?|employees?|staff|labou?rers?|builders?|cleaners?|nann(?:y|ies)|housekeepers?|teachers?|nurses?|guards?|sorters?|porters?|operators?|miners?|janitors?)\b", Opts)]
    private static partial Regex WorkerEnRegex();

    [GeneratedRegex(@"我(?!们)|小李|老王|本人", RegexOptions.CultureInvariant)]
    private static partial Regex IndividualZhRegex();

    [GeneratedRegex(@"(?:一名|一个|一位|有个|有一个|有名)[\u4e00-\u9fff]{0,4}?(?:骑手|外卖员|小哥|快递员|司机|的哥|师傅|工人|员工|阿姨|保洁|月嫂|护工|保安|工友|兄弟|女工)|\b(?:I|I'm|my|one (?:of our )?\w+|a (?:rider|courier|driver|worker|cleaner|nanny|domestic worker|truck driver|employee|teacher|nurse|guard))\b", Opts)]
    private static partial Regex IndividualEnRegex();

    // What workers do together: stop work (罢工, 停派, 不上线, 不出车, 唔开工, "walked out"), gather or
    // sit in (聚集, 坐在, 在...楼下, 拉横幅, sit-in), block (堵了门, "blocked the gate"), petition (上访).
    [GeneratedRegex(@"罢工|罢跑|罢运|罢驶|罢送|罢派|罢课|罢市|罷工|(?<!责令|被|已|暂时|相继|项目)停工|不上工|没上工|没去上工|没上岗|不再接|不接新|横着停|横了|横着|双闪|慢慢干|坐满|站满|挤满|站着等|门口[^，。,.!！?？\s]{0,6}(?:坐着|站着|等着)|围着|都[^，。,.!！?？\s]{0,8}不干了|一起不干|一块不干|不卸了|就不卸|我们不卸|(?<!家属|家属在|家人|家人在)讨说法|讨薪|要工钱|拦车|堵人|去了?[^，。,.!！?？\s]{0,12}(?:管理局|运输局|信访局|劳动局|人社局|总公司|总部|分公司|城市办公室|区域办公室|办公楼|办公室|政府|县委|信访|劳动监察|交通局)|(?:门口|楼下|政府|广场|大门|路口|院子里)集合|围了|堵着(?!车)|塞死|塞住|塞晒|堵在[^，。,.!！?？\s]{0,10}(?:口|门|路|站)|堵了(?:两|几|一|半|三|好几)个?(?:小时|钟头|天)|(?:都|全|全部)(?:停了|歇了)|歇工|停着不走|停晒|停咗手|唔郁|唔肯走|不肯走|企喺|企紧|摆晒|占住|占满|坐着不干|坐起|都没进|一排一排坐|停跑|停运|(?<!当天|暂停|被|将)停派|停单|停摆|停晒|停接|一起停|统一停|全部停|全停|停一天|停三天|停几天|停两天|都不跑|一起不跑|就是不跑|全部不跑|不跑单|停止接单|不接单|唔接單|唔接单|不接(?:新|这|他|她|它|机场)|不上线|没上线|没有上线|(?:统一|一起|集体|全部|全城|全体|都)下线|不打卡|不出车|没出车|没有出车|不出工|没出工|勿出工|勿去上班|唔开工|唔開工|唔返工|唔做嘢|不开工|没开工|不开机|不进车间|不上班|没上班|没去上班|没人上班|不去上班|不干活|活不干|不装车|不装货|不送了|不派了|不派件|一件不派|一件不出|不出仓|不上岗|趴窝|撂挑子|磨洋工|不加班|唔加班|集体请假|一起请假|集体辞职|一起辞职|交辞职信|一块辞职|集体不|统一不|全部不|统统勿|都不(?:上|出|去|跑|接|送|派|进|开|打|卸|装)|(?:都坐|人坐|们坐|个坐|号坐|集体坐|一起坐|兄弟坐)(?:着|在|喺|晒|起)|坐在[^，。,.!！?？\s]{0,8}(?:门口|路|大厅|楼下|办公室|车间|站里|工棚|里面|桥)|坐喺|坐晒|静坐|(?:拉|举|挂|打出|拉着|拉了|挂起了?)横幅|聚集|聚在|围在|围住|围堵|把[^，。,.!！?？\s]{0,10}(?:堵了|堵住|堵死|堵上|堵得|给堵|围了|围住)|堵(?:了|住|死|着)?(?:大门|门口|路口|入口|出口|进出口|马路|公路|大桥)|堵门|堵路|被[^，。,.!！?？\s]{0,10}(?:车|人)[^，。,.!！?？\s]{0,3}(?:堵了|堵住|堵死|围了|围住)|横在|堵他|找他算账|(?:我们|俺们|咱们|(?<=[\d一二两三四五六七八九十百千万多来余几])[个人号])[^，。,.!！?？\s]{0,8}去[^，。,.!！?？\s]{0,12}(?:要钱|讨薪|讨说法|要工钱|要说法|反映|讨钱)|上访|游行|示威|抗议|集体(?!宿舍|户口|投诉)|要求见|见负责人|不走了|不挪|谁都别", RegexOptions.CultureInvariant)]
    private static partial Regex ActionZhRegex();

    [GeneratedRegex(@"关App|关app|关掉app|\bstrik(?:e|es|ing)\b|\bstruck\b(?! by| down)|walk(?:ed|ing)? (?:out|off)|walkout|stopp?(?:ed|ing)? work|down(?:ed)? tools|protest|demonstrat|\brall(?:y|ied|ies)\b|sit-in|sat in|banners?|logged off|log off|logging off|switch(?:ed)? off (?:the|their) apps?|refus(?:e|ed|ing) to (?:work|take|deliver|drive|load|go)|stay(?:ed|ing)? home|blockad|\bblock(?:ed|ing|s)? (?:the|a|an|traffic|roads?|gates?|entrances?|exits?|streets?)|gather|marched|marching|\bmarch(?:es)? (?:to|on|through|from)\b|petition|stop(?:ping|ped)? (?:deliveries|delivering|taking orders|accepting orders)|(?:not|won't|will not|refuse to|nobody|no one) (?:take|takes|accept|accepts) (?:any |app |airport |new )?orders?\b|go on strike|on strike|picket|slowdown|go-slow|work-to-rule|occup(?:y|ied|ying)|surround(?:s|ed|ing)?\b|besieg|stopp?(?:ed|ing)? (?:delivering|driving|working|loading)|boycott|mass resignation|resign en masse|quit en masse|\bdemand(?:s|ed|ing)?\b(?! (?:they|that|workers|us|riders|drivers|staff|employees|them|we|everyone|all))|\bseek(?:s|ing)?\b|\bsought\b|press(?:ed)? for|collective(?:ly)?", Opts)]
    private static partial Regex ActionEnRegex();

    // How riders and drivers say it in English (go offline together, won't clock in, nobody loads, trikes across the gate,
    // massed outside, going to the labour bureau). As alternatives of the pattern above, branches that begin with common
    // words ("not", "go", "are") made the backtracking engine try every branch at every position of a long text (8 times
    // slower); a pattern of their own, without backtracking, is one linear pass, run only when the prefilter finds its words.
    private static readonly Regex ActionEnColloquial = new(
        @"(?:go|goes|going|went|gone) offline|\blog(?:s|ged|ging)? (?:off|out)\b|\bswitch(?:es|ed|ing)? off\b|\bturn(?:s|ed|ing)? off (?:the |their |our |all )?(?:apps?|phones?|engines?)|(?:\bnot|won't|wont|will not|nobody|no one|no-one)(?: (?:is|are|be|will|even|all|gonna|going to|go|goes|going))? (?:log(?:s|ging)? (?:in|on)|clock(?:s|ing)? in|go(?:es|ing)? (?:out|in|online|back)|is online|online|load(?:s|ing)?|scan|sort(?:s|ing)?|pick(?:s|ing)? up|start(?:s|ing)? work|go to (?:the )?line)\b|\bstop(?:s|ped|ping)? (?:hauling|sorting|loading|taking|take orders?|accepting|accept orders?|riding|the line|all work)\b|(?:plan|plans|planning|will|to|'ll) stop\b|stoppage|sick leave|sick-out|sickout|call(?:ed|ing)? in sick|\bsit(?:s|ting)? (?:on the (?:road|ground|steps|ramp|floor)|in the (?:lobby|hall|canteen|reception|road|corridor)|across|outside|down)|\bsat (?:down|on the|across|in the (?:lobby|hall|canteen|reception|road|corridor))|\bacross (?:the |all |both |its |their )?(?:\w+ ){0,2}(?:road|roads|gate|gates|entrance|lanes|exit|street|ramp|bays|bridge|junction|intersection)\b|(?:road|gate|entrance|lanes?|street|exit|bridge|junction|ramp) (?:\w+ ){0,3}(?:blocked|jammed)\b|blocked by\b|massed|\bcrowd(?:ed)? (?:outside|at|in front)|\bchant(?:ed|ing)?\b|\b(?:go|goes|going|went|walk|walked|walking|march|head|heading|headed|drive|drove|driving)(?: together| all| there| over| straight| in person)? to (?:the )?(?:[\w'&-]+ ){0,4}(?:office|offices|headquarters|hq|bureau|government|department|service cent(?:re|er)|jiedao ?ban|street office|letters and (?:calls|visits))\b|\b(?:are|were|we|we're|they|they're|now|still|been) (?:at|in|outside) (?:the )?(?:[\w'&-]+ ){0,5}(?:office|offices|headquarters|hq|bureau|government|lobby|hall)\b|refus(?:e|es|ed|ing) (?:all |app |the )?(?:orders|jobs|shifts)|guard(?:ing)? (?:the )?(?:machines|machinery|equipment|goods|factory|gate)",
        Opts | RegexOptions.NonBacktracking);

    // A decision or an arrangement for later.
    [GeneratedRegex(@"约好|约了|约定|商量好|(?:说好|讲好)(?![^，。,.!！?？\s]{0,6}(?:发|给|结|退|补|付|的))|定了|已经定|决定|准备|打算|计划|号召|接龙|报名|登记|通知大家|通知各位|到时候|要去|要一起|将要|将于|即将|再不.{0,15}就|不然就|否则", RegexOptions.CultureInvariant)]
    private static partial Regex PlannedZhRegex();

    [GeneratedRegex(@"\bplan(?:s|ned|ning)?\b|\bwill\b|\bwon't\b|\bwont\b|'ll\b|’ll\b|\bconfirmed\b|\bset for\b|settled on|date (?:is )?(?:decided|fixed)|day is fixed|organi[sz]ing|going to|gonna|set to|\bagreed\b|\bdecided\b|intend|called for|calling for|threaten(?:s|ed|ing)? to (?:strike|stop|protest|block|walk|march|gather|petition|quit|resign|sue|go on strike|down tools)|vow|signed up|sign-up|\bunless\b|if nothing changes|if (?:they|the company|the boss|the platform|the agent|management) (?:don't|doesn't|do not|does not|won't|will not|refuse)|\bif\b[^.!?]{0,40}\b(?:we|they)(?:'ll| will)\b", Opts)]
    private static partial Regex PlannedEnRegex();

    [GeneratedRegex(@"听说|聽講|听讲|听人说|有人说|有人在说|有人在传|有人想|在传|传得|传来传去|据说|據說|传言|谣言|好像|可能会|可能要|可能有人|不确定|不知道真|真的假的|真假|私下|嚷嚷|还没定|没定|未定|没个准|说不清|没人牵头|没人组织|没人出头|谁牵头|谁组织|没说哪天|不知道哪天|提议|吹水|吹牛|说说而已|网上说说|就是说说|随口说说|观望|串联|要不(?:咱们|大家|我们)", RegexOptions.CultureInvariant)]
    private static partial Regex RumourZhRegex();

    [GeneratedRegex(@"talk of|talk about|talking about|rumou?r|\bheard\b|hearsay|\bmight\b|\bmaybe\b|possibly|unconfirmed|not sure|nobody knows|no one knows|no date|unclear|nothing (?:decided|fixed|confirmed)|not (?:yet )?decided|considering|thinking (?:about|of)|floated|muttering|just talk|idle talk|mulling|whether|(?:nobody|no one|no-one)(?: is| has| was)? (?:organi[sz]|lead|set|named|said)|no (?:leader|organi[sz]er)s?|\bsuggest|\bmention(?:s|ed|ing)?\b|\bmutter|grumbl|going around|\bmay (?:strike|stop|block|protest|walk|go)", Opts)]
    private static partial Regex RumourEnRegex();

    // A day to come (明天, 后天, 下周, 周五, 月底, 15号开始, tomorrow, next week).
    [GeneratedRegex(@"明天|明早|明晚|明儿|明日|明朝|明仔|聽日|听日|后天|後日|後天|后日|大后天|下周|下个?礼拜|下個?禮拜|下个?星期|下個星期|这周[一二三四五六日末]|这礼拜[一二三四五六天日]|本周[一二三四五六日末]|周一|周二|周三|周四|周五|周六|周日|周末|礼拜[一二三四五六天日]|禮拜[一二三四五六天日]|星期[一二三四五六天日]|月底|月初|下个月|下個月|下月|[\d一二三四五六七八九十廿](?:号开始|号起|号早上|号上午|号那天)|今晚|今夜|当晚|晚上[\d一二三四五六七八九十]+点|[\d一二两三四五六七八九十](?:小时内|个小时内|小时之内|个小时之内|小时后|个小时后)|[\d一二两三四五六七八九十](?:天后|天以后|天之后)|过几天|过两天|这两天|这几天|两天内|近期|近日|改天|回头|到时候", RegexOptions.CultureInvariant)]
    private static partial Regex FutureZhRegex();

    [GeneratedRegex(@"\btomorrow\b|\btonight\b|\btmrw?\b|\btomorow\b|\btommorow\b|\btomorrows\b|next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:on|this|coming|from|by) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|day after tomorrow|in (?:\d+|two|three|a few|a couple of) days|within (?:\d+|forty-eight|twenty-four|two|three) (?:hours|days)|end of (?:the|this) month|in (?:\d+|twenty-four|forty-eight) hours|coming days|next few days|next day or two|a day or two|later this week|later today|this afternoon|this evening|this weekend|\bsoon\b|at (?:\d{1,2})(?::\d\d)? ?(?:am|pm)|(?:hours|days) from now", Opts)]
    private static partial Regex FutureEnRegex();

    // Going on now (现在, 正在, 第三天了, 从今天早上开始, right now).
    [GeneratedRegex(@"现在|正在|此刻|目前|此时|这会儿|还在|仍在|都在|第二天|第三天|第四天|第五天|第六天|第七天|第2天|第3天|第4天|第5天|第6天|第7天|今天(?:早上|上午|中午|下午)?(?:开始|起)|从[^，。,.]{0,10}开始|到现在|紧急|快来人|现场|直播|在劝|喺度|而家|已经.{0,8}[了着]", RegexOptions.CultureInvariant)]
    private static partial Regex NowZhRegex();

    [GeneratedRegex(@"right now|currently|as we speak|ongoing|\bsince\b|for the (?:second|third|fourth|fifth) (?:day|straight)|(?:second|third|fourth) day|still (?:on strike|out|there|blocking|refusing|sitting|striking|gathered|protesting|occupying|outside|camped)|are (?:striking|protesting|blocking|gathering|gathered|refusing|sitting|standing|holding|staging|marching|rallying|demonstrating|surrounding|occupying|on strike|camped)|is (?:blocking|underway|under way|ongoing)|(?:have|has) been (?:on strike|striking|protesting|blocking|sitting|gathering)|(?<!for |until |till |by |from |up to )\bnow\b", Opts)]
    private static partial Regex NowEnRegex();

    // Happened today or has just happened (今天, 今早, 刚才, "this morning", "walked out"): under way unless it is over.
    [GeneratedRegex(@"今天(?!下午|晚上|傍晚|夜里|中午)|今早|今日|今朝|今儿|今仔日|刚才|刚刚", RegexOptions.CultureInvariant)]
    private static partial Regex RecentZhRegex();

    [GeneratedRegex(@"this morning|\btoday\b|walked (?:out|off)|\bmassed\b|\bchanted\b|\bsat (?:down|in|on|across)\b|went offline|logged off|switched off|went on strike|\bstaged\b|\bblocked\b|\bgathered\b|\bprotested\b|\bmarched\b|\brallied\b|downed tools|stopped (?:work|delivering|driving)|\brefused to\b|\bsurrounded\b|\bbesieged\b|\boccupied\b|\bstruck\b(?! by| down)", Opts)]
    private static partial Regex RecentEnRegex();

    // Over, or long past (散了, 复工, 上个月, "called off", "last week").
    [GeneratedRegex(@"散了|都散|已经散|复工|恢复了|已经恢复|回去上班|那次|早已|已经结束|结束了|解决了|谈妥|后续|回访", RegexOptions.CultureInvariant)]
    private static partial Regex PastZhRegex();

    [GeneratedRegex(@"\bended\b|dispersed|called off|back to work|resumed|went home|went back|returned to work|was resolved", Opts)]
    private static partial Regex PastEnRegex();

    // A past day (上个月, 昨天, "last week"): the action is over when its own sentence says so.
    [GeneratedRegex(@"(?:上个月|上月|上周|上礼拜|上星期|去年|前几天|前天|昨天|昨晚|昨儿|当时)(?!的)", RegexOptions.CultureInvariant)]
    private static partial Regex ThenZhRegex();

    [GeneratedRegex(@"yesterday|last night|last (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|earlier this (?:week|month|year)", Opts)]
    private static partial Regex ThenEnRegex();

    // One worker acting alone (老子不干了, 我一个人去): no collective action.
    [GeneratedRegex(@"[我俺]不干了|老子不干了|[我俺]自己.{0,4}不干了|[我俺]一个人去|就[我俺]一个|[他她]自己一个人|就他一个|就她一个|个人行为", RegexOptions.CultureInvariant)]
    private static partial Regex AloneZhRegex();

    [GeneratedRegex(@"\bI quit\b|I'm quitting|on my own|by myself", Opts)]
    private static partial Regex AloneEnRegex();

    [GeneratedRegex(@"退款|退货|多给个?好评|给个?好评|给(?:了个?|个)?差评|投诉(?!无门)|外卖.{0,6}凉|送错|洒了|少了一|没收到|态度差|理赔|赔偿\d|招聘|急招|招募|月入过万|日赚|日入|兼职|刷单|加微信|红包|贷款|中奖|点击|代开|代办|优惠|扫码|^测试|测试一下|请忽略|请问|怎么|如何|在哪|【通知】|【温馨提示】|系统升级|系统维护|已全部发放|谢谢工会|收到，谢谢|好的明白|天气真好|注意安全|免费体检|安全培训会|补贴将于|补贴另行通知|服务安排|哈哈|提现|测试|迟到|不干净|打扫|加价|欢迎大家|防暑用品|物流一直|运费险", RegexOptions.CultureInvariant)]
    private static partial Regex NoiseZhRegex();

    [GeneratedRegex(@"^test\b|^testing|please ignore|^ping$|^hello\??$|^asdf|how do i|how long|where can i|what documents|\bhiring\b|recruiting|sign-up bonus|click here|you won|\bloans?\b|followers|refund|never got it|arrived cold|overcharged|charged \d+ yuan extra|stuck for|sloppy|missing item|tracking|\[notice\]|reminder:|maintenance|new app version|all wages .* have been paid|thanks for your help|good morning|stay safe|free health check|safety training|allowance will be paid|ok got it|my package|my parcel|the package|complaint|cheap|% off", Opts)]
    private static partial Regex NoiseEnRegex();

    // Most texts hold none of a pattern's words; one pass of the prefilter finds which patterns can
    // match, and only those are run (same results, a fraction of the time on English text).
    private const int DeathPattern = 0, DeathNegatedPattern = 1, SelfHarmPattern = 2, RoadBlockPattern = 3, GovernmentPattern = 4, PlatformOfficePattern = 5, ArrestPattern = 6, ViolencePattern = 7, SeriousInjuryPattern = 8, PluralPattern = 9, HazardPattern = 10, StrongClosurePattern = 11;

    // The last of the prefiltered patterns, after the word lists' pairs (bits 12-43).
    private const int ActionEnColloquialPattern = 44;

    // Word lists of both languages, each as a Chinese pattern (matched exactly, so the engine can search
    // for its literals fast) and an English one (ignoring case), at prefilter bits 12 and up.
    private static readonly Keywords Closure = new(12, ClosureZhRegex(), ClosureEnRegex());
    private static readonly Keywords MoneyWord = new(14, MoneyWordZhRegex(), MoneyWordEnRegex());
    private static readonly Keywords Group = new(16, GroupZhRegex(), GroupEnRegex());
    private static readonly Keywords Worker = new(18, WorkerZhRegex(), WorkerEnRegex());
    private static readonly Keywords Individual = new(20, IndividualZhRegex(), IndividualEnRegex());
    private static readonly Keywords Noise = new(22, NoiseZhRegex(), NoiseEnRegex());
    private static readonly Keywords Action = new(24, ActionZhRegex(), ActionEnRegex(), ActionEnColloquial, ActionEnColloquialPattern);
    private static readonly Keywords Planned = new(26, PlannedZhRegex(), PlannedEnRegex());
    private static readonly Keywords Rumour = new(28, RumourZhRegex(), RumourEnRegex());
    private static readonly Keywords Future = new(30, FutureZhRegex(), FutureEnRegex());
    private static readonly Keywords Now = new(32, NowZhRegex(), NowEnRegex());
    private static readonly Keywords Recent = new(34, RecentZhRegex(), RecentEnRegex());
    private static readonly Keywords Past = new(36, PastZhRegex(), PastEnRegex());
    private static readonly Keywords Alone = new(38, AloneZhRegex(), AloneEnRegex());
    private static readonly Keywords Then = new(40, ThenZhRegex(), ThenEnRegex());
    private static readonly Keywords WagesOwed = new(42, WagesOwedZhRegex(), WagesOwedEnRegex());

    internal static readonly IReadOnlyList<Regex> PrefilteredPatterns =
        [DeathRegex(), DeathNegatedRegex(), SelfHarmRegex(), RoadBlockRegex(), GovernmentRegex(), PlatformOfficeRegex(), ArrestRegex(), ViolenceRegex(), SeriousInjuryRegex(), PluralRegex(), HazardRegex(), StrongClosureRegex(),
         ClosureZhRegex(), ClosureEnRegex(), MoneyWordZhRegex(), MoneyWordEnRegex(), GroupZhRegex(), GroupEnRegex(), WorkerZhRegex(), WorkerEnRegex(), IndividualZhRegex(), IndividualEnRegex(), NoiseZhRegex(), NoiseEnRegex(),
         ActionZhRegex(), ActionEnRegex(), PlannedZhRegex(), PlannedEnRegex(), RumourZhRegex(), RumourEnRegex(), FutureZhRegex(), FutureEnRegex(), NowZhRegex(), NowEnRegex(), RecentZhRegex(), RecentEnRegex(),
         PastZhRegex(), PastEnRegex(), AloneZhRegex(), AloneEnRegex(), ThenZhRegex(), ThenEnRegex(), WagesOwedZhRegex(), WagesOwedEnRegex(),
         ActionEnColloquial];

    internal static readonly RegexPrefilter Prefilter = new(PrefilteredPatterns);

    public static TextSignals Detect(string text) => Detect(PreparedText.Of(text));

    /// <summary>
    /// Whether workers act together, and when: talk of it that nobody has settled (听说, 没人牵头, "might")
    /// is rumoured; an arrangement or a day to come (说好了, 明天, "will", "tomorrow") is planned; a
    /// stoppage, gathering or blockade going on (现在, 第三天, "right now") is under way; one that is over
    /// (散了, 复工, "last week") or one worker acting alone (老子不干了) is none. The sentence that first
    /// names the action decides between planned and under way when it says which ("明早六点开始都不上线",
    /// later "现在是晚上十点": planned); the whole text decides otherwise.
    /// </summary>
    private static ActionStatus Status(string t, ulong possible, bool acting)
    {
        if (!acting)
        {
            // Talk of a strike with no action word: 听说要罢工.
            var strikeWord = t.Contains('罢', StringComparison.Ordinal) || t.Contains('闹', StringComparison.Ordinal) || t.Contains('停', StringComparison.Ordinal) || t.Contains('堵', StringComparison.Ordinal)
                || t.Contains("strike", StringComparison.OrdinalIgnoreCase) || t.Contains("protest", StringComparison.OrdinalIgnoreCase)
                || t.Contains("stop work", StringComparison.OrdinalIgnoreCase) || t.Contains("stopping work", StringComparison.OrdinalIgnoreCase)
                || t.Contains("doing something", StringComparison.OrdinalIgnoreCase) || t.Contains("platform office", StringComparison.OrdinalIgnoreCase)
                || t.Contains("block", StringComparison.OrdinalIgnoreCase) || t.Contains("walk out", StringComparison.OrdinalIgnoreCase);
            return strikeWord && Rumour.In(possible, t) ? ActionStatus.Rumoured : ActionStatus.None;
        }

        var agreed = Planned.In(possible, t);
        if (!agreed && Alone.In(possible, t))
        {
            return ActionStatus.None;
        }

        var future = Future.In(possible, t);
        if (Rumour.In(possible, t) && !(agreed && future && Settled(t)))
        {
            return ActionStatus.Rumoured;
        }

        var now = Now.In(possible, t);
        var recent = Recent.In(possible, t);
        var past = Past.In(possible, t) || (Then.In(possible, t) && Action.First(possible, t) is var a && a >= 0 && Then.In(Sentence(t, a)));
        if ((future || agreed) && !now && !recent && !(agreed && past && !future))
        {
            return ActionStatus.Planned;
        }

        if (!future && (now || (recent && !past)))
        {
            return ActionStatus.Underway;
        }

        if (future && (now || recent) && Action.First(possible, t) is var first && first >= 0)
        {
            // The time word nearest the action in its sentence: the last one before it, else the first after it.
            var (from, length) = SentenceAround(t, first);
            var sentence = t.AsSpan(from, length);
            var at = first - from;
            var futureAt = Future.Nearest(sentence, at);
            var nowAt = Math.Min(now ? Now.Nearest(sentence, at) : int.MaxValue, recent && !past ? Recent.Nearest(sentence, at) : int.MaxValue);
            if (futureAt < nowAt)
            {
                return ActionStatus.Planned;
            }

            if (nowAt < futureAt)
            {
                return ActionStatus.Underway;
            }
        }

        if ((future && (agreed || !(now || recent))) || (agreed && !now && !recent && !past))
        {
            return ActionStatus.Planned;
        }

        if (now)
        {
            return ActionStatus.Underway;
        }

        return past ? ActionStatus.None : ActionStatus.Underway;
    }

    /// <summary>Words that settle an action (定了, 报名, "agreed"), stronger than an intention (要一起, "going to"): they outweigh talk of a rumour.</summary>
    private static bool Settled(string t) =>
        t.Contains("定了", StringComparison.Ordinal) || t.Contains("约好", StringComparison.Ordinal) || t.Contains("商量好", StringComparison.Ordinal)
        || t.Contains("说好了", StringComparison.Ordinal) || t.Contains("接龙", StringComparison.Ordinal) || t.Contains("报名", StringComparison.Ordinal)
        || t.Contains("决定", StringComparison.Ordinal) || t.Contains("agreed", StringComparison.OrdinalIgnoreCase) || t.Contains("decided", StringComparison.OrdinalIgnoreCase)
        || t.Contains("signed up", StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> Sentence(string t, int index)
    {
        var (from, length) = SentenceAround(t, index);
        return t.AsSpan(from, length);
    }

    /// <summary>A Chinese and an English pattern of the same words, at prefilter bits <paramref name="bit"/> and the next.</summary>
    /// <param name="enMore">More English words, a pattern of their own at <paramref name="moreBit"/> (<see cref="ActionEnColloquial"/>).</param>
    private sealed class Keywords(int bit, Regex zh, Regex en, Regex? enMore = null, int moreBit = -1)
    {
        public bool In(ulong possible, string text) =>
            (RegexPrefilter.Includes(possible, bit) && zh.IsMatch(text)) || (RegexPrefilter.Includes(possible, bit + 1) && en.IsMatch(text))
            || (enMore is not null && RegexPrefilter.Includes(possible, moreBit) && enMore.IsMatch(text));

        /// <summary>Where the words first occur, or -1.</summary>
        public int First(ulong possible, string text)
        {
            var first = int.MaxValue;
            if (RegexPrefilter.Includes(possible, bit))
            {
                first = Math.Min(first, FirstMatch(zh, text));
            }

            if (RegexPrefilter.Includes(possible, bit + 1))
            {
                first = Math.Min(first, FirstMatch(en, text));
            }

            if (enMore is not null && RegexPrefilter.Includes(possible, moreBit))
            {
                first = Math.Min(first, FirstMatch(enMore, text));
            }

            return first == int.MaxValue ? -1 : first;
        }

        private static int FirstMatch(Regex regex, string text)
        {
            foreach (var m in regex.EnumerateMatches(text))
            {
                return m.Index;
            }

            return int.MaxValue;
        }

        public bool In(ReadOnlySpan<char> span) => zh.IsMatch(span) || en.IsMatch(span) || (enMore?.IsMatch(span) ?? false);

        public int Nearest(ReadOnlySpan<char> sentence, int at) =>
            Math.Min(Math.Min(SignalDetector.Nearest(zh, sentence, at), SignalDetector.Nearest(en, sentence, at)),
                     enMore is null ? int.MaxValue : SignalDetector.Nearest(enMore, sentence, at));
    }

    /// <summary>How far a match of <paramref name="regex"/> is from <paramref name="at"/>: matches before it count by their distance, matches after it only when none is before (a larger distance); int.MaxValue when none.</summary>
    private static int Nearest(Regex regex, ReadOnlySpan<char> sentence, int at)
    {
        var before = int.MaxValue;
        var after = int.MaxValue;
        foreach (var m in regex.EnumerateMatches(sentence))
        {
            if (m.Index <= at)
            {
                before = at - m.Index;
            }
            else
            {
                after = Math.Min(after, m.Index - at);
                break;
            }
        }

        return before != int.MaxValue ? before : after == int.MaxValue ? int.MaxValue : 10_000 + after;
    }

    /// <summary>The sentence holding position <paramref name="index"/>: between full stops, question or exclamation marks, line breaks.</summary>
    private static (int From, int Length) SentenceAround(string t, int index)
    {
        var from = index;
        while (from > 0 && !IsSentenceEnd(t, from - 1))
        {
            from--;
        }

        var to = index;
        while (to < t.Length && !IsSentenceEnd(t, to))
        {
            to++;
        }

        return (from, to - from);
    }

    private static bool IsSentenceEnd(string t, int i) =>
        t[i] is '。' or '！' or '？' or '!' or '?' or '\n' or '；' or ';'
        || (t[i] == '.' && (i + 1 == t.Length || t[i + 1] == ' ') && !(i > 0 && char.IsAsciiDigit(t[i - 1])));

    /// <summary><see cref="Detect(string)"/> of a text prepared once for all extractors.</summary>
    public static TextSignals Detect(PreparedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Text;
        var possible = Prefilter.PossibleMatches(text.Folded);
        bool Has(int pattern, Regex regex) => RegexPrefilter.Includes(possible, pattern) && regex.IsMatch(t);

        var death = Has(DeathPattern, DeathRegex()) && !Has(DeathNegatedPattern, DeathNegatedRegex());
        var serious = Has(SeriousInjuryPattern, SeriousInjuryRegex());
        var acting = Action.In(possible, t);
        var roadBlock = Has(RoadBlockPattern, RoadBlockRegex());
        var government = Has(GovernmentPattern, GovernmentRegex());
        var status = Status(t, possible, acting || roadBlock || government);
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
            ClosureUnsettled = (Closure.In(possible, t) && MoneyWord.In(possible, t)) || Has(StrongClosurePattern, StrongClosureRegex()),
            WagesOwed = WagesOwed.In(possible, t),
            GroupMention = Group.In(possible, t),
            WorkerMention = Worker.In(possible, t),
            IndividualMention = Individual.In(possible, t),

            // Anchored on the trimmed text (^测试, ^ping$); the anchors of the trimmed text are in the whole text.
            NonLabourNoise = Noise.In(possible, t.Trim()),
            Action = status,
        };
    }
}
