using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskWatch.Core.Contract;

/// <summary>The one set of JSON options for the contract: camelCase names, nulls left out.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(ReportV1 report) => JsonSerializer.SerializeToUtf8Bytes(report, Options);
}
