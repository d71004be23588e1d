using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RiskWatch.Testing;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient will not send: a Content-Length that lies, a body cut short, a
/// body of tens of megabytes streamed without ever being held. It sends and listens at once, so a server that answers
/// before the body is complete (a 413 on the Content-Length) is heard rather than reported as a broken pipe.
/// </summary>
public static class RawHttp
{
    /// <summary>The first answer on the connection; <see cref="Status"/> is 0 when the server closed without one.</summary>
    public sealed record Answer(int Status, string ContentType, string Body)
    {
        public override string ToString() => $"{Status} {ContentType} {(Body.Length > 300 ? Body[..300] + "..." : Body)}";
    }

    /// <param name="headers">Extra header lines, e.g. <c>Authorization: Bearer ...</c>.</param>
    /// <param name="contentLength">The Content-Length to claim (null: chunked); it need not match what <paramref name="writeBody"/> sends.</param>
    /// <param name="writeBody">Writes the body (raw bytes; for chunked, the helper frames what is written).</param>
    public static async Task<Answer> SendAsync(
        Uri server, string method, string path, IEnumerable<string> headers, long? contentLength, Func<Stream, Task> writeBody, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        // A write the server never reads blocks without end; closing the socket at the deadline ends it too.
        using var deadline = cancel.Token.Register(client.Dispose);
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        var stream = client.GetStream();

        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nConnection: close\r\n")
            .Append(contentLength is { } length ? $"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n" : "Transfer-Encoding: chunked\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        var reading = ReadAllAsync(stream, cancel.Token);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);
            await writeBody(contentLength is null ? new ChunkedWriter(stream) : stream);
            if (contentLength is null)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel.Token);
            }

            // No half-close: Kestrel takes a FIN for a client gone and answers nothing. A body shorter than its
            // Content-Length is a sender that stalls, which the server's minimum data rate ends (408).
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The server answered and closed before the body was through: what it said is what counts.
        }

        return Parse(await reading);
    }

    /// <summary>Writes <paramref name="total"/> bytes of <paramref name="pattern"/> repeated, in 64 KiB pieces, without holding them all.</summary>
    public static Func<Stream, Task> Repeat(byte[] pattern, long total) => async stream =>
    {
        var piece = new byte[64 * 1024];
        for (var i = 0; i < piece.Length; i++)
        {
            piece[i] = pattern[i % pattern.Length];
        }

        for (long sent = 0; sent < total; sent += piece.Length)
        {
            await stream.WriteAsync(piece.AsMemory(0, (int)Math.Min(piece.Length, total - sent)));
        }
    };

    public static Func<Stream, Task> Bytes(byte[] bytes) => stream => stream.WriteAsync(bytes).AsTask();

    private static async Task<byte[]> ReadAllAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
                if (received.Length > 1024 * 1024)
                {
                    break; // an answer to a bad request is small; more is not an answer
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Reset or timed out: keep what arrived.
        }

        return received.ToArray();
    }

    private static Answer Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0 || !bytes.AsSpan().StartsWith("HTTP/1.1 "u8))
        {
            return new Answer(0, "", Encoding.UTF8.GetString(bytes));
        }

        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();
        var body = bytes.AsSpan(end + 4);
        var text = string.Equals(Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body)
            : Header("Content-Length") is { } length && int.TryParse(length, CultureInfo.InvariantCulture, out var n) ? Encoding.UTF8.GetString(body[..Math.Min(n, body.Length)])
            : Encoding.UTF8.GetString(body);
        return new Answer(status, Header("Content-Type")?.Split(';')[0].Trim() ?? "", text);
    }

    private static string Dechunk(ReadOnlySpan<byte> body)
    {
        var result = new MemoryStream();
        while (body.Length > 0)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0 || !int.TryParse(Encoding.ASCII.GetString(body[..lineEnd]), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            var chunk = body[(lineEnd + 2)..];
            result.Write(chunk[..Math.Min(size, chunk.Length)]);
            body = chunk.Length >= size + 2 ? chunk[(size + 2)..] : [];
        }

        return Encoding.UTF8.GetString(result.ToArray());
    }

    /// <summary>Frames every write as one HTTP chunk.</summary>
    private sealed class ChunkedWriter(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length == 0)
            {
                return;
            }

            await inner.WriteAsync(Encoding.ASCII.GetBytes($"{buffer.Length:x}\r\n"), cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            await inner.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
