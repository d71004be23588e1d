using RiskWatch.Host.Kafka;
using RiskWatch.Messaging;
namespace RiskWatch.Host.Tests;

public sealed class PartitionBacklogTests
{
    [Fact]
    public void A_partition_takes_messages_until_its_limit_and_only_that_partition_refuses()
    {
        var backlog = new PartitionBacklog(1000);

        // Senders each holding little may fill the partition to its limit.
        for (var sender = 0; sender < 16; sender++)
        {
            Assert.True(backlog.TryReserve(0, $"ip:{sender}", 62));
        }

        Assert.True(backlog.TryReserve(0, "ip:last", 8));
        Assert.False(backlog.TryReserve(0, "ip:another", 1));
        Assert.True(backlog.TryReserve(1, "key:a", 750));
        Assert.Equal(1000, backlog.BytesIn(0));
    }

    /// <summary>Issue 14, finding 8: four batches of one key filled a partition and an informant's report to it got 503.</summary>
    [Fact]
    public void Finding_08_one_sender_or_a_few_fill_at_most_three_quarters_and_the_rest_stays_for_senders_holding_little()
    {
        var backlog = new PartitionBacklog(1600);

        // One key sending all it can: three quarters of the partition, then no more.
        var taken = 0;
        while (backlog.TryReserve(0, "key:platform", 10))
        {
            taken += 10;
        }

        Assert.Equal(1200, taken);
        Assert.False(backlog.TryReserve(0, "key:other-platform", 101));
        // An informant (a sender holding little) still gets in, up to the limit.
        Assert.True(backlog.TryReserve(0, "ip:10.0.0.7", 100));
        Assert.True(backlog.TryReserve(0, "key:informant", 100));
        Assert.Equal(1400, backlog.BytesIn(0));
        Assert.Equal(1200, backlog.BytesOf(0, "key:platform"));

        // When the consumer commits past the platform's reports, its share goes back.
        for (var offset = 0; offset < 120; offset++)
        {
            backlog.Written(0, 0, "key:platform", offset, 10);
        }

        backlog.Consumed(new Dictionary<int, long> { [0] = 120 });
        Assert.Equal(0, backlog.BytesOf(0, "key:platform"));
        Assert.True(backlog.TryReserve(0, "key:platform", 10));
    }

    [Fact]
    public void Written_messages_count_until_the_consumer_commits_past_their_offsets()
    {
        var backlog = new PartitionBacklog(1000);
        for (var offset = 0; offset < 16; offset++)
        {
            Assert.True(backlog.TryReserve(2, $"ip:{offset}", 60));
            backlog.Written(2, 2, $"ip:{offset}", offset, 60);
        }

        Assert.False(backlog.TryReserve(2, "ip:99", 50));
        backlog.Consumed(new Dictionary<int, long> { [2] = 8 });
        Assert.Equal(480, backlog.BytesIn(2));
        Assert.Equal(0, backlog.BytesOf(2, "ip:0"));
        Assert.True(backlog.TryReserve(2, "ip:99", 270));
    }

    [Fact]
    public void A_message_the_broker_did_not_take_frees_its_room_and_one_written_elsewhere_moves_there()
    {
        var backlog = new PartitionBacklog(1000);
        Assert.True(backlog.TryReserve(0, "key:a", 700));
        backlog.Release(0, "key:a", 700);
        Assert.Equal(0, backlog.BytesIn(0));
        Assert.Equal(0, backlog.BytesOf(0, "key:a"));

        Assert.True(backlog.TryReserve(0, "key:a", 700));
        backlog.Written(0, 3, "key:a", 10, 700);
        Assert.Equal(0, backlog.BytesIn(0));
        Assert.Equal(700, backlog.BytesIn(3));
        Assert.Equal(700, backlog.BytesOf(3, "key:a"));
    }

    [Fact]
    public void Deliveries_reported_out_of_order_or_after_the_commit_leave_nothing_behind()
    {
        var backlog = new PartitionBacklog(1000);
        foreach (var offset in new[] { 5L, 3L, 4L })
        {
            Assert.True(backlog.TryReserve(0, "key:a", 100));
            backlog.Written(0, 0, "key:a", offset, 100);
        }

        backlog.Consumed(new Dictionary<int, long> { [0] = 5 });
        Assert.Equal(100, backlog.BytesIn(0));

        // Scoring committed past offset 7 before its delivery report reached intake.
        backlog.Consumed(new Dictionary<int, long> { [0] = 8 });
        Assert.True(backlog.TryReserve(0, "key:a", 100));
        backlog.Written(0, 0, "key:a", 7, 100);
        Assert.Equal(0, backlog.BytesIn(0));
    }

    [Fact]
    public void Without_a_limit_nothing_is_refused_or_counted()
    {
        var backlog = new PartitionBacklog(0);
        Assert.False(backlog.Enabled);
        Assert.True(backlog.TryReserve(0, "key:a", long.MaxValue / 2));
        Assert.True(backlog.TryReserve(0, "key:a", long.MaxValue / 2));
        Assert.Equal(0, backlog.BytesIn(0));
    }
}
