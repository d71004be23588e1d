using System.Globalization;
using Confluent.Kafka;
using RiskWatch.Messaging;

namespace RiskWatch.Scoring.Consuming;

/// <summary>A consumed message that can never be processed, and why.</summary>
public sealed record DeadLetter(ConsumeResult<string, byte[]> Message, ReadResult.Unreadable Why);

/// <summary>
/// Moves messages that can never be processed to the dead-letter topic, with the reason and where they came
/// from in headers, so the consumer can move on and an operator can inspect and replay them.
/// </summary>
public sealed class DeadLetterPublisher(AcknowledgedProducer producer, KafkaOptions kafka)
{
    public const string ReasonHeader = "dlq-reason";
    public const string TopicHeader = "dlq-original-topic";
    public const string PartitionHeader = "dlq-original-partition";
    public const string OffsetHeader = "dlq-original-offset";

    public async Task PublishAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        // All at once: the producer batches them, and the offsets move only after every one is acknowledged.
        await Task.WhenAll(letters.Select(letter => producer.ProduceAsync(
            kafka.DeadLetterTopic,
            letter.Message.Message.Key ?? "",
            letter.Message.Message.Value ?? [],
            new Dictionary<string, string>
            {
                [ReasonHeader] = letter.Why.Text,
                [TopicHeader] = letter.Message.Topic,
                [PartitionHeader] = letter.Message.Partition.Value.ToString(CultureInfo.InvariantCulture),
                [OffsetHeader] = letter.Message.Offset.Value.ToString(CultureInfo.InvariantCulture),
            },
            cancellationToken)));
        foreach (var letter in letters)
        {
            ScoringMetrics.DeadLetters.WithLabels(letter.Why.Reason.ToLabel()).Inc();
        }
    }
}
