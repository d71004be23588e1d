using Confluent.Kafka;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Data.Scoring;
using RiskWatch.Scoring.Consuming;

namespace RiskWatch.Integration.Tests.Pipeline;

/// <summary>How a batch is split into transactions written side by side, and how the lanes go on (pure logic, no I/O).</summary>
public sealed class WriteLanesTests
{
    [Fact]
    public void Each_partition_is_written_by_exactly_one_lane_with_its_reports_dead_letters_and_offsets()
    {
        var reports = Enumerable.Range(0, 60).Select(i => Scored(partition: i % 6, offset: i / 6)).ToList();
        var batch = new ScoredBatch(reports, [Letter(1), Letter(4), Letter(4)], new ConsumerPosition("g", "t", Enumerable.Range(0, 6).ToDictionary(p => p, p => 100L + p)), 0);

        var lanes = BatchWriter.Split(batch, 2);

        Assert.Equal(2, lanes.Count);
        Assert.Equal(batch.Reports.OrderBy(r => r.Partition).ThenBy(r => r.Offset), lanes.SelectMany(l => l.Reports).OrderBy(r => r.Partition).ThenBy(r => r.Offset));
        foreach (var lane in lanes)
        {
            var partitions = lane.Position.NextOffsets.Keys.ToHashSet();
            Assert.All(lane.Reports, r => Assert.Contains(r.Partition, partitions));
            Assert.All(lane.Position.NextOffsets, p => Assert.Equal(100L + p.Key, p.Value));
            // Within a lane a partition's reports keep the order they were consumed in.
            foreach (var partition in lane.Reports.GroupBy(r => r.Partition))
            {
                Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
            }
        }

        Assert.Empty(lanes[0].Position.NextOffsets.Keys.Intersect(lanes[1].Position.NextOffsets.Keys));
        Assert.Equal(6, lanes.Sum(l => l.Position.NextOffsets.Count));
        Assert.Equal(batch.Consumed, lanes.Sum(l => l.Consumed));
        Assert.Equal(3, lanes.Sum(l => l.DeadLetters.Count));
    }

    [Fact]
    public void A_batch_from_one_partition_or_with_one_lane_is_written_whole()
    {
        var single = new ScoredBatch([Scored(3, 0), Scored(3, 1)], [], new ConsumerPosition("g", "t", new Dictionary<int, long> { [3] = 2 }), 0);
        Assert.Same(single, Assert.Single(BatchWriter.Split(single, 4)));

        var many = new ScoredBatch([Scored(0, 0), Scored(1, 0)], [], new ConsumerPosition("g", "t", new Dictionary<int, long> { [0] = 1, [1] = 1 }), 0);
        Assert.Same(many, Assert.Single(BatchWriter.Split(many, 1)));
    }

    [Fact]
    public void A_lane_that_only_holds_dead_letters_still_commits_their_offsets()
    {
        var batch = new ScoredBatch([Scored(0, 5)], [Letter(1), Letter(1)], new ConsumerPosition("g", "t", new Dictionary<int, long> { [0] = 6, [1] = 9 }), 0);

        var lanes = BatchWriter.Split(batch, 2);

        var deadOnly = Assert.Single(lanes, l => l.Reports.Count == 0);
        Assert.Equal(9, deadOnly.Position.NextOffsets[1]);
        Assert.Equal(2, deadOnly.DeadLetters.Count);
    }

    [Fact]
    public async Task A_lane_goes_on_to_its_next_batches_while_another_lane_is_still_writing()
    {
        var partitionZeroHeld = new TaskCompletionSource();
        var laneOneWroteSecond = new TaskCompletionSource();
        var written = new List<(int Partition, long NextOffset)>();
        var writer = new BatchWriter(2, async part =>
        {
            var (partition, next) = Assert.Single(part.Position.NextOffsets);
            if (partition == 0 && next == 1)
            {
                await partitionZeroHeld.Task;
            }

            lock (written)
            {
                written.Add((partition, next));
            }

            if (partition == 1 && next == 2)
            {
                laneOneWroteSecond.SetResult();
            }
        }, CancellationToken.None);

        Assert.True(writer.TryAdd(Batch(0, 1), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.True(writer.TryAdd(Batch(1, 2), TimeSpan.FromSeconds(5), CancellationToken.None));

        // Partition 0's first part is still being written; partition 1's lane has written both of its parts (the lane
        // lets go of a part just after its write returns, hence the wait for its count).
        await laneOneWroteSecond.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(SpinWait.SpinUntil(() => writer.Holding(1) == 0, TimeSpan.FromSeconds(30)));
        Assert.True(writer.Busy);
        Assert.Equal(2, writer.Holding(0));
        // Lane 0 holds a part being written and one waiting: a third batch must wait for room, and none of it is queued.
        Assert.False(writer.TryAdd(Batch(2, 3), TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Equal(0, writer.Holding(1));

        partitionZeroHeld.SetResult();
        Assert.True(writer.TryAdd(Batch(2, 3), TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.True(writer.TryDrain());

        // Each partition's parts in the order consumed; partition 1's second before partition 0's first.
        Assert.Equal([1L, 2L, 3L], written.Where(w => w.Partition == 0).Select(w => w.NextOffset));
        Assert.Equal([1L, 2L, 3L], written.Where(w => w.Partition == 1).Select(w => w.NextOffset));
        Assert.True(written.IndexOf((1, 2)) < written.IndexOf((0, 1)));
        Assert.Equal(0, writer.Holding(0));
    }

    [Fact]
    public void A_lane_that_fails_fails_the_writer_and_its_drain()
    {
        var writer = new BatchWriter(2, part => part.Position.NextOffsets.ContainsKey(1)
            ? Task.FromException(new InvalidOperationException("lane 1 broke"))
            : Task.CompletedTask, CancellationToken.None);

        Assert.True(writer.TryAdd(Batch(0, 1), TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.False(writer.TryDrain());
        Assert.Equal("lane 1 broke", Assert.Throws<InvalidOperationException>(writer.ThrowIfFailed).Message);
    }

    /// <summary>One report on each of partitions 0 and 1 at <paramref name="offset"/>.</summary>
    private static ScoredBatch Batch(long offset, long next) =>
        new([Scored(0, offset), Scored(1, offset)], [], new ConsumerPosition("g", "t", new Dictionary<int, long> { [0] = next, [1] = next }), 0);

    private static ScoredMessage Scored(int partition, long offset) => new(
        new ScoredReport(new ReportV1
        {
            ReportId = Guid.NewGuid(),
            Source = "informant",
            Reporter = "inf-1",
            OccurredAt = DateTimeOffset.UnixEpoch,
            Location = new ReportLocation { City = "深圳市" },
            Subject = new ReportSubject { Kind = "site", Name = "站" },
            Text = "t",
        }, Grade.Blue, [0, 1, 0, 0, 0], "m"), partition, offset);

    private static DeadLetter Letter(int partition) => new(
        new ConsumeResult<string, byte[]> { TopicPartitionOffset = new TopicPartitionOffset("t", partition, 0), Message = new Message<string, byte[]>() },
        new ReadResult.Unreadable(DeadLetterReason.Empty, "empty message"));
}
