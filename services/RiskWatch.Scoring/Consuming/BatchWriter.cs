using System.Threading.Channels;

namespace RiskWatch.Scoring.Consuming;

/// <summary>
/// The second stage of the consumer: scored batches are split into lanes by partition (<see cref="Split"/>), and each
/// lane has its own asynchronous writer that makes its parts durable in order, one transaction at a time, with one part
/// waiting in a bounded channel. A lane goes on to its next part as soon as its own is durable, without waiting for the
/// other lanes' parts of the same batch: a partition's reports, and so an incident's, stay in one lane and in order, and
/// each lane's transactions carry only its partitions' offsets. The poll thread adds and may block while a lane is full;
/// the writers run on the thread pool. A failed write (after its own retries) fails its lane, which the poll loop then
/// throws.
/// </summary>
public sealed class BatchWriter
{
    private readonly Lane[] lanes;

    /// <summary>Messages per partition of the parts queued or being written.</summary>
    private readonly Dictionary<int, int> holding = [];
    private readonly Lock holdingGate = new();

    public BatchWriter(int lanes, Func<ScoredBatch, Task> write, CancellationToken stoppingToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        this.lanes = [.. Enumerable.Range(0, lanes).Select(_ => new Lane(write, part => Count(part, -1), stoppingToken))];
    }

    /// <summary>True while any lane holds a part: a batch collected now could not be written sooner.</summary>
    public bool Busy => lanes.Any(l => l.Busy);

    /// <summary>
    /// The batch as <paramref name="lanes"/> batches over disjoint partitions (partition modulo lanes), each with its
    /// partitions' offsets and dead letters; lanes with no partition in the batch are left out.
    /// </summary>
    public static IReadOnlyList<ScoredBatch> Split(ScoredBatch batch, int lanes)
    {
        if (lanes <= 1 || batch.Position.NextOffsets.Count <= 1)
        {
            return [batch];
        }

        return batch.Position.NextOffsets
            .GroupBy(p => LaneOf(p.Key, lanes))
            .Select(lane =>
            {
                var partitions = lane.ToDictionary(p => p.Key, p => p.Value);
                return batch with
                {
                    Reports = batch.Reports.Where(r => partitions.ContainsKey(r.Partition)).ToList(),
                    DeadLetters = batch.DeadLetters.Where(d => partitions.ContainsKey(d.Message.Partition.Value)).ToList(),
                    Position = batch.Position with { NextOffsets = partitions },
                };
            })
            .ToList();
    }

    /// <summary>
    /// Queues the batch's parts, each in its lane, all or none: false when a lane it needs still held a part after
    /// <paramref name="wait"/> (try again with the same batch).
    /// </summary>
    public bool TryAdd(ScoredBatch batch, TimeSpan wait, CancellationToken stoppingToken)
    {
        ThrowIfFailed();
        var parts = Split(batch, lanes.Length).Select(part => (Part: part, Lane: lanes[LaneOf(part.Position.NextOffsets.Keys.First(), lanes.Length)])).ToList();
        // Only this thread adds, so a lane that has room keeps it until its part is added below.
        var deadline = DateTime.UtcNow + wait;
        foreach (var (_, lane) in parts)
        {
            if (!lane.WaitForRoom(deadline - DateTime.UtcNow, stoppingToken))
            {
                ThrowIfFailed();
                return false;
            }
        }

        foreach (var (part, lane) in parts)
        {
            Count(part, +1);
            lane.Add(part);
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
    /// failure stays for <see cref="ThrowIfFailed"/>.
    /// </summary>
    public bool TryDrain()
    {
        Stop();
        return lanes.Select(l => l.Drained()).ToList().All(drained => drained);
    }

    /// <summary>Takes no more batches and stops without waiting for the parts it holds (they were not committed and are read again).</summary>
    public void Stop()
    {
        foreach (var lane in lanes)
        {
            lane.Complete();
        }
    }

    private static int LaneOf(int partition, int lanes) => partition % lanes;

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

    /// <summary>One lane: a channel with room for one part, drained by one writer in order.</summary>
    private sealed class Lane
    {
        private readonly Channel<ScoredBatch> queue = Channel.CreateBounded<ScoredBatch>(
            new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        private readonly Func<ScoredBatch, Task> write;
        private readonly Action<ScoredBatch> written;
        private readonly Task draining;
        private int writing;

        public Lane(Func<ScoredBatch, Task> write, Action<ScoredBatch> written, CancellationToken stoppingToken)
        {
            this.write = write;
            this.written = written;
            draining = Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None);
        }

        public bool Busy => Volatile.Read(ref writing) == 1 || queue.Reader.Count > 0;

        public bool WaitForRoom(TimeSpan wait, CancellationToken stoppingToken)
        {
            if (queue.Reader.Count == 0)
            {
                return true;
            }

            var room = queue.Writer.WaitToWriteAsync(stoppingToken).AsTask();
            return wait > TimeSpan.Zero && room.Wait(wait, stoppingToken) && room.Result;
        }

        /// <summary>Adds a part to a lane that has room (<see cref="WaitForRoom"/>), which only the poll thread fills.</summary>
        public void Add(ScoredBatch part)
        {
            if (!queue.Writer.TryWrite(part))
            {
                throw new InvalidOperationException("A write lane had no room for a part after it was waited for.");
            }
        }

        public void ThrowIfFailed()
        {
            if (draining.IsFaulted)
            {
                draining.GetAwaiter().GetResult();
            }
        }

        public void Complete() => queue.Writer.TryComplete();

        public bool Drained()
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
                    written(part);
                    Volatile.Write(ref writing, 0);
                }
            }
        }
    }
}
