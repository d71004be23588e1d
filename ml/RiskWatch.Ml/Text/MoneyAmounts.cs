namespace RiskWatch.Ml.Text;

/// <summary>
/// How much money (CNY) a report's text says is owed, withheld or fined. A number is money when a
/// currency goes with it (120万元, 两千多块, 六百蚊, ¥80,000, RMB 1.2m, "2.3 million yuan"), when 万/亿 or
/// million/mil follow it with no count of people after (欠了两百三十多万, "about 2 mil"), or when a money
/// verb comes just before it (扣我200, 罚了五百, 欠俺两千八, "fined 500", "owed 3,000").
/// <para>
/// Writers give the total owed: an amount per head (每人三千, 一人三百, 人均四千, "3,000 each") is
/// multiplied by the count of workers (<see cref="WorkerCounts"/>). Of the amounts, the largest total
/// wins; pay rates (一天两百, "200 a day") count only when nothing else is given. Amounts under 10 CNY
/// are ignored (一块 is often "together"), and 过万/上万 alone (月入过万) are no amount.
/// </para>
/// </summary>
public static class MoneyAmounts
{
    /// <summary>The amount in CNY, or null when the text names none.</summary>
    public static decimal? Read(string text) => Read(PreparedText.Of(text), WorkerCounts.Read(PreparedText.Of(text)));

    /// <summary>The amount in CNY, amounts per head multiplied by <paramref name="workers"/> when that is more than one.</summary>
    public static decimal? Read(PreparedText text, int? workers)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new Amounts();
        if (text.HasIdeograph || text.Text.AsSpan().IndexOfAny('¥', '￥') >= 0)
        {
            ReadChinese(text.Text, ref found);
        }

        if (text.HasAsciiLetter)
        {
            ReadEnglish(text.Text, ref found);
        }

