using NetSim.Links;

namespace NetSim.Tests.Links;

public class FramePoolTests
{
    [Fact]
    public void Rented_frames_are_zeroed_and_have_headroom_to_prepend_into()
    {
        var pool = new FramePool();
        FrameHandle frame = pool.Rent(20);
        pool.GetSpan(frame).Fill(0xee);
        pool.Return(frame);

        FrameHandle again = pool.Rent(20);
        pool.GetSpan(again).ToArray().Should().OnlyContain(b => b == 0, "a reused buffer is cleared");
        pool.GetSpan(again)[0] = 0x42;
        Span<byte> header = pool.Prepend(again, 14);
        header.Length.Should().Be(14);
        pool.GetLength(again).Should().Be(34);
        pool.GetSpan(again)[14].Should().Be(0x42, "the payload stays where it was");
        pool.TrimFront(again, 14);
        pool.GetSpan(again)[0].Should().Be(0x42);
        ((Action)(() => pool.Prepend(again, FramePool.Headroom + 1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Using_or_returning_a_frame_after_it_was_returned_throws()
    {
        var pool = new FramePool();
        FrameHandle frame = pool.Rent(60);
        pool.Return(frame);
        FrameHandle reused = pool.Rent(60); // takes the same buffer

        ((Action)(() => pool.GetSpan(frame))).Should().Throw<InvalidOperationException>().WithMessage("*after it was returned*");
        ((Action)(() => pool.Return(frame))).Should().Throw<InvalidOperationException>();
        ((Action)(() => pool.GetSpan(default))).Should().Throw<InvalidOperationException>();
        pool.IsLive(reused).Should().BeTrue();
        pool.InUse.Should().Be(1);
    }

    [Fact]
    public void Copies_are_independent_and_handles_survive_an_event_argument()
    {
        var pool = new FramePool();
        FrameHandle frame = pool.Rent(3);
        pool.GetSpan(frame)[0] = 1;
        FrameHandle copy = pool.Copy(frame);
        pool.GetSpan(copy)[0] = 2;
        pool.GetSpan(frame)[0].Should().Be(1);
        FrameHandle.FromEventArgument(copy.ToEventArgument()).Should().Be(copy);
    }

    [Fact]
    public void Setting_a_longer_length_pads_with_zeros()
    {
        var pool = new FramePool();
        FrameHandle frame = pool.Rent(100);
        pool.GetSpan(frame).Fill(9);
        pool.SetLength(frame, 10);
        pool.SetLength(frame, 60);
        pool.GetSpan(frame)[10..].ToArray().Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void Spans_stay_valid_while_the_pool_grows()
    {
        var pool = new FramePool();
        FrameHandle first = pool.Rent(10);
        Span<byte> span = pool.GetSpan(first);
        for (int i = 0; i < 500; i++)
        {
            pool.Rent(10);
        }

        span[0] = 7;
        pool.GetSpan(first)[0].Should().Be(7);
    }

    [Fact]
    public void Trimming_gives_back_free_segments_and_keeps_old_handles_dead()
    {
        var pool = new FramePool();
        var frames = new List<FrameHandle>();
        for (int i = 0; i < 5000; i++)
        {
            frames.Add(pool.Rent(100));
        }

        FrameHandle kept = frames[10];
        foreach (FrameHandle frame in frames.Where(f => f != kept))
        {
            pool.Return(frame);
        }

        pool.Capacity.Should().Be(5056, "79 segments of 64 buffers");
        pool.TrimExcess().Should().Be(5056 - FramePool.RetainedBuffers);
        pool.Capacity.Should().Be(FramePool.RetainedBuffers);
        pool.IsLive(kept).Should().BeTrue();
        pool.GetSpan(kept).Length.Should().Be(100);
        for (int i = 0; i < 5000; i++)
        {
            FrameHandle again = pool.Rent(10);
            again.Should().NotBe(frames[^1], "a buffer made anew gets a generation past the one given back");
        }

        pool.IsLive(frames[^1]).Should().BeFalse();
        pool.InUse.Should().Be(5001);
    }
}
