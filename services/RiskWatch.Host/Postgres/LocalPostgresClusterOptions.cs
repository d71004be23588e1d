namespace RiskWatch.Host.Postgres;

/// <summary>How a <see cref="LocalPostgresCluster"/> is created and started.</summary>
public sealed record LocalPostgresClusterOptions
{
    /// <summary>
    /// True (the default) keeps PostgreSQL's crash safety. False turns off fsync, synchronous_commit and
    /// full_page_writes: a power cut can then corrupt the cluster, which only throwaway test clusters may accept.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Folder holding initdb and pg_ctl; null probes RISKWATCH_POSTGRES_BIN, /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin and PATH.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Extra server settings passed as <c>-c name=value</c> on every start (e.g. max_connections).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Where the superuser's password is kept (generated on the cluster's first start, readable by its owner only); null
    /// means <c>secrets/&lt;data folder name&gt;.password</c> beside the data folder (for <c>riskwatch up</c>:
    /// <c>.riskwatch/secrets/postgres.password</c>).
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>How long a start or stop may take before it is reported as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
