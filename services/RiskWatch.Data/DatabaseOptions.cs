using System.ComponentModel.DataAnnotations;

namespace RiskWatch.Data;

/// <summary>The "Database" configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=postgres;Database=riskwatch</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";
}
