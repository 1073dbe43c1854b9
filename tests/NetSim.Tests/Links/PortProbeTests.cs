using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Links;

/// <summary>Probes on a port: its queue as it changes, and its throughput and utilization at a fixed interval.</summary>
public sealed class PortProbeTests
{
    private static readonly DataRate Slow = DataRate.FromMegabitsPerSecond(10);

    [Fact]
    public void Ten_frames_sent_at_once_into_a_slow_cable_queue_one_to_nine_and_drain_at_the_line_rate()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        _ = new Cable(pcs[0].Port, pcs[1].Port, Slow, SimDuration.FromMicroseconds(1));
        TimeSeries frames = pcs[0].Port.ProbeQueue();
        TimeSeries bytes = pcs[0].Port.ProbeQueue(QueueMetric.Bytes);

        for (int i = 0; i < 10; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 60);
        }

        net.Simulation.Run();

        // The first frame goes straight onto the free wire; each next one leaves when the one
        // before it and the inter-frame gap are over: (8 + 60 + 4 + 12) bytes at 10 Mb/s = 67.2 us.
        SimDuration slot = Slow.TransmissionTime(8 + 60 + 4 + 12);
        var expected = new List<TimeSeriesPoint> { new(SimTime.Zero, 0) };
        expected.AddRange(Enumerable.Range(1, 9).Select(n => new TimeSeriesPoint(SimTime.Zero, n)));
        expected.AddRange(Enumerable.Range(1, 9).Select(k => new TimeSeriesPoint(SimTime.Zero + (slot * k), 9 - k)));
        frames.Points.Should().Equal(expected);
        bytes.Points.Select(p => p.Value).Should().Equal(expected.Select(p => p.Value * 60));
        frames.Points.Max(p => p.Value).Should().Be(pcs[0].Port.Counters.QueuePeak);
    }

    [Fact]
    public void A_full_drop_tail_queue_reports_its_drops_and_the_probe_records_only_changes()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        _ = new Cable(pcs[0].Port, pcs[1].Port, Slow, SimDuration.FromMicroseconds(1));
        ((DropTailDiscipline)pcs[0].Port.QueueDiscipline).FrameLimit = 3;
        var kinds = new List<QueueChangeKind>();
        pcs[0].Port.QueueChanged += (_, change) => kinds.Add(change.Kind);
        TimeSeries frames = pcs[0].Port.ProbeQueue();

        for (int i = 0; i < 6; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 60);
        }

        net.Simulation.Run();

        kinds.Should().Equal(
            QueueChangeKind.Enqueued, QueueChangeKind.Enqueued, QueueChangeKind.Enqueued, QueueChangeKind.Dropped, QueueChangeKind.Dropped,
            QueueChangeKind.Dequeued, QueueChangeKind.Dequeued, QueueChangeKind.Dequeued);
        frames.Points.Select(p => p.Value).Should().Equal(0, 1, 2, 3, 2, 1, 0);
        pcs[0].Port.Counters.Dropped(DropReason.QueueFull).Should().Be(2);
    }

    [Fact]
    public void Frames_queued_when_the_link_goes_down_leave_the_queue_as_dropped()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        var cable = new Cable(pcs[0].Port, pcs[1].Port, Slow, SimDuration.FromMicroseconds(1));
        var kinds = new List<QueueChangeKind>();
        pcs[0].Port.QueueChanged += (_, change) => kinds.Add(change.Kind);
        for (int i = 0; i < 3; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 60); // the first goes onto the wire, two queue
        }

        cable.IsUp = false;
        net.Simulation.Run();

        kinds.Should().Equal(QueueChangeKind.Enqueued, QueueChangeKind.Enqueued, QueueChangeKind.Dropped, QueueChangeKind.Dropped);
        pcs[0].Port.Counters.Dropped(DropReason.LinkDown).Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void A_stopped_probe_records_no_more()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        _ = new Cable(pcs[0].Port, pcs[1].Port, Slow, SimDuration.FromMicroseconds(1));
        TimeSeries frames = pcs[0].Port.ProbeQueue();
        frames.IsRecording.Should().BeTrue();

        frames.Stop();
        for (int i = 0; i < 3; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 60);
        }

        net.Simulation.Run();

        frames.IsRecording.Should().BeFalse();
        frames.Points.Should().ContainSingle();
    }

    // 125-byte frames at 1 Mb/s: one every millisecond, from 0.5 ms on, over a 100 Mb/s cable.
    private static (TestNetwork Net, Nic[] Pcs, FrameSource Source) ConstantStream(long count)
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var source = new FrameSource(pcs[0], pcs[1].Mac, 125, count, DataRate.FromMegabitsPerSecond(1));
        source.Start(SimDuration.FromMicroseconds(500));
        return (net, pcs, source);
    }

    [Fact]
    public void The_interval_throughput_of_a_port_on_a_constant_stream_is_the_stream_s_rate_and_its_utilization_the_wire_s_share()
    {
        var (net, pcs, _) = ConstantStream(count: 1000);
        var sampler = new PeriodicSampler(net.Simulation, SimDuration.FromMilliseconds(10));
        TimeSeries sent = pcs[0].Port.ProbeThroughput(sampler);
        TimeSeries received = pcs[1].Port.ProbeThroughput(sampler, PortTraffic.Received);
        TimeSeries utilization = pcs[0].Port.ProbeUtilization(sampler);

        net.Simulation.RunUntil(SimTime.FromMilliseconds(100));

        sent.Points.Select(p => p.Time).Should().Equal(Enumerable.Range(1, 10).Select(i => SimTime.FromMilliseconds(10 * i)));
        sent.Points.Should().OnlyContain(p => p.Value == 1_000_000);
        received.Points.Should().OnlyContain(p => p.Value == 1_000_000);

        // Each frame takes its preamble, FCS and gap too: (125 + 24) * 8 bits a millisecond of 100 Mb/s.
        utilization.Points.Should().HaveCount(10).And.OnlyContain(p => Math.Abs(p.Value - (149 * 8 * 1000 / 100e6)) < 1e-12);
        sampler.Series.Should().Equal(sent, received, utilization);
    }

    [Fact]
    public void A_sampler_does_not_keep_a_finished_run_going()
    {
        var (net, pcs, _) = ConstantStream(count: 50);
        var sampler = new PeriodicSampler(net.Simulation, SimDuration.FromMilliseconds(10));
        TimeSeries sent = pcs[0].Port.ProbeThroughput(sampler);

        net.Simulation.Run();

        // The last frame leaves at 49.5 ms and the source looks once more at 50.5 ms: the ticks
        // up to 50 ms ran, the one at 60 ms is left in the background and Run returned.
        net.Simulation.Now.Should().Be(SimTime.FromMicroseconds(50_500));
        sent.Points.Select(p => p.Value).Should().Equal(1e6, 1e6, 1e6, 1e6, 1e6);
        net.Simulation.PendingEvents.Should().Be(net.Simulation.PendingBackgroundEvents);
    }

    [Fact]
    public void A_sampler_with_a_stop_time_ticks_until_it_and_no_more()
    {
        var (net, pcs, _) = ConstantStream(count: 1000);
        var sampler = new PeriodicSampler(net.Simulation, SimDuration.FromMilliseconds(10), stopAt: SimTime.FromMilliseconds(30));
        TimeSeries sent = pcs[0].Port.ProbeThroughput(sampler);

        net.Simulation.RunUntil(SimTime.FromMilliseconds(100));

        sent.Points.Select(p => p.Time).Should().Equal(SimTime.FromMilliseconds(10), SimTime.FromMilliseconds(20), SimTime.FromMilliseconds(30));
    }

    [Fact]
    public void A_sampler_samples_any_value_at_each_tick()
    {
        var (net, pcs, _) = ConstantStream(count: 1000);
        var sampler = new PeriodicSampler(net.Simulation, SimDuration.FromMilliseconds(10));
        TimeSeries frames = sampler.Sample("frames sent", "frames", () => pcs[0].Port.Counters.FramesSent);

        net.Simulation.RunUntil(SimTime.FromMilliseconds(30));

        frames.Points.Select(p => p.Value).Should().Equal(10, 20, 30);
    }

    [Fact]
    public void Utilization_needs_a_cable()
    {
        var net = new TestNetwork();
        Nic pc = net.Computers(1)[0];
        var sampler = new PeriodicSampler(net.Simulation, SimDuration.FromMilliseconds(10));

        Action probe = () => pc.Port.ProbeUtilization(sampler);

        probe.Should().Throw<InvalidOperationException>().WithMessage("*no cable*");
    }
}
