using System.Diagnostics;

namespace RiskWatch.Integration.Tests;

/// <summary>kcat, an independent Kafka client (librdkafka's own CLI), to produce as a platform would.</summary>
public static class Kcat
{
    public static async Task ProduceAsync(string bootstrapServers, string topic, string key, IEnumerable<string> lines)
    {
        var start = new ProcessStartInfo("kcat", ["-P", "-b", bootstrapServers, "-t", topic, "-k", key, "-X", "acks=all"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kcat is not installed: run scripts/bootstrap --test (apt-get install kcat).", e);
        }

        using (process)
        {
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
}
