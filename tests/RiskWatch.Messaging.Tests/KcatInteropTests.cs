using System.Diagnostics;
using System.Text;
using RiskWatch.Testing;

namespace RiskWatch.Messaging.Tests;

/// <summary>kcat is an independent client (the distribution's own librdkafka), so these prove the wire protocol, not just our code.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KcatInteropTests(KafkaFixture kafka)
{
    private const string Kcat = "/usr/bin/kcat";

    [Fact]
    public async Task A_message_produced_by_kcat_is_consumed_by_our_consumer()
    {
        var options = kafka.CreateIsolatedOptions();

        await RunKcatAsync(
            ["-P", "-b", options.BootstrapServers, "-t", options.ReportsTopic, "-k", "incident-9", "-H", "report-id=r-9"],
            stdin: "{\"from\":\"kcat\"}\n");

        var read = Assert.Single(await TopicReader.ReadAsync(options, options.ReportsTopic, 1));
        Assert.Equal("incident-9", read.Message.Key);
        Assert.Equal("{\"from\":\"kcat\"}", Encoding.UTF8.GetString(read.Message.Value));
        Assert.Equal("r-9", TopicReader.Header(read, "report-id"));
    }

    [Fact]
    public async Task A_message_from_our_producer_is_read_by_kcat_with_key_and_headers()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        await producer.ProduceAsync(
            options.ReportsTopic, "incident-3", "hello"u8.ToArray(), new Dictionary<string, string> { ["report-id"] = "r-3" }, CancellationToken.None);

        var output = await RunKcatAsync(
            ["-C", "-b", options.BootstrapServers, "-t", options.ReportsTopic, "-c", "1", "-e", "-f", "%k|%s|%h\\n"]);

        Assert.Equal("incident-3|hello|report-id=r-3", output.Trim());
    }

    private static async Task<string> RunKcatAsync(string[] arguments, string? stdin = null)
    {
        if (!File.Exists(Kcat))
        {
            Assert.Fail($"{Kcat} is missing; these tests need the kcat client: apt-get install -y kcat");
        }

        var start = new ProcessStartInfo(Kcat)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kcat exited with {process.ExitCode}: {await error}");
        return await output;
    }
}
