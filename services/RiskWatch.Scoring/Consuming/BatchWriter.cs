using System.Threading.Channels;

namespace RiskWatch.Scoring.Consuming;

/// <summary>
/// The second stage of the consumer: scored batches wait in a bounded channel (one at a time) for one asynchronous
/// writer that makes them durable in order. The poll thread adds and may block while the channel is full; the writer
/// runs on the thread pool. A failed write (after its own retries) fails the writer, which the poll loop then throws.
/// </summary>
public sealed class BatchWriter
{
    private readonly Channel<ScoredBatch> queue = Channel.CreateBounded<ScoredBatch>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Func<ScoredBatch, Task> write;
    private readonly Task draining;

    /// <summary>Messages per partition of the batches queued or being written.</summary>
    private readonly Dictionary<int, int> holding = [];
    private readonly Lock holdingGate = new();
    private int writing;

    public BatchWriter(Func<ScoredBatch, Task> write, CancellationToken stoppingToken)
    {
        this.write = write;
        draining = Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None);
    }

    /// <summary>True while a batch is queued or being written: a batch collected now could not be written sooner.</summary>
    public bool Busy => Volatile.Read(ref writing) == 1 || queue.Reader.Count > 0;

    /// <summary>Queues a batch; false when the writer still held one after <paramref name="wait"/> (try again).</summary>
    public bool TryAdd(ScoredBatch batch, TimeSpan wait, CancellationToken stoppingToken)
    {
        ThrowIfFailed();
        if (!queue.Writer.TryWrite(batch))
        {
            var room = queue.Writer.WaitToWriteAsync(stoppingToken).AsTask();
            if (!room.Wait(wait, stoppingToken) || !queue.Writer.TryWrite(batch))
            {
                ThrowIfFailed();
                return false;
            }
        }

        Count(batch, +1);
        return true;
    }

    /// <summary>Messages of <paramref name="partition"/> consumed but not yet durable, as far as this writer holds them.</summary>
    public int Holding(int partition)
    {
        lock (holdingGate)
        {
            return holding.GetValueOrDefault(partition);
        }
    }

    /// <summary>Surfaces the writer's failure on the poll thread.</summary>
    public void ThrowIfFailed()
    {
        if (draining.IsFaulted)
        {
            draining.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Takes no more batches and waits until every batch it holds is durable. False when the writer failed (or stopped):
    /// the failure stays for <see cref="ThrowIfFailed"/>.
    /// </summary>
    public bool TryDrain()
    {
        queue.Writer.TryComplete();
        ((IAsyncResult)draining).AsyncWaitHandle.WaitOne();
        return draining.IsCompletedSuccessfully;
    }

    /// <summary>Takes no more batches and stops without waiting for the ones it holds (they were not committed and are read again).</summary>
    public void Stop() => queue.Writer.TryComplete();

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in queue.Reader.ReadAllAsync(stoppingToken))
        {
            Volatile.Write(ref writing, 1);
            try
            {
                await write(batch);
            }
            finally
            {
                Count(batch, -1);
                Volatile.Write(ref writing, 0);
            }
        }
    }

    private void Count(ScoredBatch batch, int sign)
    {
        lock (holdingGate)
        {
            foreach (var partition in batch.Reports.Select(r => r.Partition).Concat(batch.DeadLetters.Select(d => d.Message.Partition.Value)))
            {
                holding[partition] = holding.GetValueOrDefault(partition) + sign;
            }
        }
    }
}
