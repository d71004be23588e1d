using RiskWatch.Testing;
using System.Net.Sockets;
using RiskWatch.Host.Kafka;
using RiskWatch.Messaging;

namespace RiskWatch.Host.Tests;

public sealed class EmbeddedKafkaBrokerTests
{
    [Fact]
    public async Task Two_clusters_run_side_by_side_in_one_process_and_keep_their_data_apart()
    {
        using var first = EmbeddedKafkaBroker.Start();
        using var second = EmbeddedKafkaBroker.Start(3);
        Assert.NotEqual(first.BootstrapServers, second.BootstrapServers);
        Assert.Equal(3, second.BootstrapServers.Split(',').Length);

        var firstOptions = new KafkaOptions { BootstrapServers = first.BootstrapServers };
        var secondOptions = new KafkaOptions { BootstrapServers = second.BootstrapServers };
        first.CreateTopic("shared-name", 2);
        second.CreateTopic("shared-name", 2);
        using (var producer = new AcknowledgedProducer(firstOptions))
        {
            await producer.ProduceAsync("shared-name", "k", [1], null, CancellationToken.None);
        }

        using (var producer = new AcknowledgedProducer(secondOptions))
        {
            await producer.ProduceAsync("shared-name", "k", [2], null, CancellationToken.None);
            await producer.ProduceAsync("shared-name", "k", [3], null, CancellationToken.None);
        }

        Assert.Equal([[1]], (await TopicReader.ReadAsync(firstOptions, "shared-name", 1)).Select(r => r.Message.Value));
        Assert.Equal([[2], [3]], (await TopicReader.ReadAsync(secondOptions, "shared-name", 2)).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_disposed_broker_stops_listening_and_can_be_disposed_twice()
    {
        var broker = EmbeddedKafkaBroker.Start(2);
        var endpoints = broker.BootstrapServers.Split(',');
        foreach (var endpoint in endpoints)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Host(endpoint), Port(endpoint));
        }

        broker.Dispose();
        broker.Dispose();

        foreach (var endpoint in endpoints)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(Host(endpoint), Port(endpoint)));
        }

        Assert.Throws<ObjectDisposedException>(() => broker.CreateTopic("late", 1));
    }

    [Fact]
    public void Creating_a_topic_that_exists_is_harmless()
    {
        using var broker = EmbeddedKafkaBroker.Start();
        broker.CreateTopic("twice", 3);
        broker.CreateTopic("twice", 3);
    }

    [Fact]
    public void Every_client_in_the_process_uses_the_same_librdkafka_file()
    {
        var path = RdKafkaLibrary.EnsureLoaded();

        Assert.True(File.Exists(path), path);
        Assert.Equal(path, RdKafkaLibrary.EnsureLoaded());
        Assert.True(Confluent.Kafka.Library.IsLoaded);
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.EndsWith("centos8-librdkafka.so", path, StringComparison.Ordinal);
        }
    }

    private static string Host(string endpoint) => endpoint[..endpoint.LastIndexOf(':')];

    private static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
