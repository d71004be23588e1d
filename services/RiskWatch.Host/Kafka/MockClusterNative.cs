using System.Runtime.InteropServices;
using RiskWatch.Messaging;

namespace RiskWatch.Host.Kafka;

/// <summary>
/// The librdkafka C functions behind the embedded broker (rdkafka.h and rdkafka_mock.h of librdkafka 2.16).
/// Resolved at run time from the module <see cref="RdKafkaLibrary"/> loaded, so they bind to the very
/// file Confluent.Kafka uses; DllImport would probe by name and could pick another copy.
/// </summary>
internal static unsafe class MockClusterNative
{
    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0; // RD_KAFKA_CONF_OK

    // rd_kafka_conf_t *rd_kafka_conf_new(void)
    public static readonly delegate* unmanaged<IntPtr> ConfNew =
        (delegate* unmanaged<IntPtr>)Export("rd_kafka_conf_new");

    // rd_kafka_conf_res_t rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr, size_t errstr_size)
    public static readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet =
        (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)Export("rd_kafka_conf_set");

    // void rd_kafka_conf_destroy(rd_kafka_conf_t *conf)
    public static readonly delegate* unmanaged<IntPtr, void> ConfDestroy =
        (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_conf_destroy");

    // rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size)
    public static readonly delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New =
        (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)Export("rd_kafka_new");

    // void rd_kafka_destroy(rd_kafka_t *rk)
    public static readonly delegate* unmanaged<IntPtr, void> Destroy =
        (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_destroy");

    // rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt)
    public static readonly delegate* unmanaged<IntPtr, int, IntPtr> ClusterNew =
        (delegate* unmanaged<IntPtr, int, IntPtr>)Export("rd_kafka_mock_cluster_new");

    // void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster)
    public static readonly delegate* unmanaged<IntPtr, void> ClusterDestroy =
        (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_mock_cluster_destroy");

    // const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster)
    public static readonly delegate* unmanaged<IntPtr, IntPtr> ClusterBootstraps =
        (delegate* unmanaged<IntPtr, IntPtr>)Export("rd_kafka_mock_cluster_bootstraps");

    // rd_kafka_resp_err_t rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mcluster, const char *topic, int partition_cnt, int replication_factor)
    public static readonly delegate* unmanaged<IntPtr, byte*, int, int, int> TopicCreate =
        (delegate* unmanaged<IntPtr, byte*, int, int, int>)Export("rd_kafka_mock_topic_create");

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id)
    public static readonly delegate* unmanaged<IntPtr, int, int> BrokerSetDown =
        (delegate* unmanaged<IntPtr, int, int>)Export("rd_kafka_mock_broker_set_down");

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id)
    public static readonly delegate* unmanaged<IntPtr, int, int> BrokerSetUp =
        (delegate* unmanaged<IntPtr, int, int>)Export("rd_kafka_mock_broker_set_up");

    // void rd_kafka_mock_push_request_errors_array(rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey, size_t cnt, const rd_kafka_resp_err_t *errors)
    // (the array form: the variadic rd_kafka_mock_push_request_errors cannot be called portably from .NET)
    public static readonly delegate* unmanaged<IntPtr, short, nuint, int*, void> PushRequestErrorsArray =
        (delegate* unmanaged<IntPtr, short, nuint, int*, void>)Export("rd_kafka_mock_push_request_errors_array");

    // void rd_kafka_mock_group_initial_rebalance_delay_ms(rd_kafka_mock_cluster_t *mcluster, int32_t delay_ms)
    public static readonly delegate* unmanaged<IntPtr, int, void> GroupInitialRebalanceDelayMs =
        (delegate* unmanaged<IntPtr, int, void>)Export("rd_kafka_mock_group_initial_rebalance_delay_ms");

    private static IntPtr Export(string name) => NativeLibrary.GetExport(RdKafkaLibrary.Handle, name);
}
