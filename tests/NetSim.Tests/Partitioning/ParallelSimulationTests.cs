using NetSim.Engine;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Tracing;

namespace NetSim.Tests.Partitioning;

[Collection(PartitionedRuns.Name)]
public sealed class ParallelSimulationTests
{
    private static readonly SimTime End = SimTime.FromSeconds(3);

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_random_network_gives_every_device_the_same_events_sequentially_and_in_2_3_4_partitions_on_1_or_2_threads(int seed)
    {
        SiteModel model = SiteModel.Random(seed);
        Outcome sequential = Run(model.BuildSequential((ulong)seed), threads: 1);
        sequential.Delivered.Should().BeGreaterThan(0, "the model's flows deliver datagrams");
        sequential.Transfers.Should().AllSatisfy(t => t.Should().NotEndWith("at "), "every TCP transfer completes");
        sequential.Devices.Should().HaveCountGreaterThan(6);

        foreach (int partitions in new[] { 2, 3, 4 })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Outcome partitioned = Run(model.BuildPartitioned((ulong)seed, partitions), threads);
                partitioned.Devices.Should().Equal(sequential.Devices, $"{partitions} partitions on {threads} threads");
                partitioned.Flows.Should().Equal(sequential.Flows);
                partitioned.Delivered.Should().Be(sequential.Delivered);
                partitioned.Transfers.Should().Equal(sequential.Transfers);
                partitioned.FramesAcross.Should().BeGreaterThan(0, "frames crossed the cuts");
            }
        }
    }

    [Fact]
    public void The_same_partitions_on_1_2_and_4_threads_give_the_same_merged_trace_and_windows()
    {
        SiteModel model = SiteModel.Random(11, maxSites: 6);
        var fingerprints = new List<string>();
        var windows = new List<long>();
        foreach (int threads in new[] { 1, 2, 4 })
        {
            SiteModel.Built built = model.BuildPartitioned(11, model.SiteCount);
            using var fingerprint = new Fingerprint(built.Parallel!.Tracer);
            built.Run(End, threads);
            fingerprints.Add(fingerprint.ToString());
            windows.Add(built.Parallel.Windows);
        }

        fingerprints.Distinct().Should().ContainSingle(because: "threads change nothing but the speed");
        windows.Distinct().Should().ContainSingle();
        windows[0].Should().BeGreaterThan(10);
    }

    [Fact]
    public void Round_delays_where_events_tie_still_give_the_same_run_in_any_number_of_threads_and_as_one_simulation()
    {
        SiteModel model = SiteModel.Line(4, hostsPerSite: 2);
        Outcome sequential = Run(model.BuildSequential(3), threads: 1);
        Outcome one = Run(model.BuildPartitioned(3, 4), threads: 1);
        Outcome four = Run(model.BuildPartitioned(3, 4), threads: 4);

        four.Devices.Should().Equal(one.Devices);
        four.Flows.Should().Equal(one.Flows);
        one.Devices.Should().Equal(sequential.Devices);
        one.Transfers.Should().ContainSingle().Which.Should().StartWith("100000 bytes");
    }

    [Fact]
    public void Pcaps_at_a_cut_cables_ports_are_byte_identical_to_the_sequential_run()
    {
        SiteModel model = SiteModel.Random(21);
        byte[] sequential = CaptureWanPort(model.BuildSequential(21), threads: 1);
        byte[] partitioned = CaptureWanPort(model.BuildPartitioned(21, 2), threads: 2);

        sequential.Length.Should().BeGreaterThan(24 + 1000, "frames crossed the WAN link");
        partitioned.Should().Equal(sequential);
    }

    [Fact]
    public void A_cut_with_no_propagation_delay_is_refused_naming_the_cable()
    {
        var parallel = new ParallelSimulation(2);
        _ = new Router(parallel.GetNetwork(0), "r0");
        _ = new Router(parallel.GetNetwork(1), "r1");

        Action connect = () => parallel.Connect(0, "r0", 1, "r1", DataRate.FromMegabitsPerSecond(10), SimDuration.Zero);

        connect.Should().Throw<ArgumentException>().WithMessage("The cable r0 (partition 0) <-> r1 (partition 1) joins two partitions with a propagation delay of 0*lookahead*");
        parallel.GetNetwork(0).Cables.Should().BeEmpty("a refused cut leaves nothing behind");
    }

    [Fact]
    public void Cut_ends_that_do_not_exist_or_cannot_be_cut_are_refused_with_the_reason()
    {
        var parallel = new ParallelSimulation(2);
        _ = new Router(parallel.GetNetwork(0), "r0");
        _ = new NetSim.Ethernet.Hub(parallel.GetNetwork(1), "hub1", 4);
        SimDuration delay = SimDuration.FromMilliseconds(1);
        DataRate rate = DataRate.FromMegabitsPerSecond(10);

        FluentActions.Invoking(() => parallel.Connect(0, "r9", 1, "hub1", rate, delay)).Should().Throw<ArgumentException>().WithMessage("Partition 0 has no device named 'r9'.*");
        FluentActions.Invoking(() => parallel.Connect(0, "r0", 1, "hub1", rate, delay)).Should().Throw<ArgumentException>().WithMessage("*hub*cannot span partitions*");
        FluentActions.Invoking(() => parallel.Connect(0, "r0", 0, "r0", rate, delay)).Should().Throw<ArgumentException>().WithMessage("*both in partition 0*");
        FluentActions.Invoking(() => parallel.Connect(0, "r0/eth5", 1, "hub1", rate, delay)).Should().Throw<ArgumentException>().WithMessage("*no interface named 'r0/eth5'*");
        FluentActions.Invoking(() => parallel.Connect(0, "r0", 2, "r1", rate, delay)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("There is no partition 2*");
    }

    [Fact]
    public void A_cut_cable_cannot_be_taken_down_during_a_run()
    {
        SiteModel.Built built = SiteModel.Line(2, 1).BuildPartitioned(1, 2);
        Cable local = built.Parallel!.Cuts[0].PortA!.Cable!;

        FluentActions.Invoking(() => local.IsUp = false).Should().Throw<InvalidOperationException>().WithMessage("*joins two partitions*");
    }

    [Fact]
    public void Each_partition_numbers_its_NICs_in_a_MAC_range_of_its_own()
    {
        var parallel = new ParallelSimulation(3);
        var first = new Host(parallel.GetNetwork(0), "a", "10.0.0.1/24");
        var third = new Host(parallel.GetNetwork(2), "c", "10.0.2.1/24");

        first.Interfaces[0].Mac.ToString().Should().Be("02:00:00:00:00:01");
        third.Interfaces[0].Mac.ToString().Should().Be("02:00:02:00:00:01");
    }

    [Fact]
    public void An_application_that_throws_ends_the_run_with_its_exception_after_the_window()
    {
        SiteModel.Built built = SiteModel.Line(3, 1).BuildPartitioned(1, 3);
        Simulation second = built.Parallel!.GetNetwork(1).Simulation;
        _ = second.Start(async () =>
        {
            await second.Delay(SimDuration.FromMilliseconds(20));
            throw new InvalidOperationException("boom in partition 1");
        });

        FluentActions.Invoking(() => built.Parallel.RunUntil(End, threads: 3)).Should().Throw<InvalidOperationException>().WithMessage("boom in partition 1");
        built.Parallel.Now.Should().BeLessThan(SimTime.FromMilliseconds(40), "the run stopped at the end of the window");
    }

    [Fact]
    public void Run_returns_when_every_partition_is_idle()
    {
        SiteModel.Built built = SiteModel.Line(2, 1).BuildPartitioned(1, 2);

        built.Parallel!.Run(threads: 2);

        built.Parallel.GetNetwork(0).Simulation.PendingEvents.Should().Be(built.Parallel.GetNetwork(0).Simulation.PendingBackgroundEvents);
        built.Transfers.Single().BytesReceived.Should().Be(100_000);
        built.Parallel.FramesAcross.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Frames_crossing_a_cut_allocate_nothing_once_the_buffers_have_grown()
    {
        // UDP from h0-0 to h1-0 every 100 us across the cut between two partitions, on the calling thread.
        SiteModel.Built built = SiteModel.UdpStream(2, SimDuration.FromMicroseconds(100), 2_000).BuildPartitioned(5, 2);
        ParallelSimulation parallel = built.Parallel!;
        parallel.RunUntil(SimTime.FromMilliseconds(60)); // ARP resolved, mailboxes and pools grown
        long across = parallel.FramesAcross;
        long fewest = long.MaxValue; // of three stretches: one the JIT's tiering lands in may allocate, a cost per frame shows in all
        for (int stretch = 1; stretch <= 3; stretch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            parallel.RunUntil(SimTime.FromMilliseconds(60 + (10 * stretch)));
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        (parallel.FramesAcross - across).Should().BeGreaterThan(100);
        fewest.Should().Be(0, "a window, and a frame across a cut, allocate nothing");
    }

    [Fact]
    public void The_mailboxes_of_a_cut_give_their_memory_back_after_a_burst()
    {
        // As many datagrams as the 100 Mb/s links carry for 20 ms (some 60 a window), then quiet windows: a timer in each partition.
        SiteModel.Built built = SiteModel.UdpStream(2, SimDuration.FromMicroseconds(10), 2_000).BuildPartitioned(5, 2);
        ParallelSimulation parallel = built.Parallel!;
        foreach (int partition in parallel.LocalPartitions)
        {
            Simulation simulation = parallel.GetNetwork(partition).Simulation;
            simulation.Schedule(SimDuration.Zero, new Tick(simulation, SimDuration.FromMilliseconds(1)));
        }

        long empty = parallel.MailboxCapacity;
        parallel.RunUntil(SimTime.FromMilliseconds(20));
        long burst = parallel.MailboxCapacity;

        parallel.RunUntil(SimTime.FromMilliseconds(300));

        burst.Should().BeGreaterThan(empty + 100_000, "the traffic grew the mailboxes");
        parallel.MailboxCapacity.Should().Be(empty, "once the traffic is over, the mailboxes are back to their first size");
    }

    private sealed class Tick(Simulation simulation, SimDuration period) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => simulation.Schedule(period, this);
    }

    private static byte[] CaptureWanPort(SiteModel.Built built, int threads)
    {
        // Router r1's first WAN interface: its port is in partition 1 of 2, and its cable is a cut.
        var stream = new MemoryStream();
        Port port = built.Routers[1].Interfaces[1].Port;
        using (var pcap = new PcapWriter(stream, port.Network.Simulation))
        {
            using IDisposable capture = port.AddCapture(pcap);
            built.Run(End, threads);
        }

        return stream.ToArray();
    }

    private static Outcome Run(SiteModel.Built built, int threads)
    {
        SiteModel.DeviceHashes devices = built.WatchDevices();
        using var flows = new FlowMonitor(built.Tracer);
        built.Run(End, threads);
        return new Outcome(
            [.. devices.Values().Select(pair => $"{pair.Key}: {pair.Value}")],
            [.. flows.GetStatistics().Select(f => $"{f.Key}: sent {f.PacketsSent}/{f.BytesSent}, received {f.PacketsReceived}/{f.BytesReceived} at {f.FirstReceived}..{f.LastReceived}, delay {f.DelayMin}/{f.DelayMean}/{f.DelayMax}, jitter {f.Jitter}, lost {f.PacketsLost}").Order(StringComparer.Ordinal)],
            built.Sinks.Sum(s => s.DatagramsReceived),
            [.. built.Transfers.Select(t => $"{t.BytesReceived} bytes at {t.ReceivedAt}")],
            built.Parallel?.FramesAcross ?? 0);
    }

    private sealed record Outcome(string[] Devices, string[] Flows, long Delivered, string[] Transfers, long FramesAcross);
}
