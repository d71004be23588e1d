using System.Text;
using System.Text.RegularExpressions;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>One piece of SQL built from a runtime value.</summary>
public sealed record SqlFinding(string File, int Line, string Expression, string Why)
{
    public override string ToString() => $"{File}:{Line}: {Why}: {Expression}";
}

/// <summary>
/// A small lexical scanner (no Roslyn) for C# sources: it finds string literals that hold SQL (SELECT ... FROM,
/// INSERT INTO, UPDATE x SET, DELETE FROM) and reports each one built from a value that is not a compile-time
/// constant — an interpolation hole <c>{x}</c> or a <c>+</c> operand that is not a <c>const string</c> declared in the
/// scanned sources. <c>{SummaryColumns}</c> and <c>{AlertScope.Sql}</c> pass because both are <c>const string</c>s;
/// <c>{reporter}</c>, <c>{string.Join(...)}</c> and <c>"... WHERE id = " + id</c> do not.
/// </summary>
public static partial class SqlConcatenationScanner
{
    [GeneratedRegex(@"\b(SELECT\b[\s\S]*?\bFROM|INSERT\s+INTO|UPDATE\s+[A-Za-z_][\w.""]*\s+SET|DELETE\s+FROM)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqlPattern();

    [GeneratedRegex(@"\bconst\s+string\s+([A-Za-z_]\w*)\s*=")]
    private static partial Regex ConstDeclaration();

    [GeneratedRegex(@"^@?[A-Za-z_]\w*(\s*\.\s*@?[A-Za-z_]\w*)*$")]
    private static partial Regex MemberAccess();

    private sealed record Literal(int Start, int End, bool Interpolated, string Text, List<string> Holes);

    /// <summary>Names of every <c>const string</c> declared in the given sources.</summary>
    public static HashSet<string> ConstNames(IEnumerable<string> sources) =>
        sources.SelectMany(s => ConstDeclaration().Matches(s).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<SqlFinding> Scan(string file, string source, ISet<string> constNames)
    {
        var literals = Literals(source);
        var findings = new List<SqlFinding>();
        for (var i = 0; i < literals.Count; i++)
        {
            // A chain of literals joined by '+' is one piece of SQL; its other operands are checked below.
            var chain = Chain(source, literals, i, out var operands);
            if (!SqlPattern().IsMatch(string.Concat(chain.Select(l => l.Text))) || chain[0] != literals[i])
            {
                continue;
            }

            foreach (var literal in chain)
            {
                foreach (var hole in literal.Holes.Where(h => !IsConstant(h, constNames)))
                {
                    findings.Add(new SqlFinding(file, LineOf(source, literal.Start), "{" + hole + "}", "SQL interpolates a runtime value"));
                }
            }

            foreach (var operand in operands.Where(o => !IsConstant(o.Text, constNames)))
            {
                findings.Add(new SqlFinding(file, LineOf(source, operand.At), "+ " + operand.Text, "SQL is concatenated with a runtime value"));
            }
        }

        return findings;
    }

    private static bool IsConstant(string expression, ISet<string> constNames)
    {
        var e = expression.Trim();
        if (!MemberAccess().IsMatch(e))
        {
            return false;
        }

        var last = e[(e.LastIndexOf('.') + 1)..].Trim().TrimStart('@');
        return constNames.Contains(last);
    }

    private static List<Literal> Chain(string source, List<Literal> literals, int index, out List<(int At, string Text)> operands)
    {
        operands = [];
        var chain = new List<Literal> { literals[index] };

        // Leftwards: "..." + x + "SELECT ..." makes the leftmost literal the start of the chain.
        var left = index;
        while (true)
        {
            var before = SkipBack(source, literals[left].Start - 1);
            if (before < 0 || source[before] != '+' || (before > 0 && source[before - 1] == '+'))
            {
                break;
            }

            var operandEnd = SkipBack(source, before - 1);
            var previous = left > 0 && literals[left - 1].End - 1 == operandEnd ? left - 1 : -1;
            if (previous < 0)
            {
                operands.Add((before, OperandBefore(source, operandEnd)));
                break;
            }

            chain.Insert(0, literals[previous]);
            left = previous;
        }

        var right = index;
        while (true)
        {
            var after = Skip(source, literals[right].End);
            if (after >= source.Length || source[after] != '+' || (after + 1 < source.Length && source[after + 1] is '+' or '='))
            {
                break;
            }

            var operandStart = Skip(source, after + 1);
            var next = right + 1 < literals.Count && literals[right + 1].Start == operandStart ? right + 1 : -1;
            if (next < 0)
            {
                operands.Add((after, OperandAfter(source, operandStart)));
                // A further '+ "..."' after the operand continues the chain; its literals are scanned as their own chain too.
                break;
            }

            chain.Add(literals[next]);
            right = next;
        }

        return chain;
    }

    private static string OperandAfter(string source, int start)
    {
        var depth = 0;
        var i = start;
        for (; i < source.Length; i++)
        {
            var c = source[i];
            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (depth == 0 && (c is ';' or ',' or '+' or '"' or '\n' or '}' or '?' or ':'))
            {
                break;
            }
        }

        return source[start..i].Trim();
    }

    private static string OperandBefore(string source, int end)
    {
        var depth = 0;
        var i = end;
        for (; i >= 0; i--)
        {
            var c = source[i];
            if (c is ')' or ']')
            {
                depth++;
            }
            else if (c is '(' or '[')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (depth == 0 && (c is ';' or ',' or '+' or '=' or '"' or '\n' or '{' or '?' or ':'))
            {
                break;
            }
        }

        return source[(i + 1)..(end + 1)].Trim();
    }

    private static int Skip(string source, int i)
    {
        while (i < source.Length && char.IsWhiteSpace(source[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipBack(string source, int i)
    {
        while (i >= 0 && char.IsWhiteSpace(source[i]))
        {
            i--;
        }

        return i;
    }

    private static int LineOf(string source, int position) => source.AsSpan(0, position).Count('\n') + 1;

    /// <summary>Every string literal of the source (comments and char literals skipped), with its interpolation holes.</summary>
    private static List<Literal> Literals(string s)
    {
        var result = new List<Literal>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                i = s.IndexOf('\n', i) is var n and >= 0 ? n : s.Length;
            }
            else if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                i = s.IndexOf("*/", i + 2, StringComparison.Ordinal) is var n and >= 0 ? n + 2 : s.Length;
            }
            else if (c == '\'')
            {
                i++;
                while (i < s.Length && s[i] != '\'')
                {
                    i += s[i] == '\\' ? 2 : 1;
                }

                i++;
            }
            else if (c is '"' or '$' or '@' && StartOfLiteral(s, i) is { } start)
            {
                var literal = ReadLiteral(s, i, start.Dollars, start.Verbatim, start.QuotesAt);
                result.Add(literal);
                // Nested literals inside holes are rare in SQL; the hole text carries them for the check.
                i = literal.End;
            }
            else
            {
                i++;
            }
        }

        return result;
    }

    private static (int Dollars, bool Verbatim, int QuotesAt)? StartOfLiteral(string s, int i)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        while (j < s.Length && (s[j] == '$' || s[j] == '@'))
        {
            if (s[j] == '$')
            {
                dollars++;
            }
            else
            {
                verbatim = true;
            }

            j++;
        }

        if (j < s.Length && s[j] == '"' && (j == i || !char.IsLetterOrDigit(s[i > 0 ? i - 1 : 0]) || i == 0))
        {
            return (dollars, verbatim, j);
        }

        return null;
    }

    private static Literal ReadLiteral(string s, int start, int dollars, bool verbatim, int quotesAt)
    {
        var quotes = 0;
        while (quotesAt + quotes < s.Length && s[quotesAt + quotes] == '"')
        {
            quotes++;
        }

        var raw = quotes >= 3;
        var text = new StringBuilder();
        var holes = new List<string>();
        int i;
        int open;
        if (raw)
        {
            i = quotesAt + quotes;
            open = quotes;
        }
        else if (quotes == 2)
        {
            // The empty string "".
            return new Literal(start, quotesAt + 2, dollars > 0, "", holes);
        }
        else
        {
            i = quotesAt + 1;
            open = 1;
        }

        var braces = raw ? Math.Max(1, dollars) : 1;
        while (i < s.Length)
        {
            var c = s[i];
            if (raw && c == '"' && s.AsSpan(i).StartsWith(new string('"', open)))
            {
                return new Literal(start, i + open, dollars > 0, text.ToString(), holes);
            }

            if (!raw && c == '"')
            {
                if (verbatim && i + 1 < s.Length && s[i + 1] == '"')
                {
                    text.Append('"');
                    i += 2;
                    continue;
                }

                return new Literal(start, i + 1, dollars > 0, text.ToString(), holes);
            }

            if (!raw && !verbatim && c == '\\')
            {
                text.Append(s, i, Math.Min(2, s.Length - i));
                i += 2;
                continue;
            }

            if (dollars > 0 && c == '{')
            {
                var run = 0;
                while (i + run < s.Length && s[i + run] == '{')
                {
                    run++;
                }

                if (run >= braces && (raw || run % 2 == 1))
                {
                    var end = HoleEnd(s, i + run);
                    holes.Add(HoleExpression(s[(i + run)..end]));
                    text.Append(" HOLE ");
                    i = end + braces;
                    continue;
                }

                text.Append(s, i, run);
                i += run;
                continue;
            }

            text.Append(c);
            i++;
        }

        return new Literal(start, s.Length, dollars > 0, text.ToString(), holes);
    }

    /// <summary>The position of the '}' that closes a hole starting at <paramref name="i"/>, skipping nested braces, parentheses and strings.</summary>
    private static int HoleEnd(string s, int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '"')
            {
                i++;
                while (i < s.Length && s[i] != '"')
                {
                    i += s[i] == '\\' ? 2 : 1;
                }
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth--;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }

            i++;
        }

        return s.Length;
    }

    /// <summary>The hole's expression without its alignment (<c>,10</c>) or format (<c>:N0</c>).</summary>
    private static string HoleExpression(string hole)
    {
        var depth = 0;
        for (var i = 0; i < hole.Length; i++)
        {
            var c = hole[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == '"')
            {
                i = hole.IndexOf('"', i + 1) is var n and >= 0 ? n : hole.Length;
            }
            else if (depth == 0 && c is ':' or ',' && !(c == ':' && i + 1 < hole.Length && hole[i + 1] == ':'))
            {
                return hole[..i].Trim();
            }
        }

        return hole.Trim();
    }
}
