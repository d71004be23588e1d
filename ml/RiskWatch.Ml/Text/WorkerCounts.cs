namespace RiskWatch.Ml.Text;

/// <summary>
/// How many workers a report's text says are affected or acting. Every number in the text is read
/// (<see cref="ChineseNumber"/>, <see cref="EnglishNumber"/>) and kept only when what follows it names
/// people: a measure word and a worker noun (三百多个骑手, 40 couriers), a noun-less count where the
/// sentence says who (我们三十几个, 报名的四十个, 200 of us), vehicles that stand for their drivers
/// (四五十台车, 30 trucks) or accounts that stand for their holders (封了一百多个号, 300 accounts).
/// Counts of stations, outlets, orders, days or money, and audiences (当着二十几个人) are not workers.
/// <para>
/// Of the counts left, the largest wins, unless the text sets a few apart from the whole (我们站一百多号人
/// 就我一个被扣, "only three of us"), when the few win. A text with no count that speaks of one person
/// (我被罚了, "I was fined", 一个骑手) reads as 1; one that speaks of a group without a number reads as
/// none, and <see cref="ReportFacts.UnknownGroup"/> handles it.
/// </para>
/// </summary>
public static class WorkerCounts
{
    /// <summary>The count of workers affected or acting, or null when the text gives none.</summary>
    public static int? Read(string text) => Read(PreparedText.Of(text));

    /// <inheritdoc cref="Read(string)"/>
    public static int? Read(PreparedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var best = new Choice();
        if (text.HasIdeograph)
        {
            ReadChinese(text.Text, ref best);
        }

        if (text.HasAsciiLetter)
        {
            ReadEnglish(text.Text, ref best);
        }

        if (best.Result() is { } found)
        {
            return found;
        }

        return Individual(text) && Grievance(text) ? 1 : null;
    }

    /// <summary>The counts found so far: the largest, and the largest of those a text sets apart (就我一个, only three).</summary>
    private struct Choice
    {
        public decimal Largest;
        public decimal LargestApart;
        public bool Any;
        public bool AnyApart;

        public void Take(decimal value, bool apart)
        {
            if (value is < 1 or >= 10_000_000)
            {
                return;
            }

            // Set apart only from a larger whole named before it (我们站一百多号人 就我一个); a few named
            // first (开始以为就我们组几个人, 后来...五百多个) are just a count.
            if (apart && !(Any && Largest > value))
            {
                apart = false;
            }

            if (apart)
            {
                LargestApart = AnyApart ? Math.Max(LargestApart, value) : value;
                AnyApart = true;
            }
            else
            {
                Largest = Any ? Math.Max(Largest, value) : value;
                Any = true;
            }
        }

        public readonly int? Result() => AnyApart ? Round(LargestApart) : Any ? Round(Largest) : null;

        private static int Round(decimal v) => (int)Math.Round(v, MidpointRounding.AwayFromZero);
    }

    // ------------------------------------------------------------------ Chinese

    /// <summary>Worker nouns: a count followed (within a few characters) by one of these counts people.</summary>
    private static readonly Lexicon ZhPeople = new(
        "外卖骑手", "骑手", "骑士", "外卖员", "外卖小哥", "快递小哥", "小哥", "送餐员", "配送员", "快递员", "分拣员", "分拣工", "派件员", "揽投员",
        "揽派员", "揽件员", "理货员", "仓管", "客服", "跑男", "闪送员", "司机", "的哥", "的姐", "师傅", "车主", "代驾", "农民工", "工人", "员工", "普工",
        "女工", "男工", "临时工", "小工", "暑假工", "寒假工", "学生工", "派遣工", "劳务工", "合同工", "车工", "保洁员", "保洁", "阿姨", "阿姐",
        "大姐", "大哥", "姐妹", "兄弟", "弟兄", "哥们", "伙计", "工友", "家政工", "家政员", "钟点工", "月嫂", "育儿嫂", "育婴员", "保姆", "护工",
        "护理员", "保安", "教师", "老师", "护士", "医生", "搬运工", "装卸工", "钢筋工", "泥水工", "泥瓦工", "木工", "电工", "焊工", "水电工", "油漆工",
        "架子工", "杂工", "安装工", "装修工", "职工", "环卫工", "清洁工", "扫地的", "店员", "营业员", "收银员", "服务员", "厨师", "学员", "学徒",
        "技师", "技工", "老师傅", "老嘢", "婆娘", "娘们", "老乡", "人", "號人", "号人", "个人", "名", "同事", "网约车司机", "货车司机", "跑腿",
        "打工人", "打工的", "干活的", "上班的", "跑单的", "送外卖的", "送快递的", "开车的", "跑车的", "做工的", "众包骑手", "众包兄弟",
        "专送骑手", "小伙子", "小伙", "姑娘", "大妈", "大爷", "大叔", "小时工", "日结工", "零工", "散工", "妇女", "女的", "男的",
        "騎手", "司機", "員工", "快遞員", "外賣員", "師傅");

    /// <summary>Nouns that make a count something other than people: places, units, things.</summary>
    private static readonly Lexicon ZhNotPeople = new(
        "站", "网点", "点", "店", "门店", "分店", "家", "群", "厂", "车间", "项目", "工地", "工程", "小区", "片区", "区", "城", "市", "省", "县", "镇", "村",
        "街", "路", "口", "月", "天", "日", "小时", "钟头", "钟", "分钟", "年", "周", "星期", "礼拜", "单", "件", "票", "箱", "机器", "设备", "问题",
        "方面", "原因", "条件", "电话", "办法", "理由", "平台", "公司", "部门", "班组", "组", "线", "条", "账", "钱", "块", "元", "工资", "工钱", "押金",
        "奖", "补贴", "投诉", "差评", "好评", "订单", "视频", "照片", "截图", "字", "楼", "层", "栋", "房", "间", "门", "窗", "轮", "批", "次", "回", "趟",
        "遍", "口子", "针", "伤", "地方", "城市", "中心", "仓", "群里", "代理", "加盟商", "承包商", "老板", "站长", "经理", "领导", "负责人",
        "规定", "规矩", "通知", "文件", "条款", "合同", "证", "孩子", "小孩", "娃", "月份", "季度", "班", "岗", "岗位", "窗口", "项", "样", "分",
        "菜", "饭", "馒头", "碗", "瓶", "桶", "袋", "盒", "杯", "份", "顿", "夜", "晚", "早", "上午", "下午", "晚上", "钟点", "事", "环节", "步",
        "公里", "里", "米", "度", "斤", "人次", "多月", "多小时", "多天", "多年", "来月", "来天", "来小时", "把", "人工", "老人", "病人", "客人",
        "家人", "业主", "顾客", "乘客", "住户", "居民", "游客", "患者", "人民", "人家", "人情", "人头费", "人民币", "人社", "人事", "主管", "管理员", "群主", "客户", "雇主", "包工头", "工头", "判头", "队长", "厂长", "院长", "店长", "股东");

