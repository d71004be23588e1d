namespace RiskWatch.Data.Tests;

public sealed class CallCoalescerTests
{
    [Fact]
    public async Task A_call_alone_runs_at_once_and_calls_arriving_meanwhile_share_the_next_batch()
    {
        var batches = new List<IReadOnlyList<int>>();
        var first = new TaskCompletionSource();
        var coalescer = new CallCoalescer<int, string>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            if (batches.Count == 1)
            {
                await first.Task; // the first batch is in flight while the others arrive
            }

            return items.Select(i => $"r{i}").ToList();
        });

        var alone = coalescer.RunAsync(0, CancellationToken.None);
        var waiting = Enumerable.Range(1, 50).Select(i => coalescer.RunAsync(i, CancellationToken.None)).ToList();
        first.SetResult();

        Assert.Equal("r0", await alone);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"r{i}"), await Task.WhenAll(waiting));
        Assert.Equal(2, batches.Count);
        Assert.Equal([0], batches[0]);
        Assert.Equal(Enumerable.Range(1, 50), batches[1]);
    }

    [Fact]
    public async Task A_call_that_runs_alone_does_not_wait_for_the_batch_in_flight_nor_join_the_next()
    {
        var batches = new List<IReadOnlyList<int>>();
        var first = new TaskCompletionSource();
        var coalescer = new CallCoalescer<int, int>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            if (Enumerable.Contains(items, 0))
            {
                await first.Task; // a small call's batch is still in flight while the large ones come
            }

            return items;
        }, runsAlone: item => item >= 1000);

        var small = coalescer.RunAsync(0, CancellationToken.None);
        var large = new[] { coalescer.RunAsync(1000, CancellationToken.None), coalescer.RunAsync(2000, CancellationToken.None) };

        // Without runsAlone they would wait behind the small call's batch, which never ends until released below.
        Assert.Equal(new[] { 1000, 2000 }, await Task.WhenAll(large).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(small.IsCompleted);
        first.SetResult();
        Assert.Equal(0, await small);
        Assert.Equal(new[] { "0", "1000", "2000" }, batches.Select(b => string.Join(',', b)));
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_calls_and_the_next_call_runs_again()
    {
        var fail = true;
        var coalescer = new CallCoalescer<int, int>(items =>
            fail ? throw new InvalidOperationException("database away") : Task.FromResult<IReadOnlyList<int>>(items.Select(i => i * 2).ToList()));

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.RunAsync(1, CancellationToken.None));
        fail = false;

        Assert.Equal("database away", failed.Message);
        Assert.Equal(6, await coalescer.RunAsync(3, CancellationToken.None));
    }

    [Fact]
    public async Task No_batch_is_larger_than_its_bound()
    {
        var sizes = new List<int>();
        var gate = new TaskCompletionSource();
        var coalescer = new CallCoalescer<int, int>(async items =>
        {
            lock (sizes)
            {
                sizes.Add(items.Count);
            }

            await gate.Task;
            return items;
        }, maxBatch: 10);

        var first = coalescer.RunAsync(-1, CancellationToken.None);
        var rest = Enumerable.Range(0, 25).Select(i => coalescer.RunAsync(i, CancellationToken.None)).ToList();
        gate.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal([1, 10, 10, 5], sizes);
    }
}
