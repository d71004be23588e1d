using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace RiskWatch.Data;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded here rather than field by field through Npgsql's importer: that
/// importer resolves a converter and awaits once per field, and the async method holding those awaits took the JIT tens
/// of seconds of CPU to optimise after every start. Here a row is a few span writes into one buffer, which
/// <see cref="CopyAsync{TItem}"/> sends in chunks. A subclass names its table and columns and writes a row's fields in
/// their order.
/// </summary>
internal abstract class BinaryCopyRows : IBufferWriter<byte>, IDisposable
{
    private const int Chunk = 64 * 1024;

    // Strict like Npgsql's: a string that is not valid UTF-16 fails rather than being stored altered.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    // The signature "PGCOPY\n\xff\r\n\0", no flags, no header extension.
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly string statement;
    private byte[] buffer;
    private int written;

    protected BinaryCopyRows(string table, string columns)
    {
        statement = $"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)";
        buffer = ArrayPool<byte>.Shared.Rent(Chunk + (8 * 1024));
        Header.CopyTo(GetSpan(Header.Length));
        Advance(Header.Length);
    }

    public int Length => written;

    private ReadOnlyMemory<byte> Written => buffer.AsMemory(0, written);

    /// <summary>
    /// Copies a row for each item into the table, written by <paramref name="add"/>; chunks are sent as they fill, so the
    /// server inserts the first rows while later ones are encoded. A failure before the end (an item that cannot be
    /// encoded, a cancellation) discards the rows sent so far and surfaces as itself; the server's refusal surfaces as the
    /// <see cref="PostgresException"/>.
    /// </summary>
    public async Task CopyAsync<TItem>(NpgsqlConnection connection, IEnumerable<TItem> items, Action<TItem> add, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(add);
        await using var copy = await connection.BeginRawBinaryCopyAsync(statement, cancellationToken);
        try
        {
            foreach (var item in items)
            {
                add(item);
                if (written >= Chunk)
                {
                    await copy.WriteAsync(Written, cancellationToken);
                    written = 0;
                }
            }

            // The end-of-data marker.
            WriteInt16(-1);
            await copy.WriteAsync(Written, cancellationToken);
        }
        catch (Exception e) when (e is not PostgresException)
        {
            // Disposing would end the COPY with the rows so far: cancel it instead.
            await copy.CancelAsync();
            throw;
        }
    }

    public virtual void Dispose()
    {
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

    /// <summary>Starts a row of <paramref name="fields"/> fields.</summary>
    protected void StartRow(short fields) => WriteInt16(fields);

    protected void WriteNull()
    {
        BinaryPrimitives.WriteInt32BigEndian(GetSpan(4), -1);
        Advance(4);
    }

    /// <summary>A field's length prefix; returns a writer for exactly <paramref name="length"/> bytes of value.</summary>
    protected FieldWriter WriteField(int length)
    {
        var span = GetSpan(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        Advance(4 + length);
        return new FieldWriter(buffer, written - length);
    }

    protected void WriteUuid(Guid value)
    {
        var field = WriteField(16);
        value.TryWriteBytes(buffer.AsSpan(field.Offset, 16), bigEndian: true, out _);
    }

    protected void WriteUuid(Guid? value)
    {
        if (value is { } id)
        {
            WriteUuid(id);
        }
        else
        {
            WriteNull();
        }
    }

    protected void WriteTimestampTz(DateTimeOffset value) =>
        // Microseconds since 2000-01-01 UTC, truncated as Npgsql does.
        WriteField(8).WriteInt64((value.UtcDateTime.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);

    /// <summary>A text field, or a json one: json's binary format is its text, checked by the server but not parsed into jsonb's tree.</summary>
    protected void WriteText(string? value)
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

    /// <summary>Starts a field whose length is known only once it is written (by this buffer's other writers); returns where it starts.</summary>
    protected int StartOpenField()
    {
        var start = written;
        GetSpan(4);
        Advance(4);
        return start;
    }

    /// <summary>Ends the field <see cref="StartOpenField"/> started at <paramref name="start"/>: writes its length.</summary>
    protected void EndOpenField(int start) => BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(start), written - start - 4);

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(GetSpan(2), value);
        Advance(2);
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

    /// <summary>Big-endian writes into a field already reserved (and so never moved by a resize).</summary>
    protected readonly record struct FieldWriter(byte[] Buffer, int Offset)
    {
        public FieldWriter WriteInt16(short value)
        {
            BinaryPrimitives.WriteInt16BigEndian(Buffer.AsSpan(Offset), value);
            return this with { Offset = Offset + 2 };
        }

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
