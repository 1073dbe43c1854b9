using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>RFC 6675's scoreboard on its own: SACKed ranges, IsLost, SetPipe and NextSeg, with SMSS 1000 and SND.UNA 0.</summary>
public class SackScoreboardTests
{
    private const int Mss = 1000;

    private static TcpSackBlocks Blocks(params (uint Left, uint Right)[] blocks) =>
        TcpSackBlocks.Create(blocks.Select(b => new TcpSackBlock(b.Left, b.Right)).ToArray());

    [Fact]
    public void Blocks_merge_into_sorted_ranges_and_the_change_in_sacked_bytes_is_returned()
    {
        var board = new SackScoreboard();
        board.Update(0, 10_000, Blocks((3000, 4000)), 64).Should().Be(1000);
        board.Update(0, 10_000, Blocks((1000, 2000), (3000, 4000)), 64).Should().Be(1000, "a block already held adds nothing");
        board.Update(0, 10_000, Blocks((2000, 3000)), 64).Should().Be(1000);
        board.RangeCount.Should().Be(1, "touching ranges merge");
        board.SackedBytes.Should().Be(3000);
        board.Update(2500, 10_000, default, 64).Should().Be(-1500, "the cumulative ACK covers SACKed data: RFC 6937's change in SACKed bytes is negative");
        board.HighestSacked(2500).Should().Be(4000);
    }

    [Fact]
    public void A_byte_is_lost_with_three_ranges_or_more_than_two_segments_sacked_above_it()
    {
        var board = new SackScoreboard();
        board.Update(0, 10_000, Blocks((1000, 3000)), 64);
        board.IsFirstLost(0, Mss).Should().BeFalse("2000 bytes above is not more than (DupThresh - 1) * SMSS");
        board.Update(0, 10_000, Blocks((1000, 3001)), 64);
        board.IsFirstLost(0, Mss).Should().BeTrue("2001 bytes above");

        var scattered = new SackScoreboard();
        scattered.Update(0, 10_000, Blocks((1000, 1100), (2000, 2100), (3000, 3100)), 64);
        scattered.SackedBytes.Should().Be(300);
        scattered.IsFirstLost(0, Mss).Should().BeTrue("three discontiguous SACKed ranges above it (DupThresh)");
        scattered.LostBelow(0, Mss).Should().Be(1000u);
    }

    [Fact]
    public void Pipe_counts_unsacked_bytes_not_lost_once_and_retransmitted_ones_once_more()
    {
        var board = new SackScoreboard();
        board.StartRecovery(0);

        // Sent 0..10000; SACKed 1000..3000 and 4000..6000: 0..1000 is lost (4000 bytes SACKed above it);
        // 3000..4000 is not (2000 bytes and one range above it).
        board.Update(0, 10_000, Blocks((4000, 6000), (1000, 3000)), 64);
        board.LostBelow(0, Mss).Should().Be(1000u);
        board.Pipe(0, 10_000, Mss).Should().Be(1000 + 4000, "3000..4000 and 6000..10000 are in the network; 0..1000 is lost");
        board.OnRetransmitted(0, 1000);
        board.Pipe(0, 10_000, Mss).Should().Be(6000, "the retransmission of the lost segment is in the network");
    }

    [Fact]
    public void NextSeg_takes_lost_holes_first_then_holes_below_sacked_data_then_one_rescue()
    {
        var board = new SackScoreboard();
        board.StartRecovery(0);
        board.Update(0, 10_000, Blocks((7000, 8000), (4000, 6000), (1000, 3000)), 64); // LostBelow 4000
        board.NextHole(0, Mss, lostOnly: true, out uint seq, out int length).Should().BeTrue();
        (seq, length).Should().Be((0u, 1000));
        board.OnRetransmitted(seq, length);
        board.NextHole(0, Mss, lostOnly: true, out seq, out length).Should().BeTrue();
        (seq, length).Should().Be((3000u, 1000), "rule 1: the next lost hole, above HighRxt");
        board.OnRetransmitted(seq, length);
        board.NextHole(0, Mss, lostOnly: true, out _, out _).Should().BeFalse("6000..7000 has only 1000 bytes SACKed above it");
        board.NextHole(0, Mss, lostOnly: false, out seq, out length).Should().BeTrue();
        (seq, length).Should().Be((6000u, 1000), "rule 3: a hole with SACKed data above it");
        board.OnRetransmitted(seq, length);
        board.NextHole(0, Mss, lostOnly: false, out _, out _).Should().BeFalse();

        board.RescueSegment(0, 10_000, Mss, out seq, out length).Should().BeTrue();
        (seq, length).Should().Be((9000u, 1000), "rule 4: the highest unSACKed segment");
        board.OnRescued(recoveryPoint: 10_000);
        board.RescueSegment(0, 10_000, Mss, out _, out _).Should().BeFalse("one rescue per recovery");
    }

    [Fact]
    public void The_ranges_kept_are_bounded()
    {
        var board = new SackScoreboard();
        for (uint i = 0; i < 20; i++)
        {
            board.Update(0, 100_000, Blocks(((i * 2000) + 1000, (i * 2000) + 2000)), maxRanges: 8);
        }

        board.RangeCount.Should().Be(8);
        board.SackedBytes.Should().Be(8000);
    }
}
