using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Links;

public class QueueDisciplineTests
{
    private static (TestNetwork Net, Nic[] Pcs) Pair()
    {
        var net = new TestNetwork();
        return (net, net.Computers(2));
    }

    // Sends frames whose first payload byte is the given tag, all at once.
    private static void SendTagged(TestNetwork net, Nic from, Nic to, params byte[] tags)
    {
        foreach (byte tag in tags)
        {
            var frame = from.CreateFrame(to.Mac, FrameSource.TestEtherType, 46);
            net.Network.Frames.GetSpan(frame)[14] = tag;
            from.Send(frame);
        }
    }

    private static List<byte> RecordTags(TestNetwork net, Nic at)
    {
        var seen = new List<byte>();
        at.Received += (nic, frame) =>
        {
            seen.Add(frame[14]);
        };
        return seen;
    }

    [Fact]
    public void Drop_tail_by_frames_drops_the_newest_as_queue_full()
    {
        var (net, pcs) = Pair();
        pcs[0].Port.QueueDiscipline = new DropTailDiscipline { FrameLimit = 2 };
        net.Connect(pcs[0].Port, pcs[1].Port);
        List<byte> seen = RecordTags(net, pcs[1]);

        SendTagged(net, pcs[0], pcs[1], 1, 2, 3, 4, 5);
        net.Simulation.Run();

        seen.Should().Equal([1, 2, 3], "one frame goes onto the wire and two wait");
        pcs[0].Port.Counters.Dropped(DropReason.QueueFull).Should().Be(2);
        pcs[0].Port.Counters.FramesDropped.Should().Be(2);
        pcs[0].Port.Counters.QueuePeak.Should().Be(2);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void Drop_tail_by_bytes_drops_a_frame_that_would_pass_the_limit()
    {
        var (net, pcs) = Pair();
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        cable.FromA.QueueLimitBytes = 150; // two 60-byte frames fit, a third does not
        var queue = (DropTailDiscipline)pcs[0].Port.QueueDiscipline;
        queue.ByteLimit.Should().Be(150, "the cable direction's limit configures the port's drop-tail queue");
        List<byte> seen = RecordTags(net, pcs[1]);

        SendTagged(net, pcs[0], pcs[1], 1, 2, 3, 4, 5);
        queue.Count.Should().Be(2);
        queue.Bytes.Should().Be(120);
        net.Simulation.Run();

        seen.Should().Equal([1, 2, 3]);
        pcs[0].Port.Counters.Dropped(DropReason.QueueFull).Should().Be(2);
        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_strict_priority_queue_sends_urgent_frames_first()
    {
        var (net, pcs) = Pair();
        pcs[0].Port.QueueDiscipline = new StrictPriorityQueue();
        net.Connect(pcs[0].Port, pcs[1].Port);
        List<byte> seen = RecordTags(net, pcs[1]);

        // Tags 1-3 are ordinary, 9 urgent: the first frame finds the wire free.
        SendTagged(net, pcs[0], pcs[1], 1, 2, 3, 9, 9);
        net.Simulation.Run();

        seen.Should().Equal([1, 9, 9, 2, 3]);
        pcs[0].Port.Counters.QueuePeak.Should().Be(4);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_discipline_that_drops_every_other_frame_is_counted_under_its_reasons()
    {
        var (net, pcs) = Pair();
        var queue = new EveryOtherQueue();
        pcs[0].Port.QueueDiscipline = queue;
        net.Connect(pcs[0].Port, pcs[1].Port);
        List<byte> seen = RecordTags(net, pcs[1]);

        SendTagged(net, pcs[0], pcs[1], 1, 2, 3, 4, 5, 6, 7, 8);
        net.Simulation.Run();

        // Offered 1..8: 2, 4, 6, 8 refused at once; of the accepted 1, 3, 5, 7 the queue drops
        // every other one it holds when asked for the next (3, then 7).
        seen.Should().Equal([1, 5]);
        pcs[0].Port.Counters.Dropped(DropReason.QueueManagement).Should().Be(4);
        pcs[0].Port.Counters.Dropped(DropReason.QueueFull).Should().Be(2);
        pcs[0].Port.Counters.FramesSent.Should().Be(2);
        net.Network.Frames.InUse.Should().Be(0, "every refused or dropped frame went back to the pool");
    }

    [Fact]
    public void The_discipline_cannot_change_while_frames_wait()
    {
        var (net, pcs) = Pair();
        net.Connect(pcs[0].Port, pcs[1].Port);
        SendTagged(net, pcs[0], pcs[1], 1, 2, 3);

        Action replace = () => pcs[0].Port.QueueDiscipline = new StrictPriorityQueue();
        replace.Should().Throw<InvalidOperationException>().WithMessage("*frames waiting*");

        net.Simulation.Run();
        replace.Should().NotThrow("the queue is empty once the frames are sent");
        pcs[0].Port.QueueDiscipline.Should().BeOfType<StrictPriorityQueue>();
    }

    [Fact]
    public void Queue_limits_of_a_direction_refuse_a_port_with_another_discipline()
    {
        var (net, pcs) = Pair();
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        pcs[0].Port.QueueDiscipline = new StrictPriorityQueue();

        ((Action)(() => cable.FromA.QueueLimitFrames = 5)).Should().Throw<InvalidOperationException>().WithMessage("*StrictPriorityQueue*");
        ((Action)(() => pcs[0].Port.QueueDiscipline = null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Going_down_drops_what_a_discipline_holds_as_link_down()
    {
        var (net, pcs) = Pair();
        pcs[0].Port.QueueDiscipline = new StrictPriorityQueue();
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        SendTagged(net, pcs[0], pcs[1], 1, 2, 9);

        cable.IsUp = false;
        net.Simulation.Run();

        pcs[1].FramesDelivered.Should().Be(0);
        pcs[0].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(2, "the two that waited");
        pcs[1].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(1, "the one on the wire is lost when it would have arrived");
        pcs[0].Port.QueueDiscipline.Count.Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_discipline_that_loses_a_frame_is_caught()
    {
        var (net, pcs) = Pair();
        pcs[0].Port.QueueDiscipline = new ForgetfulQueue();
        net.Connect(pcs[0].Port, pcs[1].Port);

        // The wire is free, so the port asks for the frame at once: the queue has none to give.
        ((Action)(() => SendTagged(net, pcs[0], pcs[1], 1))).Should().Throw<InvalidOperationException>().WithMessage("*ForgetfulQueue*still holds 1*");
    }

    // Two FIFOs: frames tagged 9 leave before the others.
    private sealed class StrictPriorityQueue : IQueueDiscipline
    {
        private readonly Queue<(FrameHandle Frame, int Length)> urgent = new();
        private readonly Queue<(FrameHandle Frame, int Length)> ordinary = new();

        public int Count => urgent.Count + ordinary.Count;

        public long Bytes { get; private set; }

        public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
        {
            (context.GetFrame(frame)[14] == 9 ? urgent : ordinary).Enqueue((frame, length));
            Bytes += length;
            reason = default;
            return true;
        }

        public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
        {
            if (!urgent.TryDequeue(out var next) && !ordinary.TryDequeue(out next))
            {
                frame = default;
                return false;
            }

            Bytes -= next.Length;
            frame = next.Frame;
            return true;
        }
    }

    // Refuses every other frame offered (as QueueFull) and drops every other frame it is
    // asked to send out (as QueueManagement): both kinds of drop a discipline can make.
    private sealed class EveryOtherQueue : IQueueDiscipline
    {
        private readonly Queue<FrameHandle> frames = new();
        private int offered;
        private int asked;

        public int Count => frames.Count;

        public long Bytes => 0;

        public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
        {
            if (offered++ % 2 == 1)
            {
                reason = offered <= 4 ? DropReason.QueueFull : DropReason.QueueManagement;
                return false;
            }

            frames.Enqueue(frame);
            reason = default;
            return true;
        }

        public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
        {
            while (frames.TryDequeue(out frame))
            {
                if (asked++ % 2 == 0)
                {
                    return true;
                }

                context.Drop(frame, DropReason.QueueManagement);
            }

            return false;
        }
    }

    // Accepts frames and never gives them back.
    private sealed class ForgetfulQueue : IQueueDiscipline
    {
        public int Count => 0;

        public long Bytes => 0;

        public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
        {
            reason = default;
            return true;
        }

        public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
        {
            frame = default;
            return false;
        }
    }
}
