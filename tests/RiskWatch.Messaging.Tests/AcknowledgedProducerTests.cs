using System.Text;
using RiskWatch.Testing;

namespace RiskWatch.Messaging.Tests;

[Collection(KafkaCollection.Name)]
public sealed class AcknowledgedProducerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_produced_message_is_read_back_with_its_key_value_and_headers()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        var headers = new Dictionary<string, string> { ["content-type"] = "application/json", ["report-id"] = "r-1" };

        var delivery = await producer.ProduceAsync(
            options.ReportsTopic, "incident-7", "{\"a\":1}"u8.ToArray(), headers, CancellationToken.None);

        var read = Assert.Single(await TopicReader.ReadAsync(options, options.ReportsTopic, 1));
        Assert.Equal("incident-7", read.Message.Key);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(read.Message.Value));
        Assert.Equal("application/json", TopicReader.Header(read, "content-type"));
        Assert.Equal("r-1", TopicReader.Header(read, "report-id"));
        Assert.Equal(delivery.TopicPartitionOffset, read.TopicPartitionOffset);
    }

    [Fact]
    public async Task Messages_with_the_same_key_land_in_the_same_partition_in_the_order_produced()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        string[] keys = ["incident-a", "incident-b", "incident-c", "incident-d", "incident-e"];

        var deliveries = await Task.WhenAll(
            from i in Enumerable.Range(0, 10)
            from key in keys
            select producer.ProduceAsync(options.ReportsTopic, key, Encoding.UTF8.GetBytes($"{key}/{i}"), null, CancellationToken.None));

        foreach (var key in keys)
        {
            Assert.Single(deliveries.Where(d => d.Message.Key == key).Select(d => d.Partition.Value).Distinct());
        }

        // Five keys over six partitions: all on one partition would mean the key is ignored.
        Assert.True(deliveries.Select(d => d.Partition.Value).Distinct().Count() > 1, "every key went to one partition");

        var read = await TopicReader.ReadAsync(options, options.ReportsTopic, deliveries.Length);
        Assert.Equal(deliveries.Length, read.Count);
        foreach (var key in keys)
        {
            var values = read.Where(r => r.Message.Key == key).Select(r => Encoding.UTF8.GetString(r.Message.Value));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{key}/{i}"), values);
        }
    }

    [Fact]
    public async Task Produce_all_answers_each_message_with_where_it_was_written_in_the_order_given()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        var headers = AcknowledgedProducer.ToHeaders(new Dictionary<string, string> { ["channel"] = "platform" });
        var messages = Enumerable.Range(0, 300).Select(i => new OutgoingMessage($"incident-{i % 7}", Encoding.UTF8.GetBytes($"m{i}"), headers)).ToList();

        var deliveries = await producer.ProduceAllAsync(options.ReportsTopic, messages, CancellationToken.None);

        Assert.Equal(messages.Count, deliveries.Length);
        Assert.All(deliveries, d => Assert.NotNull(d.Written));
        var read = (await TopicReader.ReadAsync(options, options.ReportsTopic, messages.Count)).ToDictionary(r => r.TopicPartitionOffset, r => r);
        for (var i = 0; i < messages.Count; i++)
        {
            // The offset answered for message i holds message i, with the shared headers.
            var stored = read[deliveries[i].Written!];
            Assert.Equal($"m{i}", Encoding.UTF8.GetString(stored.Message.Value));
            Assert.Equal(messages[i].Key, stored.Message.Key);
            Assert.Equal("platform", TopicReader.Header(stored, "channel"));
        }
    }

    [Fact]
    public async Task Produce_all_tells_a_message_the_broker_refuses_for_good_apart_from_those_it_wrote()
    {
        var options = kafka.CreateIsolatedOptions();
        using var producer = new AcknowledgedProducer(options);
        OutgoingMessage[] messages =
        [
            new("a", [1], null),
            // Larger than the producer takes (message.max.bytes): refused before it is sent, for good.
            new("b", new byte[17 * 1024 * 1024], null),
            new("c", [3], null),
        ];

        var deliveries = await producer.ProduceAllAsync(options.ReportsTopic, messages, CancellationToken.None);

        Assert.NotNull(deliveries[0].Written);
        Assert.Null(deliveries[1].Written);
        Assert.False(deliveries[1].Unavailable, $"{deliveries[1].Error} was taken for a passing failure");
        Assert.NotNull(deliveries[2].Written);
    }
}
