namespace RiskWatch.Ops.Tests;

/// <summary>Helm refuses bad values before anything reaches a cluster, naming the key (values.schema.json and the templates' checks).</summary>
public sealed class ValuesSchemaTests
{
    private static string Minimal => Path.Combine(Helm.CiValues, "minimal-values.yaml");

    [Theory]
    // Wrong types.
    [InlineData("scoring.replicas=three", "at '/scoring/replicas': got string, want integer")]
    [InlineData("ingest.autoscaling.enabled=sometimes", "at '/ingest/autoscaling/enabled': got string, want boolean")]
    [InlineData("kafka.producer=zstd", "at '/kafka/producer': got string, want object")]
    [InlineData("scoring.resources.requests.memory=lots", "at '/scoring/resources/requests/memory'")]
    [InlineData("metrics.serviceMonitor.interval=30", "at '/metrics/serviceMonitor/interval': got number, want string")]
    [InlineData("image.pullPolicy=Sometimes", "at '/image/pullPolicy'")]
    // Missing or empty required values.
    [InlineData("kafka.bootstrapServers=", "at '/kafka/bootstrapServers': minLength")]
    [InlineData("scoring.resources.limits=null", "at '/scoring/resources': missing property 'limits'")]
    [InlineData("kafka.reportsPartitions=null", "at '/kafka': missing property 'reportsPartitions'")]
    // Unknown keys (typos).
    [InlineData("scoring.replicaz=3", "at '/scoring': additional properties 'replicaz' not allowed")]
    [InlineData("kafka.bootstrapServer=kafka:9092", "at '/kafka': additional properties 'bootstrapServer' not allowed")]
    [InlineData("ingress.enabled=true", "additional properties 'ingress' not allowed")]
    [InlineData("probes.readiness.timeout=4", "at '/probes/readiness': additional properties 'timeout' not allowed")]
    // What the chart promises an operator.
    [InlineData("securityContext.readOnlyRootFilesystem=false", "at '/securityContext/readOnlyRootFilesystem'")]
    [InlineData("podSecurityContext.runAsNonRoot=false", "at '/podSecurityContext/runAsNonRoot'")]
    [InlineData("kafka.reportsPartitions=0", "at '/kafka/reportsPartitions': minimum")]
    [InlineData("kafka.consumer.sasl\\.password=hunter2", "invalid propertyName 'sasl.password'")]
    public async Task The_schema_refuses_a_bad_value_naming_the_key(string set, string expected)
    {
        var result = await Helm.TemplateAsync("-f", Minimal, "--set", set);
        Assert.True(result.ExitCode != 0, $"helm accepted {set}");
        Assert.Contains("values don't meet the specifications of the schema", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_extraEnv_must_come_from_a_Secret()
    {
        var plain = await Helm.TemplateAsync("-f", Minimal, "--set", "extraEnv[0].name=RISKWATCH_Handling__Webhooks__0__Secret,extraEnv[0].value=s3cret");
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains("at '/extraEnv/0'", plain.Stderr, StringComparison.Ordinal);

        var byReference = await Helm.TemplateAsync("-f", Minimal, "--set", "extraEnv[0].name=RISKWATCH_Handling__Webhooks__0__Secret,extraEnv[0].valueFrom.secretKeyRef.name=hooks,extraEnv[0].valueFrom.secretKeyRef.key=secret");
        Assert.True(byReference.ExitCode == 0, byReference.ToString());
    }

    [Fact]
    public async Task Without_the_values_an_operator_must_give_helm_install_names_each()
    {
        var nothing = await Helm.TemplateAsync();
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("at '/kafka/bootstrapServers'", nothing.Stderr, StringComparison.Ordinal);

        var noDatabase = await Helm.TemplateAsync("--set", "kafka.bootstrapServers=kafka:9092", "--set", "keys.existingSecret=keys");
        Assert.NotEqual(0, noDatabase.ExitCode);
        Assert.Contains("database.connectionString or database.existingSecret is required", noDatabase.Stderr, StringComparison.Ordinal);

        var noKey = await Helm.TemplateAsync("--set", "kafka.bootstrapServers=kafka:9092", "--set", "database.existingSecret=db");
        Assert.NotEqual(0, noKey.ExitCode);
        Assert.Contains("keys.values.contact-encryption-key or keys.existingSecret is required", noKey.Stderr, StringComparison.Ordinal);

        var noKafkaPassword = await Helm.TemplateAsync("-f", Minimal, "--set", "kafka.sasl.mechanism=SCRAM-SHA-512,kafka.sasl.username=riskwatch");
        Assert.NotEqual(0, noKafkaPassword.ExitCode);
        Assert.Contains("kafka.sasl.existingSecret", noKafkaPassword.Stderr, StringComparison.Ordinal);

        // helm lint with the chart's defaults alone fails the same way: there is no default Kafka or database.
        var lint = await Helm.RunAsync("lint", "--strict", RepoPaths.Chart);
        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("/kafka/bootstrapServers", lint.Stdout + lint.Stderr, StringComparison.Ordinal);
    }
}
