using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Data.Scoring;

/// <summary>
/// Rows of <c>reports</c> in PostgreSQL's binary COPY format, encoded here rather than field by field through
/// Npgsql's importer: that importer resolves a converter and awaits once per field (18 per report), and the async
/// method holding those awaits took the JIT tens of seconds of CPU to optimise after every start. Here a row is a few
/// span writes and the body is serialised straight to UTF-8 into the buffer; the caller sends the buffer in chunks.
/// The column order is <see cref="Columns"/>.
/// </summary>
internal sealed class ReportCopyRows : IBufferWriter<byte>, IDisposable
{
    public const string Columns = "report_id, tracking_code, incident_key, source, reporter, occurred_at, city, district, street, subject_name, "
        + "body, grade, probabilities, model_version, kafka_partition, kafka_offset, reasons, alert_id, trace_id, submitted_by";

    private const short FieldCount = 20;
    private const uint Float4Oid = 700;

    // Strict like Npgsql's: a string that is not valid UTF-16 fails rather than being stored altered.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    // The signature "PGCOPY\n\xff\r\n\0", no flags, no header extension.
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly Utf8JsonWriter json;
    private byte[] buffer;
    private int written;

    public ReportCopyRows(int initialSize)
    {
        buffer = ArrayPool<byte>.Shared.Rent(initialSize);
        json = new Utf8JsonWriter(this, new JsonWriterOptions { Encoder = ReportJson.Options.Encoder });
        Header.CopyTo(GetSpan(Header.Length));
        Advance(Header.Length);
    }

    public int Length => written;

    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, written);

    /// <summary>Forgets what was written (after it was sent).</summary>
    public void Clear() => written = 0;

    public void Add(ScoredMessage message, string incidentKey, long? alertId)
    {
        var (report, grade, probabilities, modelVersion) = message.Scored;
        WriteInt16(FieldCount);
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

    /// <summary>The end-of-data marker; nothing may be added after it.</summary>
    public void Finish() => WriteInt16(-1);

    public void Dispose()
    {
        json.Dispose();
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    public void Advance(int count) => written += count;

    // Reserve first, then read the field: `buffer.AsSpan(Reserve(n))` would take the array before Reserve replaced it, and
    // hand out the old, smaller (and already returned) one. A report larger than the room left in the buffer then failed its
    // whole batch ("could not provide an output buffer") and stopped Scoring: issue 14, finding 4's worst case found it.
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var at = Reserve(sizeHint);
        return buffer.AsMemory(at);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var at = Reserve(sizeHint);
        return buffer.AsSpan(at);
    }

    private int Reserve(int sizeHint)
    {
        var needed = written + Math.Max(sizeHint, 256);
        if (needed > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        return written;
    }

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(GetSpan(2), value);
        Advance(2);
    }

    private void WriteNull()
    {
        BinaryPrimitives.WriteInt32BigEndian(GetSpan(4), -1);
        Advance(4);
    }

    /// <summary>A field's length prefix; returns a writer for exactly <paramref name="length"/> bytes of value.</summary>
    private FieldWriter WriteField(int length)
    {
        var span = GetSpan(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        Advance(4 + length);
        return new FieldWriter(buffer, written - length);
    }

    private void WriteUuid(Guid value)
    {
        var field = WriteField(16);
        value.TryWriteBytes(buffer.AsSpan(field.Offset, 16), bigEndian: true, out _);
    }

    private void WriteTimestampTz(DateTimeOffset value) =>
        // Microseconds since 2000-01-01 UTC, truncated as Npgsql does.
        WriteField(8).WriteInt64((value.UtcDateTime.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);

    private void WriteText(string? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        var span = GetSpan(4 + Utf8.GetMaxByteCount(value.Length));
        var length = Utf8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        Advance(4 + length);
    }

    /// <summary>
    /// Starts a json field for <see cref="json"/> to write (its length to come, then the text: json's binary format is its
    /// text, checked by the server but not parsed into jsonb's tree, migration 0022); returns where it starts.
    /// </summary>
    private int StartJson()
    {
        var start = written;
        GetSpan(4);
        Advance(4);
        json.Reset(this);
        return start;
    }

    private void EndJson(int start)
    {
        json.Flush();
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(start), written - start - 4);
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

    /// <summary>Big-endian writes into a field already reserved (and so never moved by a resize).</summary>
    private readonly record struct FieldWriter(byte[] Buffer, int Offset)
    {
        public FieldWriter WriteInt32(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Offset), value);
            return this with { Offset = Offset + 4 };
        }

        public FieldWriter WriteUInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Buffer.AsSpan(Offset), value);
            return this with { Offset = Offset + 4 };
        }

        public FieldWriter WriteInt64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(Buffer.AsSpan(Offset), value);
            return this with { Offset = Offset + 8 };
        }

        public FieldWriter WriteSingle(float value)
        {
            BinaryPrimitives.WriteSingleBigEndian(Buffer.AsSpan(Offset), value);
            return this with { Offset = Offset + 4 };
        }
    }
}
