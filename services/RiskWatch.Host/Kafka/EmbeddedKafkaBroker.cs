using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using RiskWatch.Messaging;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// A Kafka-protocol broker cluster in memory: librdkafka's mock cluster, listening on localhost ports.
/// Any Kafka client (Confluent.Kafka, kcat, a JVM client) connects to <see cref="BootstrapServers"/>.
/// Used by the embedded all-in-one mode and by tests; data lives only as long as this object.
/// </summary>
public sealed unsafe class EmbeddedKafkaBroker : IDisposable
{
    /// <summary>Broker id that addresses every broker of the cluster in <see cref="SetBrokerDown"/> and <see cref="SetBrokerUp"/>.</summary>
    public const int AllBrokers = -1;

    /// <summary>What the mock cluster keeps of a partition (compiled into librdkafka): beyond it, the oldest message sets
    /// are dropped whether or not anyone has read them.</summary>
    public const int PartitionRetentionBytes = 5 * 1024 * 1024;

    private readonly Lock gate = new();
    private IntPtr handle;
    private IntPtr cluster;

    private EmbeddedKafkaBroker(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        this.handle = handle;
        this.cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster returned no bootstrap servers.");
    }

    /// <summary>Comma-separated host:port list of the brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers with ids 1..<paramref name="brokers"/>.</summary>
    public static EmbeddedKafkaBroker Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        RdKafkaLibrary.EnsureLoaded();

        // The mock cluster needs a client handle for its own bookkeeping (logging, config); a producer
        // with no bootstrap servers never connects anywhere, so it is the cheapest handle to own.
        var conf = MockClusterNative.ConfNew();
        SetConf(conf, "client.id", "riskwatch-embedded-kafka");
        // Warnings and errors only: at the default level every client disconnect is logged to stderr.
        SetConf(conf, "log_level", "4");

        const int errorSize = 512;
        var error = stackalloc byte[errorSize];
        var rk = MockClusterNative.New(MockClusterNative.ProducerType, conf, error, errorSize);
        if (rk == IntPtr.Zero)
        {
            // rd_kafka_new takes ownership of the conf only when it succeeds.
            MockClusterNative.ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }

        var cluster = MockClusterNative.ClusterNew(rk, brokers);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed (could it not listen on localhost?).");
        }

        // A real broker waits 3 s for more group members before the first assignment; in one process
        // there is no one to wait for, and consumers would start 3 s late.
        MockClusterNative.GroupInitialRebalanceDelayMs(cluster, 0);
        return new EmbeddedKafkaBroker(rk, cluster, brokers);
    }

    /// <summary>
    /// Creates a topic; creating one that exists is a no-op. Replicated on up to three brokers so that
    /// acks=all means what it means on a real cluster.
    /// </summary>
    public void CreateTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var replicationFactor = Math.Min(BrokerCount, 3);
        var topic = Utf8Z(name);
        var err = WithCluster(c =>
        {
            fixed (byte* t = topic)
            {
                return MockClusterNative.TopicCreate(c, t, partitions, replicationFactor);
            }
        });
        if (err != (int)ErrorCode.NoError && err != (int)ErrorCode.TopicAlreadyExists)
        {
            throw new KafkaException((ErrorCode)err);
        }
    }

    /// <summary>Disconnects the broker and refuses new connections (<see cref="AllBrokers"/> for all); leadership does not move.</summary>
    /// <summary>Creates the reports, dead-letter and alerts topics (<see cref="KafkaTopics.Names"/>); existing ones are kept.</summary>
    public void CreateTopics(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var name in KafkaTopics.Names(options))
        {
            CreateTopic(name, options.ReportsPartitions);
        }
    }

    public void SetBrokerDown(int brokerId) => Check(WithCluster(c => MockClusterNative.BrokerSetDown(c, brokerId)));

    /// <summary>Makes the broker accept connections again (<see cref="AllBrokers"/> for all).</summary>
    public void SetBrokerUp(int brokerId) => Check(WithCluster(c => MockClusterNative.BrokerSetUp(c, brokerId)));

    /// <summary>
    /// Makes the next requests of the given API (e.g. 0 = Produce, 1 = Fetch) fail with these errors, one
    /// error per request, to exercise retry and dead-letter paths.
    /// </summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, e => (int)e);
        WithCluster(c =>
        {
            fixed (int* p = codes)
            {
                MockClusterNative.PushRequestErrorsArray(c, apiKey, (nuint)codes.Length, p);
            }

            return 0;
        });
    }

    /// <summary>Stops the brokers and frees their data; connected clients see the brokers disappear.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (cluster != IntPtr.Zero)
            {
                MockClusterNative.ClusterDestroy(cluster);
                cluster = IntPtr.Zero;
            }

            // The handle must outlive the cluster: the cluster logs through it until destroyed.
            if (handle != IntPtr.Zero)
            {
                MockClusterNative.Destroy(handle);
                handle = IntPtr.Zero;
            }
        }
    }

    private int WithCluster(Func<IntPtr, int> call)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
            return call(cluster);
        }
    }

    private static void Check(int err)
    {
        if (err != (int)ErrorCode.NoError)
        {
            throw new KafkaException((ErrorCode)err);
        }
    }

    private static void SetConf(IntPtr conf, string name, string value)
    {
        const int errorSize = 512;
        var error = stackalloc byte[errorSize];
        int result;
        fixed (byte* n = Utf8Z(name))
        fixed (byte* v = Utf8Z(value))
        {
            result = MockClusterNative.ConfSet(conf, n, v, error, errorSize);
        }

        if (result != MockClusterNative.ConfOk)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }
    }

    // C strings: UTF-8 with a terminating NUL.
    private static byte[] Utf8Z(string value) => Encoding.UTF8.GetBytes(value + '\0');
}
