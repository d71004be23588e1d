using System.Text.RegularExpressions;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

public sealed class RegexPrefilterTests
{
    [Theory]
    [InlineData(@"kill(?:ed|s)\b|\bdie[ds]?\b", "kill|die")]
    [InlineData(@"stopp?(?:ed)? work", " work")]
    [InlineData(@"(?<![我他你咱])们|一群", "们|一群")]
    [InlineData(@"a(?=bcd)|x(?!yz)", "a|x")]
    [InlineData(@"(?:政府|人社局)门口", "门口")]
    [InlineData(@"(?:去|到)[^，。]{0,8}?(?:政府|人社局)", "政府|人社局")]
    [InlineData(@"ICU|重症", "icu|重症")]
    [InlineData(@"x{0,3}yz|ab{2}c|\[notice\]", "yz|ab|[notice]")]
    [InlineData(@"^hello\??$", "hello")]
    [InlineData(@"(?<n>\d+)天后|(?:early )?next month", "天后|next month")]
    public void Anchors_are_a_mandatory_literal_of_every_branch(string pattern, string anchors) =>
        Assert.Equal(anchors.Split('|'), RegexPrefilter.AnchorsOf(pattern));

    [Theory]
    [InlineData(@"\d+元|[0-9]+")]
    [InlineData(@"罢工|(?:a|b)?")]
    [InlineData(@".*")]
    public void A_pattern_with_a_branch_without_literals_has_no_anchors_and_always_runs(string pattern)
    {
        Assert.Null(RegexPrefilter.AnchorsOf(pattern));
        Assert.True(RegexPrefilter.Includes(new RegexPrefilter([new Regex(pattern)]).PossibleMatches(""), 0));
    }

    [Fact]
    public void Only_patterns_whose_anchor_is_in_the_text_may_match()
    {
        var prefilter = new RegexPrefilter([new Regex("strike|罢工", RegexOptions.IgnoreCase), new Regex("road ?block", RegexOptions.IgnoreCase), new Regex("欠")]);
        var possible = prefilter.PossibleMatches(RegexPrefilter.Fold("Workers STRIKE over wages 欠薪"));
        Assert.True(RegexPrefilter.Includes(possible, 0));
        Assert.False(RegexPrefilter.Includes(possible, 1));
        Assert.True(RegexPrefilter.Includes(possible, 2));
    }

    [Fact]
    public void Folding_agrees_with_the_regex_engines_ignore_case_for_every_anchor_character()
    {
        // The prefilter compares folded text with folded anchors: every character the engine's
        // invariant ignore-case matching takes for an anchor character must fold to the same one.
        var anchorChars = AllPatterns()
            .SelectMany(p => RegexPrefilter.AnchorsOf(p.ToString()) ?? [])
            .SelectMany(a => a)
            .Distinct()
            .ToList();
        var anyAnchorChar = new Regex("^[" + string.Concat(anchorChars.Select(c => Regex.Escape(c.ToString()).Replace("]", @"\]", StringComparison.Ordinal).Replace("-", @"\-", StringComparison.Ordinal))) + "]$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var single = anchorChars.ToDictionary(c => c, c => new Regex("^" + Regex.Escape(c.ToString()) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var text = ((char)code).ToString();
            if (!anyAnchorChar.IsMatch(text))
            {
                continue;
            }

            foreach (var (anchorChar, regex) in single)
            {
                if (regex.IsMatch(text))
                {
                    Assert.True(RegexPrefilter.Fold((char)code) == RegexPrefilter.Fold(anchorChar), $"U+{code:X4} matches anchor character '{anchorChar}' but folds differently");
                }
            }
        }
    }

    [Fact]
    public void No_pattern_the_extractors_run_is_skipped_on_a_text_it_matches()
    {
        // The generated corpus and the written one (reports by independent writers, in their own words).
        var texts = LabelledCorpus.ReadReports(RepoPaths.Corpus).Select(r => r.Text)
            .Concat(WrittenCorpus.Read(Path.Combine(RepoPaths.Root, "ml", "data", "written")).Select(r => r.Report.Text))
            .ToList();
        var random = new Random(211);
        var variants = texts.Take(2000).SelectMany(t => new[]
        {
            t.ToUpperInvariant(),
            t.Replace('k', '\u212A').Replace('K', '\u212A'),
            t[random.Next(t.Length)..],
            "  " + t + "  ",
        }).ToList();
        foreach (var (patterns, prefilter) in new[]
        {
            (SignalDetector.PrefilteredPatterns, SignalDetector.Prefilter),
            (ActionTimes.PrefilteredPatterns, ActionTimes.Prefilter),
        })
        {
            foreach (var text in texts.Concat(variants))
            {
                var t = TextNumberExtractor.Normalize(text);
                var possible = prefilter.PossibleMatches(RegexPrefilter.Fold(t));
                for (var i = 0; i < patterns.Count; i++)
                {
                    if (patterns[i].IsMatch(t) || patterns[i].IsMatch(t.Trim()))
                    {
                        Assert.True(RegexPrefilter.Includes(possible, i), $"{patterns[i]} matches but was skipped: {t}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Prefilters_skip_most_patterns_on_a_typical_report()
    {
        // Not a correctness property: a guard that the anchors stay selective enough to pay.
        var possible = SignalDetector.Prefilter.PossibleMatches(RegexPrefilter.Fold("Hundreds of sanitation workers strike over unpaid wages in Liuzhou"));
        var run = Enumerable.Range(0, SignalDetector.PrefilteredPatterns.Count).Count(i => RegexPrefilter.Includes(possible, i));
        Assert.InRange(run, 1, SignalDetector.PrefilteredPatterns.Count / 2);
    }

    private static IEnumerable<Regex> AllPatterns() => SignalDetector.PrefilteredPatterns.Concat(ActionTimes.PrefilteredPatterns);
}
