using RiskWatch.Host.Kafka;
using RiskWatch.Messaging;
namespace RiskWatch.Host.Tests;

public sealed class PartitionBacklogTests
{
    [Fact]
    public void A_partition_takes_messages_until_its_limit_and_only_that_partition_refuses()
    {
        var backlog = new PartitionBacklog(1000);

        Assert.True(backlog.TryReserve(0, 600));
        Assert.True(backlog.TryReserve(0, 400));
        Assert.False(backlog.TryReserve(0, 1));
        Assert.True(backlog.TryReserve(1, 1000));
        Assert.Equal(1000, backlog.BytesIn(0));
    }

    [Fact]
    public void Written_messages_count_until_the_consumer_commits_past_their_offsets()
    {
        var backlog = new PartitionBacklog(1000);
        for (var offset = 0; offset < 4; offset++)
        {
            Assert.True(backlog.TryReserve(2, 250));
            backlog.Written(2, 2, offset, 250);
        }

        Assert.False(backlog.TryReserve(2, 250));
        backlog.Consumed(new Dictionary<int, long> { [2] = 2 });
        Assert.Equal(500, backlog.BytesIn(2));
        Assert.True(backlog.TryReserve(2, 500));
    }

    [Fact]
    public void A_message_the_broker_did_not_take_frees_its_room_and_one_written_elsewhere_moves_there()
    {
        var backlog = new PartitionBacklog(1000);
        Assert.True(backlog.TryReserve(0, 800));
        backlog.Release(0, 800);
        Assert.Equal(0, backlog.BytesIn(0));

        Assert.True(backlog.TryReserve(0, 800));
        backlog.Written(0, 3, 10, 800);
        Assert.Equal(0, backlog.BytesIn(0));
        Assert.Equal(800, backlog.BytesIn(3));
    }

    [Fact]
    public void Deliveries_reported_out_of_order_or_after_the_commit_leave_nothing_behind()
    {
        var backlog = new PartitionBacklog(1000);
        foreach (var offset in new[] { 5L, 3L, 4L })
        {
            Assert.True(backlog.TryReserve(0, 100));
            backlog.Written(0, 0, offset, 100);
        }

        backlog.Consumed(new Dictionary<int, long> { [0] = 5 });
        Assert.Equal(100, backlog.BytesIn(0));

        // Scoring committed past offset 7 before its delivery report reached intake.
        backlog.Consumed(new Dictionary<int, long> { [0] = 8 });
        Assert.True(backlog.TryReserve(0, 100));
        backlog.Written(0, 0, 7, 100);
        Assert.Equal(0, backlog.BytesIn(0));
    }

    [Fact]
    public void Without_a_limit_nothing_is_refused_or_counted()
    {
        var backlog = new PartitionBacklog(0);
        Assert.False(backlog.Enabled);
        Assert.True(backlog.TryReserve(0, long.MaxValue / 2));
        Assert.True(backlog.TryReserve(0, long.MaxValue / 2));
        Assert.Equal(0, backlog.BytesIn(0));
    }
}