    /// <summary>Vehicles stand for their drivers (四五十台车, 十几辆面包车).</summary>
    private static readonly Lexicon ZhVehicles = new(
        "车", "货车", "大货车", "三轮", "三轮车", "面包车", "渣土车", "集卡", "出租车", "网约车", "卡车", "挂车", "半挂", "电动车", "电瓶车", "摩托",
        "摩托车", "小车", "私家车", "大车", "泥头车", "搅拌车", "罐车", "冷藏车", "厢货", "平板车", "叉车", "客车", "大巴", "公交", "公交车",
        "电鸡", "電雞", "的士", "車");

    /// <summary>Units right after a number that make it a time, a rank, money or a measure, never a count of people.</summary>
    private static readonly Lexicon ZhUnits = new(
        "天", "日", "号", "號", "月", "年", "岁", "歲", "小时", "个小时", "個小時", "钟头", "个钟头", "分钟", "分", "秒", "点", "點", "周", "星期", "礼拜", "禮拜",
        "次", "回", "趟", "遍", "单", "件", "票", "公里", "里", "米", "层", "楼", "栋", "%", "倍", "成", "折", "度", "斤", "块", "塊", "元", "蚊", "毛", "角",
        "万", "萬", "亿", "千块", "个月", "個月", "个多月", "个礼拜", "个星期", "个周", "个工作日", "个点", "个钟", "多块", "多元", "来块", "多天", "多年",
        "多小时", "多个小时", "多个月", "来天", "来年", "来个月", "多分钟", "余天", "余年", "项", "条", "份", "张", "套", "台机", "辆次", "人次", "届", "期",
        "班", "轮", "w", "W", "k", "K", "号线");

    /// <summary>Measure words for people (个, 名, 位, 口); vehicles take 台, 辆, 部.</summary>
    private static bool IsPersonMeasure(char c) => c is '个' or '個' or '名' or '位' or '口';

    /// <summary>Pronouns and phrases that say the count is of people when no noun follows (我们三十几个, 报名的四十个).</summary>
    private static readonly Lexicon ZhWhoBefore = new(
        "我们", "我們", "俺们", "俺們", "咱们", "他们", "她们", "我哋", "阿拉", "伲", "阮", "大家", "大伙", "我", "俺", "他", "她", "咱", "其中", "另外", "带头的",
        "报名的", "报了", "报名", "接龙", "统计", "登记", "确认", "一共", "总共", "加起来", "人数", "封了", "停了", "被封", "被停", "辞退", "裁掉", "裁了",
        "开除", "停号", "抓了", "带走", "带走了", "拉走", "铐走", "去了", "来了", "剩下", "还剩", "就有", "只有", "共有", "约有", "到了", "足足", "整整",
        "足有", "数了", "算了", "统计了", "得有", "有", "估计有", "大概有", "正好", "共");

    /// <summary>What may follow a noun-less count of people: a verb or adverb of what they do or suffer.</summary>
    private static readonly Lexicon ZhWhoAfter = new(
        "被", "都", "一起", "一齐", "一道", "一块", "全", "全部", "统统", "已经", "在", "没", "冇", "不", "也", "还", "去", "要", "同意", "报名",
        "确认", "签", "商量", "约", "说好", "定", "停", "堵", "坐", "站着", "围", "聚", "拉", "罢", "讨", "找", "联名", "集体", "了", "的钱", "的工资",
        "的工钱", "的押金", "的账号", "的号", "被封", "被停", "每人", "一人", "各", "上个月", "上月", "昨天", "今天", "明天", "前天", "去年", "今年",
        "这个月", "这两天", "上周", "上礼拜", "刚才", "前几天", "轮流", "想", "让", "跟", "和", "给", "从", "就", "又", "再", "是", "说", "能", "会", "到");

    private static readonly Lexicon ZhAudience = new("当着", "当住", "对着", "面前");

    private static readonly Lexicon ZhApart = new("就", "只有", "只", "仅", "仅有", "唯独", "光", "单单", "就剩");

    private static bool IsIdeograph(char c) => c is >= '\u4e00' and <= '\u9fff';

    private static void ReadChinese(string t, ref Choice best)
    {
        var span = t.AsSpan();
        foreach (var number in ChineseNumber.ReadAll(span))
        {
            // Digits inside English words or times (10:30, 3.5%, 2024-11-18) and ordinals (第三个) are no counts.
            if (number.Start > 0 && (span[number.Start - 1] is '第' or '每' or '双' or '-' or '/' or '#' || char.IsAsciiLetter(span[number.Start - 1])
                || (span[number.Start - 1] is ':' && number.Start > 1 && char.IsAsciiDigit(span[number.Start - 2]))))
            {
                continue;
            }

            if (ClassifyChinese(span, number) is { } counted)
            {
                best.Take(number.Value, counted.Apart && number.Value < 10);
            }
        }

        // 就我自己, 只有我: one set apart from the rest, without a number.
        if (IndividualApart(span))
        {
            best.Take(1, apart: true);
        }
    }

    private readonly record struct Counted(bool Apart);

