using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RiskWatch.ServiceDefaults;
using RiskWatch.ServiceDefaults.Logging;

namespace RiskWatch.Integration.Tests.Cli;

/// <summary>What <c>riskwatch up</c> prints while it runs: short lines for a person; deployments keep JSON.</summary>
public sealed class HumanLogTests
{
    [Fact]
    public void A_warning_with_an_exception_is_one_short_line_with_time_level_where_and_what()
    {
        var line = HumanConsoleFormatter.Line(new DateTimeOffset(2026, 11, 20, 14, 3, 5, TimeSpan.FromHours(8)), LogLevel.Warning,
            "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", "No XML encryptor configured.\nKey may be persisted unencrypted.",
            new InvalidOperationException("the disk\nis full"));
        Assert.Equal("14:03:05 warn  XmlKeyManager: No XML encryptor configured. Key may be persisted unencrypted. (InvalidOperationException: the disk is full)", line);
        Assert.DoesNotContain('{', line);
    }

    [Theory]
    [InlineData("human", HumanConsoleFormatter.Name)]
    [InlineData(null, "json")]
    public void The_logging_format_setting_chooses_short_lines_or_json(string? format, string formatter)
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [HumanConsoleFormatter.FormatSetting] = format }));
        using var app = builder.Build();
        Assert.Equal(formatter, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }
}
