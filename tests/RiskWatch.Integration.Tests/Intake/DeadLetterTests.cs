using System.Diagnostics;
using System.Text;
using RiskWatch.Cli.Commands;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Testing;

namespace RiskWatch.Integration.Tests.Intake;

/// <summary>Poison messages a platform writes straight into Kafka go to the dead-letter topic; the consumer moves on.</summary>
public sealed class DeadLetterTests(IntakeFixture riskWatch) : IClassFixture<IntakeFixture>
{
    [Fact]
    public async Task Poison_messages_from_kcat_land_in_the_dead_letter_topic_with_a_reason_and_good_messages_after_them_are_scored()
    {
        var good = TestReports.RedStrike(station: "after-poison-station");
        var goodId = Guid.Parse(good["reportId"]!.GetValue<string>());
        var key = IncidentKey.For(ReportParser.Parse(Encoding.UTF8.GetBytes(good.ToJsonString()), DateTimeOffset.UtcNow).Report!);
        var megabyte = new string('x', 1024 * 1024);

        // One key, so one partition: the good report comes strictly after the three poison messages.
        await ProduceAsync(key, ["this is not JSON {", """{"hello":"a JSON object of the wrong shape"}""", megabyte, good.ToJsonString()]);

        await riskWatch.WaitForCountAsync("SELECT count(*) FROM reports WHERE report_id = @p", goodId, 1);
        var letters = await WaitForDeadLettersAsync(3);

        Assert.Equal(3, letters.Count);
        Assert.StartsWith("invalid report: $: the body is not valid JSON", letters[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("invalid report: ", letters[1].Reason, StringComparison.Ordinal);
        Assert.Contains("reportId: is required", letters[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith("oversized: ", letters[2].Reason, StringComparison.Ordinal);
        Assert.Equal(1024 * 1024, letters[2].Value.Length);
        Assert.All(letters, l => Assert.Equal(riskWatch.System.Kafka.ReportsTopic, l.OriginalTopic));
        Assert.All(letters, l => Assert.NotNull(l.OriginalOffset));
        Assert.Equal(3, letters.Select(l => l.OriginalOffset).Distinct().Count());

        // Replaying one that is still unreadable brings it back with its reason; nothing else changes.
        var replayed = await DlqCommand.ReplayAsync(riskWatch.System.Kafka, DlqCommand.Select(letters, [letters[0].Position], null), CancellationToken.None);
        Assert.Equal(1, replayed);
        var after = await WaitForDeadLettersAsync(4);
        Assert.Equal(letters[0].Value, after[3].Value);
        Assert.Equal(letters[0].Reason, after[3].Reason);
    }

    private async Task<IReadOnlyList<DeadLetterView>> WaitForDeadLettersAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var letters = DlqCommand.Read(riskWatch.System.Kafka, TimeSpan.FromSeconds(10));
            if (letters.Count >= count || DateTime.UtcNow > deadline)
            {
                return letters;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>kcat as a platform would run it; message.max.bytes raised so a 1 MB message leaves the client.</summary>
    private async Task ProduceAsync(string key, IEnumerable<string> lines)
    {
        var start = new ProcessStartInfo("kcat",
        [
            "-P", "-b", riskWatch.System.BootstrapServers, "-t", riskWatch.System.Kafka.ReportsTopic, "-k", key,
            "-X", "acks=all", "-X", "message.max.bytes=4000000",
        ])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        foreach (var line in lines)
        {
            await process.StandardInput.WriteLineAsync(line);
        }

        process.StandardInput.Close();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kcat failed: {errors}");
    }
}
