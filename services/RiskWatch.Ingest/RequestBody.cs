using System.Buffers;
using System.IO.Pipelines;
using RiskWatch.Core.Contract;

namespace RiskWatch.Ingest;

/// <summary>Reads a request body up to a limit, so an oversized body is a clear 400 and never fills memory.</summary>
public static class RequestBody
{
    public readonly record struct Result(ReadOnlyMemory<byte> Bytes, FieldError? Error);

    public static async Task<Result> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start);
                return TooLarge(maxBytes);
            }

            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return new Result(bytes, null);
            }

            // Nothing consumed yet: ask for more until the whole body is buffered.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static Result TooLarge(int maxBytes) =>
        new(default, new FieldError("$", $"the body must be at most {maxBytes / 1024} KiB"));
}