    private static Counted? ClassifyChinese(ReadOnlySpan<char> t, NumberReading number)
    {
        var j = number.End;
        var rest = t[j..];
        var apart = IsApart(t, number.Start);

        // Per head (一人三百, 一人罚200), not a count.
        if (number.Value == 1 && rest.Length > 1 && rest[0] == '人' && (ChineseNumber.Starts.Contains(rest[1]) || rest[1] is '交' or '罚' or '扣' or '赔' or '少' or '欠' or '发'))
        {
            return null;
        }

        // 俺们仨, 咱俩: the numeral carries its own measure word.
        var measure = t[number.End - 1] is '俩' or '倆' or '仨';
        var vehicle = false;
        var hao = false;
        if (rest.IsEmpty)
        {
            return null;
        }

        var c = rest[0];
        if (!IsPersonMeasure(c) && c is not ('号' or '號') && ZhPeople.LongestAt(rest) > 1 && ZhPeople.LongestAt(rest) >= ZhUnits.LongestAt(rest)
            && !IsAudience(t, number.Start, rest))
        {
            // 50月嫂, 三十工友: a worker noun right after the number (not 月 of 三个月).
            return new Counted(apart);
        }

        if (IsPersonMeasure(c))
        {
            // 一个多月, 三个小时: a unit after the measure word (二十几个小时工 are hourly workers).
            if (ZhUnits.LongestAt(rest) > 1 && !rest.StartsWith("个小时工", StringComparison.Ordinal))
            {
                return null;
            }

            measure = true;
            j++;
        }
        else if (c is '号' or '號')
        {
            // 两百来号人, 上百号骑手, 一百多号兄弟: 号 counts people; 十五号 is a date.
            var afterHao = t[(j + 1)..];
            if (!(number.Approximate || number.Value > 31 || (afterHao.Length > 0 && ZhPeople.StartsAt(afterHao))))
            {
                return null;
            }

            hao = true;
            measure = true;
            j++;
        }
        else if (c is '台' or '辆' or '輛' or '部'
                 || (c == '架' && (rest.Length == 1 || !IsIdeograph(rest[1]) || ZhVehicles.StartsAt(rest[1..]))))
        {
            // 架 is Cantonese for vehicles (两百几架车, 一百几十架电鸡), and aircraft elsewhere: only before a vehicle or alone.
            vehicle = true;
            j++;
        }
        else if (ZhUnits.LongestAt(rest) > 0)
        {
            return null;
        }

        if (measure && j < t.Length && t[j] is '多' or '来')
        {
            // 一百个多人 (a rarer order).
            j++;
        }

        if ((measure || vehicle) && j + 1 < t.Length && t[j] == ' ' && IsIdeograph(t[j + 1])
            && (ZhPeople.StartsAt(t[(j + 1)..]) || ZhVehicles.StartsAt(t[(j + 1)..]) || CompoundPeople(t[(j + 1)..])))
        {
            // Informants who type word by word: 两百来个 农民工, 二十几台 货车.
            j++;
        }

        var phrase = t[j..];
        if (IsAudience(t, number.Start, phrase))
        {
            return null;
        }

        // 我们三个, 俺们五个想..., 站里让我们四个轮流: a pronoun before the count makes it people, whatever follows,
        // unless a noun of something else comes right after the measure word (我们三个站).
        if (measure && WhoBefore(t, number.Start, ZhPronouns) && !ZhNotPeople.StartsAt(phrase))
        {
            return new Counted(apart);
        }

        // Accounts stand for their holders: 二十几个号, 一百四十三个账号.
        if (measure && phrase.Length > 0 && (phrase[0] is '号' or '號' || phrase.StartsWith("账号", StringComparison.Ordinal)) && !(phrase.Length > 1 && phrase[1] is '码' or '线'))
        {
            return new Counted(apart);
        }

        if (vehicle)
        {
            // 四五十台车, 十几辆面包车, 两百台往上: drivers. 三台电脑, 两部手机, 两部门 are not.
            return ZhNotVehicles.StartsAt(phrase) ? null : new Counted(apart);
        }

        // The noun phrase: up to eight characters until a worker noun (a count of people), a noun of
        // something else (not a count, unless a headless 的 phrase follows: 十来个讨钱的), another number,
        // or the end of the phrase.
        for (var k = 0; k < Math.Min(8, phrase.Length); k++)
        {
            var here = phrase[k..];
            if (!IsIdeograph(here[0]))
            {
                // 两个租车跑T3的司机: letters and digits inside the phrase; anything else ends it.
                if (char.IsAsciiLetterOrDigit(here[0]) && k > 0)
                {
                    continue;
                }

                break;
            }

            var people = ZhPeople.LongestAt(here);
            var other = here.StartsWith("人工资", StringComparison.Ordinal) || here.StartsWith("人工钱", StringComparison.Ordinal) ? 0 : ZhNotPeople.LongestAt(here);
            if (people > 0 && people >= other)
            {
                // A bare 人 needs the number glued to it or a measure word (三人, 三个人): 一帮人, 第一人 do not count.
                // 名 alone further on is a measure word of another count.
                if ((here[0] == '人' && k > 0 && !measure) || (here[0] is '名' or '工' && people == 1 && k > 0))
                {
                    return null;
                }

                return new Counted(apart);
            }

            if (other > 0)
            {
                // 四个网点的快递员 counts outlets; 七十来个跑专线的司机 counts drivers (专线 is inside a modifier);
                // 三百五十个车间工人, 六个快递网点员工 count workers (a noun before the worker noun).
                var tail = phrase[(k + other)..];
                if (CompoundPeople(tail))
                {
                    return new Counted(apart);
                }

                return k > 0 && (DeThenPeople(tail) || (measure && HeadlessDe(tail))) ? new Counted(apart) : null;
            }

            if (here[0] == '的' && k > 0)
            {
                // 三十几个跑长途的, 二十个分拣的: a count of people named by what they do; 二十多个外地来的分拣工.
                return ZhPeople.StartsAt(here[1..]) || (measure && HeadlessDe(here)) ? new Counted(apart) : null;
            }

            if (people == 0 && ZhWhoAfter.StartsAt(here))
            {
                // A verb ends the noun phrase: 我们十几个在工地门口.
                break;
            }

            if (k > 0 && (here[0] == '员' || (here[0] == '工' && !(here.Length > 1 && "资钱地作厂程龄服具伤棚头单位期时种号价分会夫".Contains(here[1], StringComparison.Ordinal)))))
            {
                // 拣货员, 理货员, 安装工: other worker nouns by their last character.
                return new Counted(apart);
            }

            if (k > 0 && ChineseNumber.Starts.Contains(here[0]))
            {
                break;
            }
        }

        // The noun before the number: 月嫂六十来个, 普工120名, 骑手约35人, 保安这边十九个人.
        if (NounBefore(t, number.Start, out var afterMoneyVerb) && (measure || c is '名' or '人' or '位' || (!afterMoneyVerb && number.Value >= 10 && !IsIdeograph(c))))
        {
            return new Counted(apart);
        }

        var whoAfter = !phrase.IsEmpty && ZhWhoAfter.StartsAt(phrase);
        if (measure)
        {
            // No noun: 我们三十几个, 报名的四十个, 停了三百多个, 三个被带走: people when the words around say so;
            // and a loose count with 号 (两三百号吧, 两百来号 集体请假), which is no date.
            return WhoBefore(t, number.Start, ZhWhoBefore) || whoAfter || (hao && !ZhNotPeople.StartsAt(phrase)) ? new Counted(apart) : null;
        }

        // No measure word either: only a tally (接龙报名的已经两百多了, 目前统计三百左右).
        return (phrase.IsEmpty || !IsIdeograph(phrase[0]) || whoAfter || phrase[0] is '了' or '个') && number.Value >= 2 && !number.Multiplied && WhoBefore(t, number.Start, ZhTally)
            ? new Counted(apart)
            : null;
    }

