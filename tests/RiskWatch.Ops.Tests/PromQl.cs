using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace RiskWatch.Ops.Tests;

/// <summary>An expression of a dashboard panel or an alert rule, and where it comes from.</summary>
public sealed record NamedExpression(string Where, string Expr);

/// <summary>Reads the PromQL of the dashboards and alert rules, and takes expressions apart as far as the tests need.</summary>
public static partial class PromQl
{
    /// <summary>What Grafana puts in for its interval variables when it runs a panel's query.</summary>
    public static string ForPrometheus(string grafanaExpr) =>
        grafanaExpr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__interval", "15s", StringComparison.Ordinal);

    public static IReadOnlyList<NamedExpression> DashboardExpressions()
    {
        var found = new List<NamedExpression>();
        foreach (var file in RepoPaths.Dashboards)
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            Walk(root, Path.GetFileName(file), found);
        }

        return found;
    }

    public static IReadOnlyList<NamedExpression> RuleExpressions(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var found = new List<NamedExpression>();
        var groups = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["groups"];
        foreach (var group in groups.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                var name = rule.Children.TryGetValue("alert", out var alert) ? alert.ToString() : rule["record"].ToString();
                found.Add(new NamedExpression($"rule {name}", rule["expr"].ToString()));
            }
        }

        return found;
    }

    /// <summary>
    /// The operands of an expression's top-level comparisons and set operators (<c>and</c>, <c>or</c>, <c>unless</c>),
    /// without number literals. An alert expression returns nothing while all is well, by design; its operands
    /// must still return data, or the alert could never fire.
    /// </summary>
    public static IReadOnlyList<string> Operands(string expr)
    {
        var operands = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < expr.Length; i++)
        {
            var c = expr[i];
            if (c is '"' or '\'')
            {
                var end = expr.IndexOf(c, i + 1);
                current.Append(expr, i, end - i + 1);
                i = end;
                continue;
            }

            depth += c switch { '(' or '{' or '[' => 1, ')' or '}' or ']' => -1, _ => 0 };
            if (depth == 0)
            {
                var op = OperatorAt(expr, i);
                if (op > 0)
                {
                    operands.Add(current.ToString());
                    current.Clear();
                    i += op - 1;
                    continue;
                }
            }

            current.Append(c);
        }

        operands.Add(current.ToString());
        return operands
            .Select(o => BoolModifier().Replace(o, "").Trim())
            .Where(o => o.Length > 0 && !double.TryParse(o, System.Globalization.CultureInfo.InvariantCulture, out _))
            .ToList();
    }

    /// <summary>The metric names an expression reads (functions, labels, keywords and durations left out).</summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Strings().Replace(expr, "\"\"");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = text.Replace("$__rate_interval", " ", StringComparison.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            if (!Keywords.Contains(m.Value))
            {
                names.Add(m.Value);
            }
        }

        return names;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    };

    private static int OperatorAt(string expr, int i)
    {
        foreach (var op in (string[])["==", "!=", ">=", "<="])
        {
            if (string.CompareOrdinal(expr, i, op, 0, 2) == 0)
            {
                return 2;
            }
        }

        if (expr[i] is '>' or '<')
        {
            return 1;
        }

        foreach (var word in (string[])["and", "or", "unless"])
        {
            var before = i == 0 || !char.IsLetterOrDigit(expr[i - 1]) && expr[i - 1] != '_';
            var end = i + word.Length;
            if (before && end < expr.Length && string.CompareOrdinal(expr, i, word, 0, word.Length) == 0
                && !char.IsLetterOrDigit(expr[end]) && expr[end] != '_')
            {
                return word.Length;
            }
        }

        return 0;
    }

    private static void Walk(JsonNode? node, string where, List<NamedExpression> found)
    {
        switch (node)
        {
            case JsonObject obj:
                var title = obj["title"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? $"{where} / {obj["title"]}" : where;
                if (obj["expr"] is JsonValue expr && expr.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    found.Add(new NamedExpression($"{where} [{obj["refId"]}]", expr.GetValue<string>()));
                }

                foreach (var (_, child) in obj)
                {
                    Walk(child, title, found);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Walk(child, where, found);
                }

                break;
        }
    }

    [GeneratedRegex(@"\bbool\b")]
    private static partial Regex BoolModifier();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}
