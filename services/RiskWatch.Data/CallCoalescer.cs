using System.Collections.Concurrent;

namespace RiskWatch.Data;

/// <summary>
/// Turns many concurrent calls into few round trips (group commit): the first caller runs a batch of one; calls that
/// arrive while a batch is in flight queue up and the next batch takes them all at once. Under light load a call runs
/// at once, as if alone; under heavy load thousands of calls a second share a few hundred statements. No thread of its
/// own: whoever finds nothing running drains the queue.
/// </summary>
/// <param name="run">Runs one batch; returns one result per item, in the items' order.</param>
/// <param name="maxBatch">Most calls in one batch, which bounds one statement's size.</param>
/// <param name="runsAlone">
/// Calls that run a batch of their own at once, beside any batch in flight (none when null): a call already large
/// enough to be worth its round trip. Batches run one at a time, so large calls sharing them would do their work one
/// after another, on one database connection.
/// </param>
public sealed class CallCoalescer<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch = 512, Func<TItem, bool>? runsAlone = null)
{
    private readonly ConcurrentQueue<(TItem Item, TaskCompletionSource<TResult> Done)> queue = new();
    private int draining;

    /// <summary>
    /// Runs <paramref name="item"/> in the next batch. Cancelling stops this caller's wait, never the batch, which
    /// serves other callers too; a failed batch fails every call in it.
    /// </summary>
    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        if (runsAlone?.Invoke(item) == true)
        {
            return RunAloneAsync(item).WaitAsync(cancellationToken);
        }

        // Completions go to the thread pool, so one caller's continuation never delays the batch after it.
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Enqueue((item, done));
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0)
        {
            _ = DrainAsync();
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task<TResult> RunAloneAsync(TItem item) => (await run([item]))[0];

    private async Task DrainAsync()
    {
        do
        {
            while (!queue.IsEmpty)
            {
                var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
                while (batch.Count < maxBatch && queue.TryDequeue(out var call))
                {
                    batch.Add(call);
                }

                await RunBatchAsync(batch);
            }

            Volatile.Write(ref draining, 0);
            // A call queued between the last TryDequeue and the release found the flag still set: take it up here.
        }
        while (!queue.IsEmpty && Interlocked.CompareExchange(ref draining, 1, 0) == 0);
    }

    private async Task RunBatchAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        try
        {
            var results = await run(batch.Select(c => c.Item).ToList());
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var call in batch)
            {
                call.Done.TrySetException(e);
            }
        }
    }
}
