using System.Text;

namespace RiskWatch.Core.Triage;

/// <summary>
/// RFC 4180 CSV as spreadsheets read it: fields with a comma, quote or line break are quoted, quotes doubled; a field a
/// spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) is prefixed with an apostrophe, since
/// subjects and notes are typed by informants and responders. The file starts with a byte-order mark so that Excel reads
/// the Chinese as UTF-8.
/// </summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string ByteOrderMark = "\uFEFF";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";

    public static void AppendLine(StringBuilder builder, IEnumerable<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append(Line(fields));
    }
}
