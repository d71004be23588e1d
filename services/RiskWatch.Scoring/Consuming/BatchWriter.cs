using System.Threading.Channels;

namespace RiskWatch.Scoring.Consuming;

/// <summary>
/// The second stage of the consumer: each scored batch is split into write lanes over disjoint partitions (partition
/// modulo <see cref="ScoringOptions.WriteLanes"/>), and each lane has its own bounded channel (one part at a time) and
/// its own asynchronous writer that makes its parts durable in order. The lanes do not wait for each other: a lane that
/// finished its part of a batch takes its part of the next one while the other is still writing (when a batch's lanes
/// were written together, each waited for the slower one, and both for the next batch). A partition is always in the
/// same lane, so its messages, and the incidents keyed to it, are still written in the order consumed. The poll thread
/// adds and may block while a lane's channel is full; the writers run on the thread pool. A failed write (after its own
/// retries) fails its lane, which the poll loop then throws.
/// </summary>
public sealed class BatchWriter
{
    private readonly Lane[] lanes;

    /// <summary>Parts of the batch being added that no lane has taken yet (poll thread only): a retry adds only these.</summary>
    private readonly List<(Lane Lane, ScoredBatch Part)> pending = [];

    /// <summary>Messages per partition of the parts queued or being written.</summary>
    private readonly Dictionary<int, int> holding = [];
    private readonly Lock holdingGate = new();

    /// <param name="laneCount">Write lanes: transactions written side by side, each on its own connection.</param>
    /// <param name="write">Makes one lane's part of a batch durable (retrying as it sees fit).</param>
    public BatchWriter(int laneCount, Func<ScoredBatch, Task> write, CancellationToken stoppingToken)
    {
        lanes = [.. Enumerable.Range(0, Math.Max(1, laneCount)).Select(_ => new Lane(this, write, stoppingToken))];
    }

    /// <summary>True while any lane has a part queued or being written: a batch collected now could not all be written sooner.</summary>
    public bool Busy => lanes.Any(lane => lane.Busy);

    /// <summary>
    /// Queues a batch, each lane's part in its lane; false when a lane still held a part after <paramref name="wait"/>
    /// (try again with the same batch: the parts already queued are not queued twice).
    /// </summary>
    public bool TryAdd(ScoredBatch batch, TimeSpan wait, CancellationToken stoppingToken)
    {
        ThrowIfFailed();
        if (pending.Count == 0)
        {
            pending.AddRange(ReportBatchHandler.Split(batch, lanes.Length).Select(part => (LaneOf(part), part)));
        }

        var waitUntil = DateTime.UtcNow + wait;
        while (pending.Count > 0)
        {
            var (lane, part) = pending[0];
            if (!lane.TryAdd(part, waitUntil - DateTime.UtcNow, stoppingToken))
            {
                ThrowIfFailed();
                return false;
            }

            pending.RemoveAt(0);
        }

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

    /// <summary>Surfaces a lane's failure on the poll thread.</summary>
    public void ThrowIfFailed()
    {
        foreach (var lane in lanes)
        {
            lane.ThrowIfFailed();
        }
    }

    /// <summary>
    /// Takes no more batches and waits until every part it holds is durable. False when a lane failed (or stopped): the
    /// failure stays for <see cref="ThrowIfFailed"/>. Parts of a batch not yet taken by their lane are dropped, as the
    /// batch being collected is: not committed, they are read again.
    /// </summary>
    public bool TryDrain()
    {
        pending.Clear();
        foreach (var lane in lanes)
        {
            lane.Complete();
        }

        return lanes.All(lane => lane.WaitDrained());
    }

    /// <summary>Takes no more batches and stops without waiting for the parts it holds (they were not committed and are read again).</summary>
    public void Stop()
    {
        foreach (var lane in lanes)
        {
            lane.Complete();
        }
    }

    /// <summary>A partition's lane; every part of a split batch is over the partitions of one lane.</summary>
    private Lane LaneOf(ScoredBatch part) =>
        lanes[part.Position.NextOffsets.Keys.DefaultIfEmpty(0).First() % lanes.Length];

    private void Count(ScoredBatch part, int sign)
    {
        lock (holdingGate)
        {
            foreach (var partition in part.Reports.Select(r => r.Partition).Concat(part.DeadLetters.Select(d => d.Message.Partition.Value)))
            {
                holding[partition] = holding.GetValueOrDefault(partition) + sign;
            }
        }
    }

    /// <summary>One write lane: a channel of one part and the writer that drains it in order.</summary>
    private sealed class Lane
    {
        private readonly Channel<ScoredBatch> queue = Channel.CreateBounded<ScoredBatch>(
            new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        private readonly BatchWriter owner;
        private readonly Func<ScoredBatch, Task> write;
        private readonly Task draining;
        private int writing;

        public Lane(BatchWriter owner, Func<ScoredBatch, Task> write, CancellationToken stoppingToken)
        {
            this.owner = owner;
            this.write = write;
            draining = Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None);
        }

        public bool Busy => Volatile.Read(ref writing) == 1 || queue.Reader.Count > 0;

        public bool TryAdd(ScoredBatch part, TimeSpan wait, CancellationToken stoppingToken)
        {
            if (!queue.Writer.TryWrite(part))
            {
                var room = queue.Writer.WaitToWriteAsync(stoppingToken).AsTask();
                if (wait <= TimeSpan.Zero || !room.Wait(wait, stoppingToken) || !queue.Writer.TryWrite(part))
                {
                    return false;
                }
            }

            owner.Count(part, +1);
            return true;
        }

        public void ThrowIfFailed()
        {
            if (draining.IsFaulted)
            {
                draining.GetAwaiter().GetResult();
            }
        }

        public void Complete() => queue.Writer.TryComplete();

        public bool WaitDrained()
        {
            ((IAsyncResult)draining).AsyncWaitHandle.WaitOne();
            return draining.IsCompletedSuccessfully;
        }

        private async Task DrainAsync(CancellationToken stoppingToken)
        {
            await foreach (var part in queue.Reader.ReadAllAsync(stoppingToken))
            {
                Volatile.Write(ref writing, 1);
                try
                {
                    await write(part);
                }
                finally
                {
                    owner.Count(part, -1);
                    Volatile.Write(ref writing, 0);
                }
            }
        }
    }
}
