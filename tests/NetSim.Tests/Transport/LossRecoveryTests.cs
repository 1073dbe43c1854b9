using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class LossRecoveryTests
{
    [Fact]
    public void The_third_duplicate_ack_starts_fast_recovery_and_later_ones_are_counted_in_it()
    {
        var recovery = new LossRecovery();

        recovery.OnDuplicateAck(1000, 5000).Should().Be(RecoveryAction.None);
        recovery.OnDuplicateAck(1000, 5000).Should().Be(RecoveryAction.None);
        recovery.OnDuplicateAck(1000, 5000).Should().Be(RecoveryAction.FastRetransmit);
        recovery.InRecovery.Should().BeTrue();
        recovery.OnDuplicateAck(1000, 5000).Should().Be(RecoveryAction.DuplicateInRecovery);
        recovery.DuplicateAcks.Should().Be(4);
    }

    [Fact]
    public void A_new_ack_resets_the_count_outside_recovery()
    {
        var recovery = new LossRecovery();
        recovery.OnDuplicateAck(1000, 5000);
        recovery.OnDuplicateAck(1000, 5000);

        recovery.OnNewAck(2000).Should().Be(RecoveryAction.Acknowledged);

        recovery.DuplicateAcks.Should().Be(0);
        recovery.OnDuplicateAck(2000, 5000).Should().Be(RecoveryAction.None, "the count starts again");
    }

    [Fact]
    public void Acks_below_the_recovery_point_are_partial_and_one_at_or_past_it_ends_recovery_rfc_6582()
    {
        var recovery = new LossRecovery();
        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(1000, 5000); // the recovery point is 5000
        }

        recovery.OnNewAck(2000).Should().Be(RecoveryAction.PartialAck);
        recovery.InRecovery.Should().BeTrue();
        recovery.OnNewAck(4999).Should().Be(RecoveryAction.PartialAck);
        recovery.OnNewAck(5000).Should().Be(RecoveryAction.RecoveryEnd);
        recovery.InRecovery.Should().BeFalse();
    }

    [Fact]
    public void No_new_recovery_until_the_ack_passes_the_previous_recovery_point_rfc_6582_3_2_step_2()
    {
        var recovery = new LossRecovery();
        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(1000, 5000);
        }

        recovery.OnNewAck(5000); // recovery ended; more was sent since, up to 9000

        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(4000, 9000).Should().Be(RecoveryAction.None, "an ACK below 5000 may be a duplicate of data sent before the recovery point");
        }

        var later = new LossRecovery();
        for (int i = 0; i < 3; i++)
        {
            later.OnDuplicateAck(1000, 5000);
        }

        later.OnNewAck(5000);
        later.OnDuplicateAck(5000, 9000);
        later.OnDuplicateAck(5000, 9000);
        later.OnDuplicateAck(5000, 9000).Should().Be(RecoveryAction.FastRetransmit);
    }

    [Fact]
    public void A_timeout_ends_recovery_and_blocks_fast_retransmit_of_what_was_sent_before_it_rfc_6582_4()
    {
        var recovery = new LossRecovery();
        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(1000, 5000);
        }

        recovery.OnRetransmissionTimeout(8000);

        recovery.InRecovery.Should().BeFalse();
        recovery.DuplicateAcks.Should().Be(0);
        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(3000, 8000).Should().Be(RecoveryAction.None);
        }

        recovery.OnDuplicateAck(3000, 8000).Should().Be(RecoveryAction.None);
        recovery.OnNewAck(8000).Should().Be(RecoveryAction.Acknowledged);
    }

    [Fact]
    public void The_recovery_point_compares_modulo_two_to_the_32()
    {
        var recovery = new LossRecovery();
        for (int i = 0; i < 3; i++)
        {
            recovery.OnDuplicateAck(uint.MaxValue - 100, 50); // the recovery point, 50, is past the wrap
        }

        recovery.OnNewAck(uint.MaxValue).Should().Be(RecoveryAction.PartialAck);
        recovery.OnNewAck(50).Should().Be(RecoveryAction.RecoveryEnd);
    }
}
