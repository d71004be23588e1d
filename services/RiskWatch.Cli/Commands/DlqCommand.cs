using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using RiskWatch.Messaging;
using RiskWatch.Scoring.Consuming;

namespace RiskWatch.Cli.Commands;

/// <summary>One message of the dead-letter topic with the reason Scoring gave and where it came from.</summary>
public sealed record DeadLetterView(
    int Partition, long Offset, DateTime Timestamp, string Reason, string? OriginalTopic, int? OriginalPartition, long? OriginalOffset,
    string? Key, byte[] Value)
{
    /// <summary>How an operator names it: partition:offset in the dead-letter topic.</summary>
    public string Position => $"{Partition.ToString(CultureInfo.InvariantCulture)}:{Offset.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// <c>riskwatch dlq list|replay</c>: reads the dead-letter topic (messages Scoring could never process, with the reason
/// in a header) and re-produces chosen ones to the reports topic, e.g. after the sender or Scoring was fixed. A replayed
/// message that is still unreadable simply comes back to the dead-letter topic with its reason.
/// </summary>
public static class DlqCommand
{
    /// <summary>Header on a replayed message naming where in the dead-letter topic it came from.</summary>
    public const string ReplayedFromHeader = "dlq-replayed-from";

    public static Command Create()
    {
        var dlq = new Command("dlq", "Inspect and replay the dead-letter topic (riskwatch.reports.dlq.v1).");
        dlq.Subcommands.Add(List());
        dlq.Subcommands.Add(Replay());
        return dlq;
    }

    private static Option<string?> BootstrapOption() =>
        new("--bootstrap-servers") { Description = "Kafka brokers (host:port,...); defaults to Kafka:BootstrapServers (RISKWATCH_Kafka__BootstrapServers), or the address `riskwatch up` prints." };

    private static Command List()
    {
        var bootstrap = BootstrapOption();
        var limit = new Option<int>("--limit") { Description = "Show at most this many, newest last.", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List dead letters: position, time, reason, original topic/partition/offset and the start of the value.") { bootstrap, limit };
        command.SetAction(parse =>
        {
            if (Kafka(parse.GetValue(bootstrap)) is not { } kafka)
            {
                return 2;
            }

            var letters = Read(kafka);
            foreach (var letter in letters.TakeLast(parse.GetValue(limit)))
            {
                Console.WriteLine($"{letter.Position,-10}{letter.Timestamp:yyyy-MM-dd HH:mm:ss}  from {letter.OriginalTopic}[{letter.OriginalPartition}]@{letter.OriginalOffset}  {letter.Value.Length} bytes");
                Console.WriteLine($"    reason: {letter.Reason}");
                Console.WriteLine($"    value:  {Preview(letter.Value)}");
            }

            Console.WriteLine($"{letters.Count} dead letter(s) in {kafka.DeadLetterTopic}.");
            return 0;
        });
        return command;
    }

    private static Command Replay()
    {
        var bootstrap = BootstrapOption();
        var positions = new Option<string[]>("--message") { Description = "partition:offset of a dead letter, as `dlq list` shows it; repeat for several.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Replay every dead letter." };
        var reason = new Option<string?>("--reason-contains") { Description = "Only dead letters whose reason contains this text." };
        var command = new Command("replay", "Produce dead letters again to the reports topic (same key and value), for Scoring to try again.") { bootstrap, positions, all, reason };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Kafka(parse.GetValue(bootstrap)) is not { } kafka)
            {
                return 2;
            }

            var chosen = parse.GetValue(positions) ?? [];
            if (chosen.Length == 0 && !parse.GetValue(all))
            {
                Console.Error.WriteLine("Name dead letters with --message partition:offset, or pass --all.");
                return 2;
            }

            var letters = Select(Read(kafka), chosen, parse.GetValue(reason));
            var replayed = await ReplayAsync(kafka, letters, cancellationToken);
            Console.WriteLine($"Replayed {replayed} message(s) to {kafka.ReportsTopic}.");
            return chosen.Length > 0 && replayed < chosen.Length ? 1 : 0;
        });
        return command;
    }

    public static IReadOnlyList<DeadLetterView> Select(IReadOnlyList<DeadLetterView> letters, IReadOnlyCollection<string> positions, string? reasonContains) =>
        letters
            .Where(l => positions.Count == 0 || positions.Contains(l.Position, StringComparer.Ordinal))
            .Where(l => reasonContains is null || l.Reason.Contains(reasonContains, StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>Every message of the dead-letter topic up to its current end, oldest first per partition. Commits nothing.</summary>
    public static IReadOnlyList<DeadLetterView> Read(KafkaOptions kafka, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var config = KafkaClientConfigs.Consumer(kafka, groupId: "riskwatch-dlq-reader");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        using var admin = KafkaClientFactory.CreateAdminClient(KafkaClientConfigs.Admin(kafka));
        var partitions = admin.GetMetadata(kafka.DeadLetterTopic, TimeSpan.FromSeconds(10)).Topics
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        using var consumer = KafkaClientFactory.CreateConsumer(config);
        var remaining = new HashSet<int>();
        var assignment = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
            if (marks.High.Value > marks.Low.Value)
            {
                remaining.Add(partition.Partition.Value);
                assignment.Add(new TopicPartitionOffset(partition, marks.Low));
            }
        }

        var letters = new List<DeadLetterView>();
        if (assignment.Count == 0)
        {
            return letters;
        }

        var ends = assignment.ToDictionary(a => a.Partition.Value, a => consumer.QueryWatermarkOffsets(a.TopicPartition, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(assignment);
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                continue;
            }

            var partition = result.Partition.Value;
            if (!result.IsPartitionEOF)
            {
                letters.Add(View(result));
            }

            if (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[partition])
            {
                remaining.Remove(partition);
            }
        }

        consumer.Close();
        return letters.OrderBy(l => l.Timestamp).ThenBy(l => l.Partition).ThenBy(l => l.Offset).ToList();
    }

    /// <summary>Produces each letter's key and value to the reports topic, acknowledged by the broker; returns how many.</summary>
    public static async Task<int> ReplayAsync(KafkaOptions kafka, IReadOnlyList<DeadLetterView> letters, CancellationToken cancellationToken)
    {
        using var producer = new AcknowledgedProducer(kafka);
        await Task.WhenAll(letters.Select(letter => producer.ProduceAsync(
            kafka.ReportsTopic,
            letter.Key ?? "",
            letter.Value,
            new Dictionary<string, string> { [ReplayedFromHeader] = $"{kafka.DeadLetterTopic}:{letter.Position}" },
            cancellationToken)));
        return letters.Count;
    }

    private static DeadLetterView View(ConsumeResult<string, byte[]> result)
    {
        string? Header(string name) =>
            result.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

        return new DeadLetterView(
            result.Partition.Value,
            result.Offset.Value,
            result.Message.Timestamp.UtcDateTime,
            Header(DeadLetterPublisher.ReasonHeader) ?? "(no reason header)",
            Header(DeadLetterPublisher.TopicHeader),
            int.TryParse(Header(DeadLetterPublisher.PartitionHeader), CultureInfo.InvariantCulture, out var p) ? p : null,
            long.TryParse(Header(DeadLetterPublisher.OffsetHeader), CultureInfo.InvariantCulture, out var o) ? o : null,
            result.Message.Key,
            result.Message.Value ?? []);
    }

    private static string Preview(byte[] value)
    {
        if (value.Length == 0)
        {
            return "(empty)";
        }

        var text = Encoding.UTF8.GetString(value, 0, Math.Min(value.Length, 240));
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return clean.Length > 80 ? clean[..80] + "…" : clean;
    }

    private static KafkaOptions? Kafka(string? bootstrapServers)
    {
        var configuration = CliConfiguration.Build();
        var kafka = new KafkaOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(KafkaOptions.SectionName), kafka);
        if (!string.IsNullOrEmpty(bootstrapServers))
        {
            kafka.BootstrapServers = bootstrapServers;
        }

        if (string.IsNullOrEmpty(kafka.BootstrapServers))
        {
            Console.Error.WriteLine("No Kafka brokers: pass --bootstrap-servers or set RISKWATCH_Kafka__BootstrapServers.");
            return null;
        }

        return kafka;
    }
}
