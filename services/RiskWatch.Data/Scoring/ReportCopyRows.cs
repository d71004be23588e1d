using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Data.Scoring;

/// <summary>
/// Rows of <c>reports</c> in PostgreSQL's binary COPY format (<see cref="BinaryCopyRows"/>): the body and the reasons
/// are serialised straight to UTF-8 into the buffer. The column order is <see cref="Columns"/>.
/// </summary>
internal sealed class ReportCopyRows : BinaryCopyRows
{
    public const string Columns = "report_id, tracking_code, incident_key, source, reporter, occurred_at, city, district, street, subject_name, "
        + "body, grade, probabilities, model_version, kafka_partition, kafka_offset, reasons, alert_id, trace_id, submitted_by";

    private const short FieldCount = 20;
    private const uint Float4Oid = 700;

    private readonly Utf8JsonWriter json;

    public ReportCopyRows()
        : base("reports", Columns) => json = new Utf8JsonWriter(this, new JsonWriterOptions { Encoder = ReportJson.Options.Encoder });

    public void Add(ScoredMessage message, string incidentKey, long? alertId)
    {
        var (report, grade, probabilities, modelVersion) = message.Scored;
        StartRow(FieldCount);
        WriteUuid(report.ReportId);
        // Tracking codes are Ingest's (keyed with its secret, kept in the intake ledger); reports stored from now on have none here.
        WriteNull();
        WriteText(incidentKey);
        WriteText(report.Source);
        WriteText(report.Reporter);
        WriteTimestampTz(report.OccurredAt);
        WriteText(report.Location.City);
        WriteText(report.Location.District);
        WriteText(report.Location.Street);
        WriteText(report.Subject.Name);
        var body = StartJson();
        JsonSerializer.Serialize(json, report, ReportJson.Options);
        EndJson(body);
        WriteText(grade.ToWire());
        WriteFloat4Array(probabilities);
        WriteText(modelVersion);
        WriteField(4).WriteInt32(message.Partition);
        WriteField(8).WriteInt64(message.Offset);
        var reasons = StartJson();
        json.WriteStartArray();
        foreach (var reason in message.Reasons)
        {
            json.WriteStartObject();
            json.WriteString("zh", reason.Zh);
            json.WriteString("en", reason.En);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        EndJson(reasons);
        if (alertId is { } id)
        {
            WriteField(8).WriteInt64(id);
        }
        else
        {
            WriteNull();
        }

        WriteText(message.Scored.TraceId);
        WriteText(message.Scored.SubmittedBy);
    }

    public override void Dispose()
    {
        json.Dispose();
        base.Dispose();
    }

    /// <summary>Starts a field for <see cref="json"/> to write: the body and reasons are text columns holding JSON (migration 0026).</summary>
    private int StartJson()
    {
        var start = StartOpenField();
        json.Reset(this);
        return start;
    }

    private void EndJson(int start)
    {
        json.Flush();
        EndOpenField(start);
    }

    /// <summary>A one-dimensional real[] without nulls: dimensions, flags, element type, then each element with its length.</summary>
    private void WriteFloat4Array(float[] values)
    {
        if (values.Length == 0)
        {
            var empty = WriteField(12);
            empty.WriteInt32(0).WriteInt32(0).WriteUInt32(Float4Oid);
            return;
        }

        var field = WriteField(20 + (values.Length * 8));
        field = field.WriteInt32(1).WriteInt32(0).WriteUInt32(Float4Oid).WriteInt32(values.Length).WriteInt32(1);
        foreach (var value in values)
        {
            field = field.WriteInt32(4).WriteSingle(value);
        }
    }
}
