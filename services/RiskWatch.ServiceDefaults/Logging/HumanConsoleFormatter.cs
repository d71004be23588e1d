using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RiskWatch.ServiceDefaults.Logging;

/// <summary>
/// Log lines for a person at a terminal (the one-machine mode, <c>riskwatch up</c>): time, level, where, what, on one short
/// line, an exception as its type and message. Deployments keep one JSON object a line for their log collectors; the
/// setting <c>Logging:Format</c> (<c>json</c>, the default, or <c>human</c>) chooses.
/// </summary>
public sealed class HumanConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "riskwatch-human";

    public const string FormatSetting = "Logging:Format";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(Line(DateTimeOffset.Now, logEntry.LogLevel, logEntry.Category, message, logEntry.Exception));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>"14:03:05 warn  XmlKeyManager: No XML encryptor configured." — one line, whatever the message holds.</summary>
    public static string Line(DateTimeOffset at, LogLevel level, string category, string? message, Exception? exception)
    {
        var where = category.LastIndexOf('.') is var dot and >= 0 ? category[(dot + 1)..] : category;
        var text = (message ?? "").ReplaceLineEndings(" ").Trim();
        if (exception is not null)
        {
            text += $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ").Trim()})";
        }

        return $"{at:HH:mm:ss} {Level(level),-5} {where}: {text}";
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit",
        _ => "",
    };
}
