using System.Buffers;
using System.Text.Json;
using RiskWatch.Core.Contract;

namespace RiskWatch.Ingest;

/// <summary>Reads a request body up to a limit, so an oversized body is a clear 4xx and never fills memory.</summary>
public static class RequestBody
{
    public readonly record struct Result(ReadOnlyMemory<byte> Bytes, FieldError? Error);

    public readonly record struct JsonResult<T>(T? Value, FieldError? Error)
        where T : class;

    public static async Task<Result> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        // Copied out as it arrives, into one array sized by Content-Length when there is one: the body is held once, not
        // in the pipe and again in a copy (a 16 MiB batch would otherwise cost 32 MiB while it is read).
        var body = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 1, maxBytes));
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (body.WrittenCount + read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.End);
                return TooLarge(maxBytes);
            }

            foreach (var segment in read.Buffer)
            {
                body.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return new Result(body.WrittenMemory, null);
            }
        }
    }

    /// <summary>The body (at most <paramref name="maxBytes"/>) read as JSON into <typeparamref name="T"/>, or what is wrong with it.</summary>
    public static async Task<JsonResult<T>> ReadJsonAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadAsync(request, maxBytes, cancellationToken);
        if (body.Error is { } tooLarge)
        {
            return new JsonResult<T>(null, tooLarge);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body.Bytes.Span, ReportJson.Options) is { } value
                ? new JsonResult<T>(value, null)
                : new JsonResult<T>(null, new FieldError("$", "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            // The serializer's message names .NET types; the path is what the sender can act on.
            return e.Path is null or "$"
                ? new JsonResult<T>(null, new FieldError("$", "the body is not a valid JSON object"))
                : new JsonResult<T>(null, new FieldError(e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path,
                    "has the wrong type of value, or text that is not valid Unicode"));
        }
    }

    private static Result TooLarge(int maxBytes) =>
        new(default, new FieldError("$", $"the body must be at most {maxBytes / 1024} KiB"));
}