    /// <summary>A worker noun within a few characters, no 的 or other noun of things between: 车间工人, 快递网点员工.</summary>
    private static bool CompoundPeople(ReadOnlySpan<char> tail)
    {
        for (var d = 0; d < Math.Min(5, tail.Length); d++)
        {
            if (!IsIdeograph(tail[d]) || tail[d] == '的' || ZhWhoAfter.StartsAt(tail[d..]))
            {
                return false;
            }

            var people = ZhPeople.LongestAt(tail[d..]);
            if (people > 0 && !(tail[d] is '人' or '名') && people >= ZhNotPeople.LongestAt(tail[d..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A 的 within a few characters followed by a worker noun: 跑专线的司机.</summary>
    private static bool DeThenPeople(ReadOnlySpan<char> phrase)
    {
        for (var d = 0; d < Math.Min(6, phrase.Length); d++)
        {
            if (!IsIdeograph(phrase[d]))
            {
                return false;
            }

            if (phrase[d] == '的')
            {
                return ZhPeople.StartsAt(phrase[(d + 1)..]);
            }
        }

        return false;
    }

    /// <summary>A 的 within a few characters and no noun after it: 讨钱的 (those who ask for pay), not 网点的快递员.</summary>
    private static bool HeadlessDe(ReadOnlySpan<char> phrase)
    {
        for (var d = 0; d < Math.Min(6, phrase.Length); d++)
        {
            if (!IsIdeograph(phrase[d]))
            {
                return false;
            }

            if (phrase[d] == '的')
            {
                var after = phrase[(d + 1)..];
                return after.IsEmpty || !IsIdeograph(after[0]) || (!ZhPeople.StartsAt(after) && !ZhNotPeople.StartsAt(after) && !ZhVehicles.StartsAt(after)) || ZhWhoAfter.StartsAt(after);
            }
        }

        return false;
    }

    /// <summary>
    /// A worker noun just before the number, past 约, 有, 共, 这边: 月嫂六十来个, 骑手约35人, 快递员四百出头.
    /// <paramref name="afterMoneyVerb"/>: the noun follows 罚, 扣, 欠 (罚快递员50 fines a courier 50 yuan).
    /// </summary>
    private static bool NounBefore(ReadOnlySpan<char> t, int start, out bool afterMoneyVerb)
    {
        afterMoneyVerb = false;
        var end = start;
        var skipped = 0;
        while (end > 0 && skipped < 4 && t[end - 1] is '约' or '有' or '共' or '就' or '都' or '是' or ':' or '：' or ' ' or '近' or '达' or '大' or '概' or '总' or '一'
               or '这' or '边' or '那' or '差' or '不' or '多')
        {
            end--;
            skipped++;
        }

        var window = t[Math.Max(0, end - 5)..end];
        for (var k = 0; k < window.Length; k++)
        {
            var n = ZhHeads.LongestAt(window[k..]);
            if (n > 0 && k + n == window.Length)
            {
                var at = end - window.Length + k;
                afterMoneyVerb = at > 0 && t[at - 1] is '罚' or '扣' or '赔' or '欠' or '给' or '发' or '补' or '退' or '交' or '们';
                return true;
            }
        }

        return false;
    }

    /// <summary>Worker nouns that may come before their count (not 人, 名: 每人200 is money).</summary>
    private static readonly Lexicon ZhHeads = new(
        "骑手", "骑士", "外卖员", "小哥", "送餐员", "配送员", "快递员", "分拣员", "分拣工", "派件员", "揽投员", "理货员", "跑男", "司机", "师傅", "车主",
        "农民工", "工人", "员工", "普工", "女工", "临时工", "小工", "派遣工", "劳务工", "车工", "保洁员", "保洁", "阿姨", "阿姐", "兄弟", "工友", "家政工",
        "钟点工", "月嫂", "育儿嫂", "保姆", "护工", "护理员", "保安", "教师", "老师", "护士", "搬运工", "装卸工", "钢筋工", "木工", "电工", "职工",
        "环卫工", "清洁工", "店员", "服务员", "学员", "技工", "涉及人员", "人员", "人数", "工人数", "的人", "涉及的人", "小时工");

    private static readonly Lexicon ZhNotVehicles = new(
        "机器", "设备", "电脑", "手机", "空调", "电梯", "机", "冰箱", "洗衣机", "电视", "风扇", "扫描枪", "高拍仪", "打包台", "电子秤", "货架", "门", "分",
        "打印机", "充电桩", "换电柜", "柜");

    private static readonly Lexicon ZhPronouns = new("我们", "我們", "俺们", "俺們", "咱们", "他们", "她们", "我哋", "佢哋", "阿拉", "伲", "阮", "咱", "大家", "大伙", "兄弟们", "姐妹们");

    private static readonly Lexicon ZhTally = new("报名的", "报名", "报了", "接龙", "接龙到了", "统计", "登记", "确认", "人数", "签名的", "同意的", "报名的已经", "统计了", "登记了");

    /// <summary>Whether the words just before a number (past 这, 那) say it counts people: 我们, 报名的, 停了, 其中.</summary>
    private static bool WhoBefore(ReadOnlySpan<char> t, int start, Lexicon words)
    {
        var end = start;
        while (end > 0 && t[end - 1] is '这' or '那' or '這' or ' ')
        {
            end--;
        }

        return words.EndsIn(t[Math.Max(0, end - 6)..end]);
    }

    private static bool IsAudience(ReadOnlySpan<char> t, int start, ReadOnlySpan<char> phrase)
    {
        var before = t[Math.Max(0, start - 3)..start];
        return ZhAudience.Occurs(before) || phrase.StartsWith("人的面", StringComparison.Ordinal) || phrase.StartsWith("的面", StringComparison.Ordinal);
    }

    /// <summary>A count in the same clause after 就, 只有, 唯独: a few set apart (就我们这个岗四个人).</summary>
    private static bool IsApart(ReadOnlySpan<char> t, int start)
    {
        var from = start;
        var steps = 0;
        while (from > 0 && steps < 10 && !IsClauseEnd(t[from - 1]))
        {
            from--;
            steps++;
        }

        var clause = t[from..start];
        for (var k = 0; k < clause.Length; k++)
        {
            if (ZhApart.StartsAt(clause[k..]) && !(clause[k..].StartsWith("就是", StringComparison.Ordinal) || clause[k..].StartsWith("就在", StringComparison.Ordinal) || clause[k..].StartsWith("就要", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsClauseEnd(char c) => c is '，' or ',' or '。' or '.' or '！' or '!' or '？' or '?' or '；' or ';' or ' ' or '\n' or '：' or ':';

    private static readonly Lexicon ZhIndividualApart = new("就我自己", "就我一个", "就俺一个", "只有我", "只有俺", "就我自己", "我就说我自己", "唯独我", "就我没", "就俺没", "就他一个", "就她一个");

    private static bool IndividualApart(ReadOnlySpan<char> t) => ZhIndividualApart.Occurs(t);

    // ------------------------------------------------------------------ English

    private static readonly Lexicon EnPeople = new(
        "worker", "workers", "rider", "riders", "courier", "couriers", "driver", "drivers", "employee", "employees", "staff", "staffers",
        "labourer", "labourers", "laborer", "laborers", "builder", "builders", "cleaner", "cleaners", "nanny", "nannies", "housekeeper",
        "housekeepers", "maid", "maids", "caregiver", "caregivers", "carer", "carers", "aunties", "ayis", "teacher", "teachers", "nurse", "nurses",
        "guard", "guards", "sorter", "sorters", "porter", "porters", "loader", "loaders", "operator", "operators", "miner", "miners", "people",
        "persons", "person", "men", "women", "guys", "folks", "colleagues", "coworkers", "co-workers", "brothers", "sisters", "protesters",
        "protestors", "strikers", "janitors", "janitor", "cabbies", "cabdrivers", "truckers", "trucker", "technicians", "doctors", "migrants",
        "deliverymen", "deliveryman", "electricians", "welders", "painters", "carpenters", "dockers", "dockworkers", "members", "hands", "temps",
        "interns", "apprentices", "trainees", "cooks", "chefs", "waiters", "waitresses", "servers", "cashiers", "clerks", "dispatchers",
        "packers", "pickers", "stevedores", "masons", "plasterers", "plumbers", "fitters", "mechanics", "crew", "bricklayers", "scaffolders",
        "freelancers", "helpers", "handlers", "attendants", "agents", "workmen", "villagers", "retirees", "veterans",
        "homeworkers", "operatives", "pickers", "movers", "haulers", "hauliers", "chauffeurs", "couriers'", "riders'", "workers'", "us", "them",
        "individuals", "employees'", "staffers", "ladies", "lads", "boys", "girls", "security", "ppl", "brother", "ayi");

    private static readonly Lexicon EnVehicles = new(
        "trucks", "truck", "lorries", "lorry", "vans", "van", "taxis", "taxi", "cabs", "cab", "cars", "vehicles", "buses", "tricycles", "rigs",
        "tractors", "trailers", "motorbikes", "scooters", "e-bikes", "ebikes", "bikes", "tippers", "dumpers", "minivans", "car", "ebike", "trikes",
        "e-trikes", "tricycle");

    private static readonly Lexicon EnAccounts = new("accounts", "account", "ids", "profiles");

    /// <summary>Words after a number that make it something other than people.</summary>
    private static readonly Lexicon EnNotPeople = new(
        "yuan", "rmb", "cny", "kuai", "dollars", "usd", "percent", "per", "days", "day", "hours", "hour", "hrs", "weeks", "week", "months", "month",
        "years", "year", "minutes", "minute", "mins", "seconds", "times", "orders", "order", "deliveries", "delivery", "parcels", "parcel",
        "packages", "package", "stations", "station", "outlets", "outlet", "depots", "depot", "sites", "site", "branches", "branch", "stores",
        "store", "shops", "shop", "restaurants", "companies", "company", "firms", "factories", "factory", "floors", "floor", "storeys", "km",
        "kilometres", "kilometers", "miles", "metres", "meters", "points", "complaints", "fines", "shifts", "shift", "trips", "trip", "items",
        "pieces", "cases", "messages", "calls", "tickets", "stars", "reviews", "cities", "districts", "provinces", "am", "pm", "o'clock",
        "storey", "percent", "pct", "jobs", "tasks", "runs", "cents", "jiao", "fen", "groups", "chats", "teams", "zones", "areas", "hubs",
        "warehouses", "centres", "centers", "projects", "buildings", "lines", "routes", "kg", "kilos", "degrees", "pages", "rounds", "rmb.");

    /// <summary>Verbs a noun-less count of people may do ("about 80 showed up"), read only after "about", "over", "some".</summary>
    private static readonly Lexicon EnVerbsAfterCount = new(
        "showed", "turned", "gathered", "joined", "signed", "walked", "went", "marched", "protested", "blocked", "struck", "rallied", "are", "were",
        "have", "had", "will", "plan", "planned", "say", "said", "got", "lost", "remain", "remained", "stayed", "refused", "stopped", "quit",
        "staged", "sat", "stood", "demanded", "came", "logged", "switched", "turn", "show", "gather", "walk", "refuse", "stop");

    private static void ReadEnglish(string t, ref Choice best) => EnglishNumber.ReadTokens(t, ref best, ReadEnglishTokens);

    private static void ReadEnglishTokens(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, ref Choice best)
    {
        var tl = new TokenList(t, tk);
        for (var i = 0; i < tk.Length; i++)
        {
            var token = tk[i];
            if (token.Kind == TokenKind.Symbol)
            {
                continue;
            }

            if (token.Kind == TokenKind.Word && !StartsQuantity(t.Slice(token.Start, token.Length)))
            {
                continue;
            }

            if (!EnglishNumber.TryRead(t, tk, i, out var number, out var next))
            {
                continue;
            }

            // "one" alone is read only as an individual ("one rider"); "one of the riders" is one too.
            var j = next;
            if (tl.Is(j, "of") && (tl.Is(j + 1, "us") || tl.Is(j + 1, "them") || tl.Is(j + 1, "our") || tl.Is(j + 1, "the") || tl.Is(j + 1, "their") || tl.Is(j + 1, "its")))
            {
                if (tl.Is(j + 1, "us") || tl.Is(j + 1, "them"))
                {
                    best.Take(number.Value, EnApart(t, tk, i));
                    i = next - 1;
                    continue;
                }

                j += 2;
            }
            else if (tl.Is(j, "of"))
            {
                j++;
            }

            var audience = i >= 3 && tl.Is(i - 1, "of") && tl.Is(i - 2, "front") && tl.Is(i - 3, "in");
            var kind = EnNoun(t, tk, j);
            if (kind == EnKind.People && !audience)
            {
                best.Take(number.Value, EnApart(t, tk, i));
            }
            else if (kind == EnKind.None && number.Approximate && number.Value >= 2 && j < tk.Length && tk[j].Kind == TokenKind.Word
                     && EnVerbsAfterCount.Contains(t.Slice(tk[j].Start, tk[j].Length)) && !tl.Is(i - 1, "than") && !tl.Is(i - 1, "under"))
            {
                // "about 80 showed up", "some 300 were laid off".
                best.Take(number.Value, false);
            }
            else if (kind == EnKind.None && number.Value >= 2 && LooselyCounted(t, tk, i, next) && (next >= tk.Length || tk[next].Kind == TokenKind.Symbol || tl.Is(next, "from"))
                     && PeopleBefore(t, tk, i))
            {
                // The noun first, the count after: "drivers (~120, per the group count)", "workers from the lens factory - 200 or more".
                best.Take(number.Value, false);
            }

            i = Math.Max(i, next - 1);
        }

        // "only me", "just me", "I'm the only one": one set apart.
        for (var i = 0; i + 1 < tk.Length; i++)
        {
            if ((tl.Is(i, "only") || tl.Is(i, "just")) && (tl.Is(i + 1, "me") || (tl.Is(i + 1, "i") && !tl.Is(i + 2, "know"))))
            {
                best.Take(1, apart: true);
                break;
            }

            if (tl.Is(i, "the") && tl.Is(i + 1, "only") && tl.Is(i + 2, "one") && i >= 1 && (tl.Is(i - 1, "i'm") || tl.Is(i - 1, "am") || tl.Is(i - 1, "was")))
            {
                best.Take(1, apart: true);
                break;
            }
        }
    }

    /// <summary>A count said to be loose in so many words (~120, (about 130), 120 something, 200 or more, 100-ish, 200 at least, 4 5 hundred): a guess at a crowd, not a price.</summary>
    private static bool LooselyCounted(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, int start, int next)
    {
        var tl = new TokenList(t, tk);
        return (start >= 1 && tk[start - 1].Kind == TokenKind.Symbol && t[tk[start - 1].Start] == '~')
            || (start >= 2 && tk[start - 2].Kind == TokenKind.Symbol && t[tk[start - 2].Start] == '(' && (tl.Is(start - 1, "about") || tl.Is(start - 1, "around")))
            || tl.Is(next - 1, "something") || tl.Is(next - 1, "so") || tl.Is(next - 1, "more") || tl.Is(next - 1, "ish") || tl.Is(next - 1, "least")
            || (tk[next - 1].Kind == TokenKind.Symbol && t[tk[next - 1].Start] == '+')
            || (next - start == 3 && tk[start].Kind == TokenKind.Number && tk[start + 1].Kind == TokenKind.Number);
    }

    /// <summary>Whether a worker noun comes in the twelve words before token <paramref name="i"/>.</summary>
    private static bool PeopleBefore(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, int i)
    {
        for (var k = Math.Max(0, i - 12); k < i; k++)
        {
            var w = t.Slice(tk[k].Start, tk[k].Length);
            if (tk[k].Kind == TokenKind.Word && EnPeople.Contains(w) && !UsOrThem(w))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"us" and "them" are in the people words for "200 of us", but alone they count no one.</summary>
    private static bool UsOrThem(ReadOnlySpan<char> w) =>
        w.Equals("us", StringComparison.OrdinalIgnoreCase) || w.Equals("them", StringComparison.OrdinalIgnoreCase);

    private static bool StartsQuantity(ReadOnlySpan<char> w) =>
        EnglishNumber.SmallWord(w) > 0 || EnQuantityStarts.Contains(w);

    private static readonly Lexicon EnQuantityStarts = new(
        "a", "an", "another", "dozens", "scores", "hundreds", "thousands", "tens", "half", "couple", "few", "several", "handful", "dozen", "hundred", "thousand");

    private enum EnKind
    {
        None,
        People,
        Other,
    }

    /// <summary>What the words from token <paramref name="j"/> count: people (a worker noun, vehicles, accounts within four words), something else, or nothing said.</summary>
    private static EnKind EnNoun(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, int j)
    {
        // "200 delivery workers", "40 parcel sorters", "30 shoe factory workers": nouns of things may
        // modify the worker noun; they count things only when no worker noun ends the phrase.
        var other = false;
        for (var k = j; k < Math.Min(tk.Length, j + 5); k++)
        {
            var token = tk[k];
            if (token.Kind != TokenKind.Word)
            {
                // Hyphenated modifiers go on (food-delivery riders), and so do names with a mark inside (J&T, Ele.me);
                // other marks end the phrase.
                if (token.Kind == TokenKind.Symbol && (t[token.Start] is '-' or '\'' or '’' or '"'
                    || (t[token.Start] is '&' or '.' && k > j && tk[k - 1].End == token.Start && k + 1 < tk.Length && tk[k + 1].Start == token.End && tk[k + 1].Kind == TokenKind.Word)))
                {
                    continue;
                }

                break;
            }

            var w = t.Slice(token.Start, token.Length);
            if (k == j && w.Equals("more", StringComparison.OrdinalIgnoreCase))
            {
                // "100 more driver": a hundred-odd drivers, as many write it.
                continue;
            }

            if (EnPeople.Contains(w) || EnVehicles.Contains(w) || EnAccounts.Contains(w))
            {
                // "us"/"them" only right after "of" (handled by the caller).
                return UsOrThem(w) ? EnKind.None : EnKind.People;
            }

            if (EnglishNumber.SmallWord(w) > 0 || EnStopWords.Contains(w) || EnUnitsEndingPhrase.Contains(w))
            {
                break;
            }

            other |= EnNotPeople.Contains(w);
        }

        return other ? EnKind.Other : EnKind.None;
    }

    /// <summary>Units that are never a modifier of a worker noun: "3 days", "500 yuan", "20 percent".</summary>
    private static readonly Lexicon EnUnitsEndingPhrase = new(
        "yuan", "rmb", "cny", "kuai", "dollars", "usd", "percent", "pct", "days", "hours", "hrs", "weeks", "months", "years", "minutes", "mins",
        "seconds", "times", "km", "kilometres", "kilometers", "miles", "am", "pm", "o'clock", "kg", "kilos", "degrees");

    /// <summary>Words that end a noun phrase: a count before them names no noun.</summary>
    private static readonly Lexicon EnStopWords = new(
        "and", "or", "but", "the", "a", "an", "in", "on", "at", "to", "from", "for", "with", "by", "of", "is", "are", "was", "were", "have", "has",
        "had", "will", "would", "who", "which", "that", "this", "these", "those", "they", "we", "i", "he", "she", "it", "our", "their", "his", "her",
        "my", "your", "not", "no", "than", "more", "less", "each", "per", "every", "all", "as", "so", "if", "when", "since", "until", "after",
        "before", "over", "under", "about", "around");

    private static bool EnApart(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, int i)
    {
        for (var k = Math.Max(0, i - 3); k < i; k++)
        {
            if (EnglishNumber.WordAt(t, tk, k, "only") || EnglishNumber.WordAt(t, tk, k, "just"))
            {
                return true;
            }
        }

        return false;
    }

    // ------------------------------------------------------------------ one person

    private static readonly Lexicon ZhGroup = new(
        "大家", "大伙", "大伙儿", "集体", "全体", "所有人", "一起", "一齐", "一道", "好多人", "很多人", "不少人", "一帮", "一群", "兄弟们", "工友们", "姐妹们",
        "弟兄们", "全站", "全厂", "全公司", "全部人", "其他人", "别的人", "人人", "众", "联名", "我们几个", "我们都", "我们一", "我们要", "我们也", "我们没",
        "我们被", "我们在", "我们去", "我们商量", "我们约", "我们的钱", "我们的工资", "俺们", "咱们", "我哋", "阿拉", "伲", "他们几个", "她们几个", "骑手们",
        "师傅们", "司机们", "阿姨们", "大姐们", "几个人", "好几个", "多名", "多人", "数名", "若干");

    private static readonly Lexicon ZhOne = new(
        "我", "俺", "本人", "偶", "一个兄弟", "一个骑手", "一个司机", "一个师傅", "一个快递员", "一名", "一位", "有个", "有一个", "有名", "他", "她");

    private static readonly Lexicon EnGroup = new(
        "we", "we're", "we've", "we'd", "us", "everyone", "everybody", "all", "many", "dozens", "hundreds", "thousands", "colleagues", "coworkers",
        "co-workers", "others", "workers", "riders", "couriers", "drivers", "employees", "staff", "group", "crowd", "several", "lots", "nannies",
        "cleaners", "guards", "protesters", "strikers", "together", "collective", "collectively", "jointly", "everyone's", "teammates", "brothers");

    private static readonly Lexicon EnOne = new(
        "i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "he", "she", "his", "her", "him", "husband", "wife", "son", "daughter");

    /// <summary>
    /// A text with no count reads as about one person when it speaks in the singular (我, 俺, 一个骑手, 他,
    /// "I", "my", "a rider", "he") and of no group (们 other than 我们 before a place, 大家, 一起, "we", "all", plural workers).
    /// </summary>
    private static bool Individual(PreparedText text)
    {
        // Singular cues (我, 俺, 一个骑手, 小唐, 老黄, "I", "a rider") against group cues (们 of people,
        // 大家, 一起, "we", "all", plural workers): a story told of one person mentions the others too
        // (站里的人都在医院, 大家心情都不好), so the singular has to be there and not be outnumbered.
        var t = text.Text.AsSpan();
        var one = 0;
        var group = 0;
        if (text.HasIdeograph)
        {
            for (var k = 0; k < t.Length; k++)
            {
                var c = t[k];
                if (c is '们' or '們')
                {
                    group += PlacePossessive(t, k) ? 0 : 1;
                    continue;
                }

                if (ZhGroup.StartsAt(t[k..]))
                {
                    group++;
                    continue;
                }

                var n = ZhOne.LongestAt(t[k..]);
                if (n > 0 && !(k + n < t.Length && t[k + n] is '们' or '們' or '哋' or '俩' or '倆' or '仨' or '几' or '兩' or '两' or '三' or '四' or '五'))
                {
                    one++;
                    k += n - 1;
                }
                else if (c is '小' or '老' && k + 1 < t.Length && Surnames.Contains(t[k + 1]) && !(k + 2 < t.Length && t[k + 2] is '板' or '公' or '婆' or '乡' or '家' or '区'))
                {
                    // 小唐, 老黄, 老赵: someone by name.
                    one++;
                }
                else if (c == '阿' && k + 1 < t.Length && IsIdeograph(t[k + 1]) && t[k + 1] is not ('姨' or '拉' or '姐' or '里' or '们'))
                {
                    // 阿坤, 阿飞.
                    one++;
                }
            }
        }

        if (text.HasAsciiLetter)
        {
            var folded = text.Folded.AsSpan();
            var k = 0;
            while (k < folded.Length)
            {
                if (!char.IsAsciiLetter(folded[k]))
                {
                    k++;
                    continue;
                }

                var e = k;
                while (e < folded.Length && (char.IsAsciiLetter(folded[e]) || (folded[e] is '\'' or '’' && e + 1 < folded.Length && char.IsAsciiLetter(folded[e + 1]))))
                {
                    e++;
                }

                var w = folded[k..e];
                if (EnGroup.Contains(w))
                {
                    group++;
                }
                else if (EnOne.Contains(w) || ((w.SequenceEqual("a") || w.SequenceEqual("one")) && NextWordIsWorker(folded, e)))
                {
                    one++;
                }

                k = e;
            }
        }

        return one > 0 && one >= group;
    }

    /// <summary>Common surnames: 小 or 老 before one of them names a person (小唐, 老黄).</summary>
    private static readonly System.Buffers.SearchValues<char> Surnames = System.Buffers.SearchValues.Create(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤");

    private static bool NextWordIsWorker(ReadOnlySpan<char> folded, int e)
    {
        while (e < folded.Length && folded[e] == ' ')
        {
            e++;
        }

        var s = e;
        while (e < folded.Length && char.IsAsciiLetter(folded[e]))
        {
            e++;
        }

        return e > s && EnPeople.Contains(folded[s..e]);
    }

    private static readonly Lexicon ZhGrievance = new(
        "扣", "罚", "欠", "拖", "工资", "工钱", "人工", "押金", "保证金", "赔", "伤", "摔", "撞", "死", "没了", "医院", "骨折", "封号", "封了", "停号", "限制接单",
        "辞退", "开除", "炒", "不让", "合同", "社保", "工伤", "加班", "骂", "打", "威胁", "补贴", "奖励", "提成", "少发", "没发", "不给", "不退", "跳", "楼顶",
        "不活", "要钱", "讨薪", "申诉", "离职", "辞职", "处罚", "检讨", "病假", "怀孕", "中暑", "晕", "ICU", "住院", "烫", "烧", "砸", "咬", "不合理", "合法",
        "找谁", "维权", "劳动", "仲裁", "监察", "结账", "结算", "费", "不发", "冇俾", "唔俾", "冇发", "超时", "差评", "考勤", "全勤", "绩效", "降薪", "降级",
        "违规", "冻结", "带走", "拘留", "刀", "出事", "抢救", "压", "割", "休息", "连续", "排班", "强制", "逼", "扇", "耳光", "辱骂", "侮辱");

    private static readonly Lexicon EnGrievance = new(
        "fined", "fine", "fines", "docked", "deducted", "owed", "owe", "owes", "unpaid", "wages", "wage", "pay", "paid", "salary", "deposit",
        "injured", "injury", "hurt", "hospital", "died", "dead", "killed", "fired", "dismissed", "sacked", "banned", "suspended", "deactivated",
        "blocked", "contract", "insurance", "overtime", "beaten", "beat", "hit", "threatened", "threat", "abused", "withheld", "penalty",
        "penalised", "penalized", "compensation", "arrears", "cut", "unfair", "illegal", "bureau", "arbitration", "boss", "manager", "laid",
        "jump", "suicide", "broke", "broken", "burned", "burnt", "crushed", "collapsed", "fell", "accident", "deduction", "deductions",
        "refused", "quit", "resign", "resigned", "hours", "shifts", "leave", "pregnant", "harassed", "detained", "arrested", "police", "knife");

    /// <summary>A labour grievance of some kind: money withheld, an injury, a dismissal, a ban, abuse. A lost phone is none.</summary>
    private static bool Grievance(PreparedText text)
    {
        if (text.HasIdeograph && ZhGrievance.Occurs(text.Text))
        {
            return true;
        }

        if (!text.HasAsciiLetter)
        {
            return false;
        }

        var folded = text.Folded.AsSpan();
        var k = 0;
        while (k < folded.Length)
        {
            if (!char.IsAsciiLetter(folded[k]))
            {
                k++;
                continue;
            }

            var e = k;
            while (e < folded.Length && char.IsAsciiLetter(folded[e]))
            {
                e++;
            }

            if (EnGrievance.Contains(folded[k..e]))
            {
                return true;
            }

            k = e;
        }

        return false;
    }

    /// <summary>们 in 我们站, 我们公司, 我们这边: "our" before a place, not a group that acts.</summary>
    private static bool PlacePossessive(ReadOnlySpan<char> t, int k)
    {
        var after = t[(k + 1)..];
        return after.Length > 0 && ZhPlaces.StartsAt(after);
    }

    private static readonly Lexicon ZhPlaces = new(
        "站", "网点", "公司", "厂", "工地", "小区", "这边", "那边", "这里", "那里", "这儿", "店", "驿站", "车队", "部门", "项目", "片区", "区", "市", "城",
        "老板", "站长", "经理", "组长", "班长", "队长", "领导", "主管", "平台", "代理", "物业", "仓", "中心", "分拣", "楼", "单位", "家", "群", "这个", "那个");
}
