using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Links;

public class CoDelDisciplineTests
{
    // A 10 Mb/s link carries one 1,514-byte frame (with preamble, FCS and gap) every 1.2304 ms.
    private static readonly DataRate LineRate = DataRate.FromMegabitsPerSecond(10);
    private static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);
    private static readonly SimDuration FrameTime = LineRate.TransmissionTime(CableDirection.PreambleLength + EthernetFrame.MaxLength + 4 + CableDirection.InterFrameGap);

    // The sender offers 2% more than the line rate: a standing queue that grows by about
    // 24 us of sojourn time per millisecond, which CoDel can hold with a few drops a second.
    private static readonly SimDuration Overloaded = SimDuration.FromPicoseconds(FrameTime.Picoseconds * 100 / 102);

    [Fact]
    public void Defaults_are_rfc_8289s()
    {
        var codel = new CoDelDiscipline();

        codel.Target.Should().Be(SimDuration.FromMilliseconds(5));
        codel.Interval.Should().Be(SimDuration.FromMilliseconds(100));
        codel.FrameLimit.Should().Be(1000);
        codel.MaxPacket.Should().Be(1514);
        ((Action)(() => codel.Interval = SimDuration.Zero)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_first_drop_comes_one_interval_after_the_sojourn_time_went_above_target()
    {
        var run = new Run(new CoDelDiscipline());
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(1));

        SimTime aboveSince = run.Dequeued.First(d => d.Sojourn >= CoDelDiscipline.DefaultTarget).At;
        aboveSince.Should().BeGreaterThan(SimTime.FromMilliseconds(150), "the queue takes about 200 ms to reach 5 ms");
        run.Dequeued.TakeWhile(d => d.At < aboveSince).Should().OnlyContain(d => d.Sojourn < CoDelDiscipline.DefaultTarget);

        SimTime firstDrop = run.Drops.Should().NotBeEmpty().And.Subject.First();
        firstDrop.Should().BeGreaterThanOrEqualTo(aboveSince + CoDelDiscipline.DefaultInterval, "no drop for the first interval above target");
        firstDrop.Should().BeLessThan(aboveSince + CoDelDiscipline.DefaultInterval + FrameTime, "the first frame taken an interval later is dropped");
        run.Port.Counters.Dropped(DropReason.QueueManagement).Should().Be(run.Drops.Count);
        run.Port.Counters.Dropped(DropReason.QueueFull).Should().Be(0);
    }

    [Fact]
    public void Later_drops_follow_the_control_law_interval_over_sqrt_count()
    {
        var run = new Run(new CoDelDiscipline());
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(1));

        // RFC 8289 section 5.4: after the first drop at t1, drop k (k = 2, 3, ...) is the first
        // frame taken at or after next(k) = next(k-1) + interval / sqrt(k), with next(1) = t1 + interval.
        run.Drops.Count.Should().BeGreaterThanOrEqualTo(8);
        double interval = CoDelDiscipline.DefaultInterval.Picoseconds;
        double next = run.Drops[0].Picoseconds + interval;
        for (int k = 2; k <= 8; k++)
        {
            SimTime drop = run.Drops[k - 1];
            drop.Picoseconds.Should().BeGreaterThanOrEqualTo((long)next, $"drop {k} waits for the control law");
            drop.Picoseconds.Should().BeLessThan((long)next + FrameTime.Picoseconds, $"drop {k} is the first frame taken after its time");
            next += interval / Math.Sqrt(k);
        }

        run.Drops[7].Should().BeLessThan(run.Drops[0] + SimDuration.FromMilliseconds(450), "the spacing shrinks: 100 + 70.7 + 57.7 + 50 + 44.7 + 40.8 + 37.8 ms");
    }

    [Fact]
    public void The_sojourn_time_settles_near_the_target_where_drop_tail_keeps_growing()
    {
        var codel = new Run(new CoDelDiscipline());
        codel.Pacer.Period = Overloaded;
        codel.Simulation.RunUntil(SimTime.FromSeconds(20));
        var dropTail = new Run(new DropTailDiscipline());
        dropTail.Pacer.Period = Overloaded;
        dropTail.Simulation.RunUntil(SimTime.FromSeconds(20));

        static double MeanSojournMs(Run run, int fromSecond, int toSecond) => run.Dequeued
            .Where(d => d.At >= SimTime.FromSeconds(fromSecond) && d.At < SimTime.FromSeconds(toSecond))
            .Average(d => d.Sojourn.TotalSeconds * 1000);

        double late = MeanSojournMs(codel, 10, 20);
        late.Should().BeInRange(3, 15, "CoDel holds the standing queue near its 5 ms target");
        codel.Dequeued.Where(d => d.At >= SimTime.FromSeconds(5)).Max(d => d.Sojourn).Should().BeLessThan(SimDuration.FromMilliseconds(40));
        MeanSojournMs(dropTail, 10, 20).Should().BeGreaterThan(200, "drop-tail lets the queue grow by 2% of the time that passes");
        dropTail.Port.Counters.FramesDropped.Should().Be(0, "1,000 frames are not reached in 20 s");
        codel.Port.Counters.Dropped(DropReason.QueueManagement).Should().BeGreaterThan(0);
    }

    [Fact]
    public void Re_entering_the_dropping_state_soon_starts_from_the_last_drop_rate()
    {
        // A dropping state of several drops, a short lull that drains the queue below target,
        // and a heavier overload that brings it back within the 16 intervals.
        var run = new Run(new CoDelDiscipline());
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(1));
        run.Pacer.Period = FrameTime * 2;
        run.Simulation.RunUntil(SimTime.FromMilliseconds(1300));
        run.Pacer.Period = FrameTime * 2 / 3;
        run.Simulation.RunUntil(SimTime.FromSeconds(2));

        // A dropping state ends at the first frame taken below target; the drops between two
        // such frames make one state. RFC 8289 section 5.5 (Linux's rule): a state entered
        // within 16 intervals of the last one starts with count = the drops the last one made
        // after its first (if more than one), so its second drop comes interval / sqrt(count)
        // after its first, not a whole interval.
        var states = new List<List<SimTime>>();
        int next = 0;
        states.Add([]);
        foreach (var (at, sojourn) in run.Dequeued)
        {
            while (next < run.Drops.Count && run.Drops[next] <= at)
            {
                states[^1].Add(run.Drops[next++]); // a drop at the time a frame is sent came just before it
            }

            if (sojourn < CoDelDiscipline.DefaultTarget && states[^1].Count > 0)
            {
                states.Add([]);
            }
        }

        states.RemoveAll(s => s.Count == 0);
        int checkedStates = 0;
        for (int i = 1; i < states.Count; i++)
        {
            int delta = states[i - 1].Count - 1;
            if (delta > 1 && states[i][0] - states[i - 1][^1] < 16 * CoDelDiscipline.DefaultInterval)
            {
                states[i].Should().HaveCountGreaterThan(1, $"state {i} re-enters with count {delta}, a drop rate that holds the queue");
                long spacing = (long)(CoDelDiscipline.DefaultInterval.Picoseconds / Math.Sqrt(delta));
                (states[i][1] - states[i][0]).Picoseconds.Should().BeInRange(spacing, spacing + FrameTime.Picoseconds, $"state {i} re-enters with count {delta}");
                checkedStates++;
            }
        }

        checkedStates.Should().BeGreaterThan(0, $"the run has re-entries to check: {string.Join(" | ", states.Select(s => string.Join(",", s.Select(t => (t.TotalSeconds * 1000).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))))}");
    }

    [Fact]
    public void When_the_overload_stops_dropping_stops()
    {
        var run = new Run(new CoDelDiscipline());
        var codel = (CoDelDiscipline)run.Port.QueueDiscipline;
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(3));
        codel.IsDropping.Should().BeTrue("the queue still stands after 3 s of overload");
        int dropsBefore = run.Drops.Count;

        run.Pacer.Period = FrameTime * 2; // half the line rate: the queue drains
        run.Simulation.RunUntil(SimTime.FromSeconds(6));

        codel.IsDropping.Should().BeFalse();
        run.Drops.Count.Should().BeLessThan(dropsBefore + 3, "at most a drop or two while the standing queue drains");
        SimTime drained = SimTime.FromSeconds(3) + SimDuration.FromMilliseconds(100);
        run.Drops.Should().OnlyContain(t => t < drained);
        run.Dequeued.Where(d => d.At >= drained).Should().OnlyContain(d => d.Sojourn < CoDelDiscipline.DefaultTarget);
        run.Port.Counters.FramesDropped.Should().Be(run.Drops.Count);
    }

    [Fact]
    public void Ecn_capable_packets_are_marked_where_others_are_dropped_at_the_same_times()
    {
        var plain = new Run(new CoDelDiscipline());
        plain.Pacer.Period = Overloaded;
        plain.Simulation.RunUntil(SimTime.FromSeconds(1));

        var codel = new CoDelDiscipline();
        var ecn = new Run(codel);
        ecn.Pacer.Ect = true;
        ecn.Pacer.Period = Overloaded;
        ecn.Simulation.RunUntil(SimTime.FromSeconds(1));

        ecn.Drops.Should().BeEmpty("an ECT packet is marked, not dropped (RFC 8289 section 5, RFC 3168)");
        ecn.Marks.Should().HaveCountGreaterThan(8);
        codel.MarkedFrames.Should().BeInRange(ecn.Marks.Count, ecn.Marks.Count + 1, "a marked frame may still be on the wire");
        ecn.Marks[0].Should().Be(plain.Drops[0], "the first mark comes when the first drop would");
        SimDuration first = plain.Drops[1] - plain.Drops[0];
        (ecn.Marks[1] - ecn.Marks[0]).Picoseconds.Should().BeCloseTo(first.Picoseconds, (ulong)FrameTime.Picoseconds, "the control law spaces marks as it spaces drops");
        ecn.Port.Counters.FramesDropped.Should().Be(0);
    }

    [Fact]
    public void With_ecn_off_an_ecn_capable_packet_is_dropped()
    {
        var run = new Run(new CoDelDiscipline { Ecn = false });
        run.Pacer.Ect = true;
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(1));

        run.Marks.Should().BeEmpty();
        run.Drops.Should().NotBeEmpty();
    }

    [Fact]
    public void A_frame_beyond_the_frame_limit_is_refused_as_queue_full()
    {
        var run = new Run(new CoDelDiscipline { FrameLimit = 3 });
        for (int i = 0; i < 6; i++)
        {
            run.Pacer.SendOne(); // one on the wire, three waiting, two refused
        }

        run.Simulation.RunUntil(SimTime.FromSeconds(1));

        run.Port.Counters.Dropped(DropReason.QueueFull).Should().Be(2);
        run.Dequeued.Should().HaveCount(4);
        run.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void Codel_allocates_nothing_per_frame_in_steady_state()
    {
        var run = new Run(new CoDelDiscipline(), record: false);
        run.Pacer.Period = Overloaded;
        run.Simulation.RunUntil(SimTime.FromSeconds(5)); // warm up: the ring, the pool, the event queue, JIT

        // Two windows of 2 s (about 1,600 frames and some drops each): a per-frame allocation shows
        // in both, a one-time one of the runtime's lands in one at most.
        long[] allocated = new long[2];
        for (int window = 0; window < 2; window++)
        {
            long dropsBefore = run.Port.Counters.Dropped(DropReason.QueueManagement);
            long before = GC.GetAllocatedBytesForCurrentThread();
            run.Simulation.RunUntil(run.Simulation.Now + SimDuration.FromSeconds(2));
            allocated[window] = GC.GetAllocatedBytesForCurrentThread() - before;
            run.Port.Counters.Dropped(DropReason.QueueManagement).Should().BeGreaterThan(dropsBefore, "the window covers CoDel's drops");
        }

        allocated.Min().Should().Be(0, $"the windows allocated {allocated[0]} and {allocated[1]} bytes");
    }

    // A sender whose frames carry the time they were sent, a 10 Mb/s link with the discipline
    // under test at the sender's port, and a receiver that records each frame's sojourn time.
    private sealed class Run : ITraceListener
    {
        public Run(IQueueDiscipline discipline, bool record = true)
        {
            Simulation = new Simulation(1);
            Network = new Network(Simulation);
            var sender = new Nic(Network, "sender");
            var receiver = new Nic(Network, "receiver");
            Port = sender.Port;
            Port.QueueDiscipline = discipline;
            _ = new Cable(sender.Port, receiver.Port, LineRate, Delay);
            Pacer = new Pacer(Simulation, sender, receiver.Mac);
            if (record)
            {
                _ = Network.Tracer.Subscribe(this);

                // The frame started onto the wire a frame time and the delay before it arrived.
                SimDuration onWire = LineRate.TransmissionTime(CableDirection.PreambleLength + EthernetFrame.MaxLength + 4) + Delay;
                receiver.Received += (nic, frame) =>
                {
                    SimTime taken = Simulation.Now - onWire;
                    bool ip = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == (ushort)EtherType.IPv4;
                    int stamp = EthernetFrame.HeaderLength + (ip ? Ipv4Header.MinLength : 0);
                    SimTime sent = SimTime.FromPicoseconds(BinaryPrimitives.ReadInt64BigEndian(frame[stamp..]));
                    Dequeued.Add((taken, taken - sent));
                    if (ip)
                    {
                        Ipv4Header.TryParse(frame[EthernetFrame.HeaderLength..], out Ipv4Header header).Should().Be(WireError.None);
                        if ((header.TypeOfService & 3) == 3)
                        {
                            Marks.Add(taken);
                        }
                    }
                };
            }
        }

        public Simulation Simulation { get; }

        public Network Network { get; }

        public Port Port { get; }

        public Pacer Pacer { get; }

        // When each delivered frame was taken from the queue, and how long it had waited.
        public List<(SimTime At, SimDuration Sojourn)> Dequeued { get; } = [];

        // When a frame marked CE (by CoDel) was taken from the queue.
        public List<SimTime> Marks { get; } = [];

        // When CoDel dropped a frame at the sender's port.
        public List<SimTime> Drops { get; } = [];

        public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
        {
            if (traceEvent.Kind == FrameEventKind.Dropped && traceEvent.Reason == DropReason.QueueManagement)
            {
                Drops.Add(traceEvent.Time);
            }
        }
    }

    // Sends a full-sized frame every Period, stamped with the time it was sent.
    private sealed class Pacer(Simulation simulation, Nic nic, MacAddress destination) : IEventTarget
    {
        private SimDuration period;

        public SimDuration Period
        {
            get => period;
            set
            {
                bool started = period > SimDuration.Zero;
                period = value;
                if (!started)
                {
                    simulation.Schedule(SimDuration.Zero, this);
                }
            }
        }

        // Sends ECN-capable (ECT(0)) IPv4 packets, the time after the IPv4 header, instead of test frames.
        public bool Ect { get; set; }

        public void SendOne()
        {
            FrameHandle frame = Ect
                ? EcnMarkingTests.CreateIpv4(nic, destination, 0b10, payload: EthernetFrame.Mtu - Ipv4Header.MinLength)
                : nic.CreateFrame(destination, FrameSource.TestEtherType, EthernetFrame.Mtu);
            int stamp = EthernetFrame.HeaderLength + (Ect ? Ipv4Header.MinLength : 0);
            BinaryPrimitives.WriteInt64BigEndian(nic.Network.Frames.GetSpan(frame)[stamp..], simulation.Now.Picoseconds);
            nic.Send(frame);
        }

        public void OnEvent(int kind, long argument)
        {
            SendOne();
            simulation.Schedule(period, this);
        }
    }
}