        return found.Result(workers);
    }

    private enum AmountKind
    {
        Total,
        PerHead,
        Rate,
    }

    private struct Amounts
    {
        public decimal Total;
        public decimal PerHead;
        public decimal Rate;

        public void Take(decimal value, AmountKind kind)
        {
            if (value is < 2 or > 10_000_000_000m)
            {
                return;
            }

            switch (kind)
            {
                case AmountKind.PerHead:
                    PerHead = Math.Max(PerHead, value);
                    break;
                case AmountKind.Rate:
                    Rate = Math.Max(Rate, value);
                    break;
                default:
                    Total = Math.Max(Total, value);
                    break;
            }
        }

        public readonly decimal? Result(int? workers)
        {
            var perHeadTotal = PerHead * Math.Max(1, workers ?? 1);
            var best = Math.Max(Total, perHeadTotal);
            if (best == 0)
            {
                best = Rate;
            }

            return best == 0 ? null : best;
        }
    }

    // ------------------------------------------------------------------ Chinese

    private static readonly Lexicon ZhCurrency = new("元", "块", "塊", "块钱", "塊錢", "蚊", "大洋", "元钱", "rmb", "RMB", "文钱", "人工");

    /// <summary>两个w, 三个万: ten thousands, in chat.</summary>
    private static readonly Lexicon ZhTenThousands = new("个w", "个W", "個w", "个万", "個萬");

    /// <summary>Right after a number, these make it money: 三千二的工钱, 两千保证金, 一千二的押金.</summary>
    private static readonly Lexicon ZhMoneyAfter = new(
        "的工钱", "的工资", "的钱", "的押金", "的运费", "的派费", "的补贴", "的欠款", "的人工", "的工程款", "工资", "工钱", "押金", "保证金", "运费", "派费",
        "欠款", "工程款", "的血汗钱", "血汗钱", "提成", "奖金", "补贴");

    /// <summary>Verbs and nouns of money just before a bare number: 扣我200, 罚了五百, 欠俺两千八, 押金1500.</summary>
    private static readonly Lexicon ZhMoneyBefore = new(
        "扣", "扣了", "罚", "罚了", "赔", "赔了", "欠", "欠了", "押", "押金", "保证金", "工资", "工钱", "人工", "薪水", "提现", "花了", "少了", "少发了", "少发",
        "少给了", "少给", "少算了", "少算", "差", "还差", "补贴", "奖励", "奖金", "费", "一共", "总共", "合计", "加起来", "到手", "保底", "退", "交了", "交",
        "收了", "付了", "结了", "拖欠", "拖了", "才给", "只给", "给了", "赔偿", "索赔", "欠款", "报销", "垫付", "垫了", "一套", "一件", "要了", "借了", "欠薪",
        "罰", "賠", "冇俾", "唔俾", "俾咗", "派费", "运费", "提成", "绩效", "全勤", "管理费", "培训费", "服务费", "违约金", "订金", "定金", "违章", "损失",
        "工价", "欠下", "克扣", "扣掉", "扣除", "罚款", "被罚", "被扣", "要赔", "让赔", "让我赔", "共计", "总计", "总额", "金额", "涉及", "倒贴", "倒贴了",
        "学费", "房租", "车费", "油钱", "路费", "餐费", "药费", "医药费", "修车", "花", "给", "发了", "只发了", "要回", "拿回", "讨回", "讨要", "索要");

    /// <summary>Just before an amount, these make it per head: 每人, 一人, 人均, 每个人 (欠).</summary>
    private static readonly Lexicon ZhPerHead = new("每人", "一人", "人均", "每个人", "一个人", "各", "平均每人", "平均一人", "每位", "每名", "每个兄弟", "每个骑手", "每个司机", "各自", "每个司机", "每户", "一人一");

    /// <summary>Just before an amount, these make it a rate: 一天两百, 日薪, 一个月才挣.</summary>
    private static readonly Lexicon ZhRate = new("一天", "每天", "一日", "每日", "日薪", "日结", "一个月", "每个月", "每月", "月薪", "一单", "每单", "一件", "每件", "一小时", "每小时", "时薪", "一趟", "每趟", "一票", "底薪", "一晚", "一夜", "计件");

    /// <summary>After a 万/亿 number, these make it a count of something else (上万名工人, 十几万司机, 一万步).</summary>
    private static readonly Lexicon ZhNotMoneyAfter = new(
        "人", "名", "个", "個", "位", "号", "台", "辆", "家", "单", "件", "票", "次", "步", "公里", "里", "粉丝", "字", "份", "条", "户", "套", "平", "平方",
        "亩", "吨", "斤", "册", "张", "多人", "多名", "多个", "多家", "多单", "多件");

    private static void ReadChinese(string t, ref Amounts found)
    {
        var span = t.AsSpan();
        foreach (var read in ChineseNumber.ReadAll(span))
        {
            // The classifier may widen the reading (a unit after it), so it works on a copy.
            var number = read;
            if (number.Start > 0 && (span[number.Start - 1] is '第' or ':' or '-' or '/' || char.IsAsciiLetter(span[number.Start - 1]) && span[number.Start - 1] is not ('B' or 'b')))
            {
                continue;
            }

            if (ClassifyChinese(span, ref number) is { } kind)
            {
                found.Take(number.Value, kind);
            }
        }
    }

    private static AmountKind? ClassifyChinese(ReadOnlySpan<char> t, ref NumberReading number)
    {
        var j = number.End;
        if (j < t.Length && t[j] == ' ' && j + 1 < t.Length && !char.IsWhiteSpace(t[j + 1]))
        {
            j++;
        }

        var after = t[j..];
        var before = t[..number.Start];
        if (ZhTenThousands.StartsAt(after) && !number.Multiplied)
        {
            number = number with { Value = number.Value * 10_000, Multiplied = true };
            after = after[2..];
        }

        var currency = ZhCurrency.LongestAt(after) > 0 || ZhMoneyAfter.StartsAt(after) || before.EndsWith("¥") || before.EndsWith("￥") || before.EndsWith("¥ ")
            || before.EndsWith("人民币", StringComparison.Ordinal) || before.EndsWith("RMB", StringComparison.OrdinalIgnoreCase) || before.EndsWith("RMB ", StringComparison.OrdinalIgnoreCase);
        if (!currency)
        {
            if (number.Multiplied)
            {
                // 欠了两百三十多万, 一百八十来万: 万 makes money unless a count of something follows (上万名工人),
                // and not 过万/上万/破万 alone (月入过万).
                if (ZhNotMoneyAfter.StartsAt(after) || IsPeopleAfter(after) || (number.Value <= 10_000 && number.Approximate && !ZhMoneyBefore.EndsIn(Clause(before))))
                {
                    return null;
                }
            }
            else
            {
                // A bare number is money only right after a money word, with no unit after it.
                if (!MoneyWordJustBefore(before) || UnitAfter(after))
                {
                    return null;
                }
            }
        }
        else if (after.Length > 0 && after[0] is '块' or '塊' && number.Value < 10 && !(after.Length > 1 && after[1] is '钱' or '錢'))
        {
            // 两块电池, 一块去: 块 is also a measure word and "together"; 两块钱 is money.
            return null;
        }

        var clause = Clause(before);
        if ((ZhPerHead.EndsIn(Trim(clause, 4)) && !(clause.Length > 2 && ChineseNumber.IsNumeralChar(clause[^3]))) || PerHeadNear(clause) || after.StartsWith("一人", StringComparison.Ordinal) || after.StartsWith("每人", StringComparison.Ordinal)
            || after.StartsWith("/人", StringComparison.Ordinal) || after.StartsWith("元/人", StringComparison.Ordinal) || after.StartsWith("块一个", StringComparison.Ordinal))
        {
            return AmountKind.PerHead;
        }

        if (ZhRate.EndsIn(Trim(clause, 3)) || RateNear(clause) || after.StartsWith("一天", StringComparison.Ordinal) || after.StartsWith("/天", StringComparison.Ordinal)
            || after.StartsWith("元/天", StringComparison.Ordinal) || after.StartsWith("一单", StringComparison.Ordinal) || after.StartsWith("元一天", StringComparison.Ordinal)
            || after.StartsWith("块一天", StringComparison.Ordinal) || after.StartsWith("一个月", StringComparison.Ordinal) || after.StartsWith("元一单", StringComparison.Ordinal))
        {
            return AmountKind.Rate;
        }

        return AmountKind.Total;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s, int keep) => s.Length > keep ? s[^keep..] : s;

    /// <summary>每人三千左右, 每人差不多欠三千, 一人罚200: per head within the clause, a few characters back.</summary>
    private static bool PerHeadNear(ReadOnlySpan<char> clause)
    {
        var window = Trim(clause, 7);
        for (var k = 0; k < window.Length; k++)
        {
            var n = ZhPerHead.LongestAt(window[k..]);
            if (n >= 2 && !(k > 0 && ChineseNumber.IsNumeralChar(window[k - 1])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool RateNear(ReadOnlySpan<char> clause)
    {
        var window = Trim(clause, 6);
        for (var k = 0; k < window.Length; k++)
        {
            if (ZhRate.LongestAt(window[k..]) >= 2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text before a number back to the last clause mark (at most 12 characters).</summary>
    private static ReadOnlySpan<char> Clause(ReadOnlySpan<char> before)
    {
        var from = before.Length;
        while (from > 0 && before.Length - from < 12 && before[from - 1] is not ('，' or ',' or '。' or '！' or '!' or '？' or '?' or '；' or ';' or '\n' or '：' or ':' or ' ' or '(' or '（'))
        {
            from--;
        }

        return before[from..];
    }

    private static bool MoneyWordJustBefore(ReadOnlySpan<char> before)
    {
        // Past pronouns and particles: 扣我200, 欠俺两千八, 罚了 500, 赔佢六百.
        var end = before.Length;
        while (end > 0 && before.Length - end < 3)
        {
            if (ZhMoneyBefore.EndsIn(before[Math.Max(0, end - 5)..end]) || ZhPerHead.EndsIn(before[Math.Max(0, end - 5)..end]))
            {
                return true;
            }

            if (before[end - 1] is not ('我' or '俺' or '他' or '她' or '佢' or '你' or '了' or '咗' or ' ' or '阮' or '伊' or '人' or '们' or '的'))
            {
                return false;
            }

            end--;
        }

        return ZhMoneyBefore.EndsIn(before[Math.Max(0, end - 5)..end]);
    }

    private static readonly Lexicon ZhUnitsAfter = new(
        "天", "日", "号", "號", "月", "年", "岁", "小时", "个", "個", "钟", "分钟", "分", "秒", "点", "點", "周", "星期", "礼拜", "次", "回", "趟", "遍", "单",
        "件", "票", "公里", "里", "米", "层", "楼", "栋", "%", "倍", "成", "折", "度", "斤", "名", "位", "人", "台", "辆", "多天", "多个", "来天", "来个",
        "多单", "多件", "多次", "多年", "条", "份", "张", "套", "家", "款", "项", "级", "分之", "后", "前");

    private static bool UnitAfter(ReadOnlySpan<char> after) => ZhUnitsAfter.StartsAt(after) || (after.Length > 0 && char.IsAsciiLetter(after[0]));

    private static bool IsPeopleAfter(ReadOnlySpan<char> after)
    {
        // 十几万司机, 几万多骑手: a worker noun right after (past 多, 名, 个).
        return ZhWorkerHeads.StartsAt(after) || (after.Length > 1 && after[0] is '多' or '来' or '余' && ZhWorkerHeads.StartsAt(after[1..]));
    }

    private static readonly Lexicon ZhWorkerHeads = new("骑手", "司机", "工人", "员工", "快递员", "外卖员", "农民工", "职工", "师傅", "兄弟", "保安", "保洁", "阿姨", "网约车", "货车", "人");

    // ------------------------------------------------------------------ English

    private static readonly Lexicon EnCurrencyAfter = new("yuan", "rmb", "cny", "kuai", "renminbi", "bucks");
    private static readonly Lexicon EnCurrencyBefore = new("rmb", "cny", "yuan");

    /// <summary>Words just before a bare number that make it money: owed 3,000; fined 200; wages of 5,000.</summary>
    private static readonly Lexicon EnMoneyBefore = new(
        "owed", "owes", "owing", "fined", "docked", "deducted", "withheld", "unpaid", "short", "paid", "pay", "charged", "cost", "costs",
        "totalling", "totaling", "worth", "deposit", "deposits", "arrears", "compensation", "bonus", "fine", "fee", "fees", "wages", "salary",
        "salaries", "owe", "lost", "underpaid", "penalty", "penalised", "penalized", "refund", "earn", "earned", "earns", "makes", "made", "missing",
        "outstanding", "total", "amounting", "amounts", "sum", "back", "claim", "claims", "claimed", "demanding", "demand", "demanded", "recover",
        "deduction", "deductions", "debt", "debts", "taking", "took", "take", "withholding", "kept", "keeping");

    private static void ReadEnglish(string t, ref Amounts found) => EnglishNumber.ReadTokens(t, ref found, ReadEnglishTokens);

    private static void ReadEnglishTokens(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, ref Amounts found)
    {
        var tl = new TokenList(t, tk);

        for (var i = 0; i < tk.Length; i++)
        {
            if (tk[i].Kind != TokenKind.Number && !(tk[i].Kind == TokenKind.Word && (EnglishNumber.SmallWord(tl.Word(i)) > 0 || tl.Is(i, "a") || tl.Is(i, "half"))))
            {
                continue;
            }

            if (!EnglishNumber.TryRead(t, tk, i, out var number, out var next))
            {
                continue;
            }

            var words = tk[i].Kind == TokenKind.Word;
            var before = i;
            while (before > 0 && tk[before - 1].Start >= number.Start)
            {
                before--;
            }

            var currencyBefore = (before >= 1 && (EnCurrencyBefore.Contains(tl.Word(before - 1)) || tl.Symbol(before - 1, '¥') || tl.Symbol(before - 1, '￥') || tl.Symbol(before - 1, '元')))
                || (before >= 1 && tk[before - 1].Kind == TokenKind.Word && tk[before - 1].End == tk[before].Start && EnCurrencyBefore.Contains(tl.Word(before - 1)));
            var currencyAfter = EnCurrencyAfter.Contains(tl.Word(next)) || (next < tk.Length && tk[next].Kind == TokenKind.Symbol && t[tk[next].Start] is '元' or '块' or '万');
            var inWages = tl.Is(next, "in") && (tl.Is(next + 1, "wages") || tl.Is(next + 1, "pay") || tl.Is(next + 1, "back") || tl.Is(next + 1, "unpaid") || tl.Is(next + 1, "arrears")
                || tl.Is(next + 1, "salary") || tl.Is(next + 1, "salaries") || tl.Is(next + 1, "owed") || tl.Is(next + 1, "deposits") || tl.Is(next + 1, "fines") || tl.Is(next + 1, "compensation"));
            var owedAfter = tl.Is(next, "owed") || tl.Is(next, "unpaid") || tl.Is(next, "outstanding") || tl.Is(next, "in") && tl.Is(next + 1, "unpaid");
            var bareMoney = !words && (before >= 1 && EnMoneyBefore.Contains(tl.Word(before - 1)) || before >= 2 && tl.Is(before - 1, "of") && EnMoneyBefore.Contains(tl.Word(before - 2))
                || before >= 2 && (tl.Is(before - 1, "them") || tl.Is(before - 1, "us") || tl.Is(before - 1, "me") || tl.Is(before - 1, "him") || tl.Is(before - 1, "her")) && EnMoneyBefore.Contains(tl.Word(before - 2)));
            var notMoneyAfter = next < tk.Length && tk[next].Kind == TokenKind.Word && (EnNotMoneyAfter.Contains(tl.Word(next)) || EnglishNumber.SmallWord(tl.Word(next)) > 0);
            var isMoney = currencyBefore || currencyAfter || inWages || owedAfter
                || (number.Multiplied && !notMoneyAfter && !NextIsPeople(t, tk, next))
                || (bareMoney && !notMoneyAfter);
            if (!isMoney)
            {
                i = Math.Max(i, next - 1);
                continue;
            }

            // Per head ("3,000 each", "500 per person", "RMB 200 a head", "each owed 3,000"), a rate ("200 a day", "per order").
            var k = next;
            if (currencyAfter)
            {
                k++;
            }

            var kind = AmountKind.Total;
            if (tl.Is(k, "each") || tl.Is(k, "apiece") || ((tl.Is(k, "per") || tl.Is(k, "a") || tl.Is(k, "an")) && (tl.Is(k + 1, "person") || tl.Is(k + 1, "head") || tl.Is(k + 1, "worker")
                || tl.Is(k + 1, "rider") || tl.Is(k + 1, "driver") || tl.Is(k + 1, "courier") || tl.Is(k + 1, "employee") || tl.Is(k + 1, "cleaner")))
                || EachBefore(tl, before))
            {
                kind = AmountKind.PerHead;
            }
            else if ((tl.Is(k, "per") || tl.Is(k, "a") || tl.Is(k, "an") || tl.Is(k, "every")) && (tl.Is(k + 1, "day") || tl.Is(k + 1, "month") || tl.Is(k + 1, "hour") || tl.Is(k + 1, "shift")
                     || tl.Is(k + 1, "order") || tl.Is(k + 1, "delivery") || tl.Is(k + 1, "week") || tl.Is(k + 1, "trip") || tl.Is(k + 1, "parcel") || tl.Is(k + 1, "job")))
            {
                kind = AmountKind.Rate;
            }

            found.Take(number.Value, kind);
            i = Math.Max(i, next - 1);
        }
    }

    private static readonly Lexicon EnHeadNouns = new("person", "head", "worker", "rider", "driver", "courier", "employee", "cleaner", "guard", "nanny", "one", "member", "labourer", "laborer", "of");

    /// <summary>"each" or "per person" in the few words before an amount: "owes each of the 40 cleaners 3,000 yuan".</summary>
    private static bool EachBefore(TokenList tl, int before)
    {
        for (var k = Math.Max(0, before - 7); k < before; k++)
        {
            if (tl.Symbol(k, '.') || tl.Symbol(k, ';'))
            {
                return false;
            }
        }

        for (var k = Math.Max(0, before - 7); k < before; k++)
        {
            if (tl.Is(k, "each") || tl.Is(k, "apiece") || ((tl.Is(k, "per") || tl.Is(k, "a") || tl.Is(k, "every")) && EnHeadNouns.Contains(tl.Word(k + 1))))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly Lexicon EnNotMoneyAfter = new(
        "days", "day", "hours", "hour", "weeks", "week", "months", "month", "years", "year", "minutes", "times", "orders", "deliveries", "parcels",
        "packages", "stations", "outlets", "percent", "km", "floors", "people", "workers", "riders", "drivers", "couriers", "employees", "staff",
        "accounts", "trucks", "cars", "vehicles", "members", "followers", "views", "users", "households", "residents", "km", "kilometres", "miles",
        "steps", "am", "pm", "o'clock", "shifts", "trips", "items", "yards", "tons", "tonnes", "square", "sq");

    private static bool NextIsPeople(ReadOnlySpan<char> t, ReadOnlySpan<Token> tk, int next)
    {
        for (var k = next; k < Math.Min(tk.Length, next + 3); k++)
        {
            if (tk[k].Kind == TokenKind.Word && EnNotMoneyAfter.Contains(t.Slice(tk[k].Start, tk[k].Length)))
            {
                return true;
            }
        }

        return false;
    }
}
