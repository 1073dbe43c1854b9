using System.Globalization;
using System.Text.Json;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

/// <summary>Flow statistics against cases worked out by hand, and against the trace and the counters.</summary>
public sealed class FlowMonitorTests
{
    private static readonly DataRate Rate = DataRate.FromMegabitsPerSecond(10);
    private static readonly SimDuration Propagation = SimDuration.FromMicroseconds(50);
    private const int Payload = 100;
    private const int PacketLength = Ipv4Header.MinLength + 8 + Payload; // IPv4 + UDP + data
    private const ushort SinkPort = 9;

    // What one packet takes to cross the cable alone: preamble, frame (header, packet, FCS), then the propagation.
    private static readonly SimDuration OneWay = Rate.TransmissionTime(CableDirection.PreambleLength + 14 + PacketLength + 4) + Propagation;

    [Fact]
    public void A_flow_over_one_cable_has_the_cable_s_delay_no_jitter_and_the_throughput_worked_out_by_hand()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { DelayBinWidth = SimDuration.FromMicroseconds(10), DelayBinCount = 50 });
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 10);
        simulation.Run();

        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == sender.LocalPort);
        flow.Key.Should().Be(new FlowKey(IpProtocol.Udp, pc1.Address, sender.LocalPort, pc2.Address, SinkPort));
        (flow.PacketsSent, flow.BytesSent, flow.PacketsReceived, flow.BytesReceived, flow.PacketsLost).Should().Be((10, 10 * PacketLength, 10, 10 * PacketLength, 0));
        flow.DelayMin.Should().Be(OneWay);
        flow.DelayMean.Should().Be(OneWay);
        flow.DelayMax.Should().Be(OneWay);
        flow.Jitter.Should().Be(SimDuration.Zero, "every packet took the same time");
        flow.FirstSent.Should().Be(SimTime.FromMilliseconds(1));
        flow.LastSent.Should().Be(SimTime.FromMilliseconds(10));
        flow.FirstReceived.Should().Be(SimTime.FromMilliseconds(1) + OneWay);
        flow.LastReceived.Should().Be(SimTime.FromMilliseconds(10) + OneWay);
        double seconds = (SimDuration.FromMilliseconds(9) + OneWay).TotalSeconds;
        flow.Throughput.Should().Be(DataRate.FromBitsPerSecond((long)Math.Round(10 * PacketLength * 8 / seconds)));
        long bin = OneWay / SimDuration.FromMicroseconds(10);
        flow.DelayHistogram.Should().HaveCount(50);
        flow.DelayHistogram[(int)bin].Should().Be(10);
        flow.DelayHistogram.Sum().Should().Be(10);
    }

    [Fact]
    public void Jitter_follows_RFC_3550_when_the_delay_changes()
    {
        // The second packet is sent while the first is still on the wire, so it waits the
        // first's transmission time T: D = T, and J = T / 16 after it (RFC 3550, 6.4.1).
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var monitor = new FlowMonitor(network.Tracer);
        var sender = new UdpSocket(pc1);
        sender.Bind(4000);
        Warm(simulation, pc1, pc2);
        simulation.ScheduleAt(SimTime.FromMilliseconds(1), () =>
        {
            sender.SendTo(new byte[Payload], pc2.Address, SinkPort);
            sender.SendTo(new byte[Payload], pc2.Address, SinkPort);
        });
        simulation.Run();

        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == 4000);
        SimDuration waited = flow.DelayMax!.Value - flow.DelayMin!.Value;
        waited.Should().Be(Rate.TransmissionTime(CableDirection.PreambleLength + 14 + PacketLength + 4 + CableDirection.InterFrameGap));
        flow.Jitter.Should().Be(SimDuration.FromPicoseconds((long)Math.Round(waited.Picoseconds / 16.0)));
    }

    [Fact]
    public void A_seeded_lossy_link_loses_exactly_the_packets_the_trace_says_it_dropped()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 7);
        using var recorder = new TraceRecorder(network.Tracer);
        using var monitor = new FlowMonitor(network.Tracer);
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 200);
        simulation.ScheduleAt(SimTime.FromMicroseconds(500), () => cable.FromA.Impairments.LossProbability = 0.2);
        simulation.Run();

        int droppedOnCable = recorder.Events.OfType<FrameEvent>().Count(e => e.Kind == FrameEventKind.Dropped && e.Reason == DropReason.LostOnCable);
        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == sender.LocalPort);
        droppedOnCable.Should().BeInRange(20, 60, "about a fifth of 200 (the seed fixes which)");
        flow.PacketsLost.Should().Be(droppedOnCable);
        flow.Drops.Should().Equal(new Dictionary<string, long> { ["Frame.LostOnCable"] = droppedOnCable });
        flow.PacketsReceived.Should().Be(200 - droppedOnCable);
    }

    [Fact]
    public void The_totals_agree_with_the_IP_counters()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 3);
        using var monitor = new FlowMonitor(network.Tracer);
        cable.FromA.Impairments.LossProbability = 0.1;
        SendEveryMillisecond(simulation, pc1, pc2, count: 50, warm: false);
        var back = new UdpSocket(pc2);
        for (int i = 0; i < 30; i++)
        {
            simulation.ScheduleAt(SimTime.FromMilliseconds(100 + i), () => back.SendTo(new byte[20], pc1.Address, 7));
        }

        simulation.Run();

        IReadOnlyList<FlowStatistics> flows = monitor.GetStatistics();
        flows.Sum(f => f.PacketsSent).Should().Be(pc1.Counters.PacketsSent + pc2.Counters.PacketsSent);
        flows.Sum(f => f.PacketsReceived).Should().Be(pc1.Counters.PacketsDelivered + pc2.Counters.PacketsDelivered);
        flows.Where(f => f.Key.Source == pc1.Address).Sum(f => f.PacketsReceived).Should().Be(pc2.Counters.PacketsDelivered);
    }

    [Fact]
    public void A_packet_a_router_has_no_route_for_is_lost_with_that_reason()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(1);
        using var monitor = new FlowMonitor(net.Network.Tracer);
        var sender = new UdpSocket(pc1);
        sender.SendTo(new byte[Payload], Ipv4Address.Parse("192.0.2.1"), SinkPort);
        net.Simulation.Run();

        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.Protocol == IpProtocol.Udp);
        (flow.PacketsSent, flow.PacketsReceived, flow.PacketsLost).Should().Be((1, 0, 1));
        flow.Drops.Should().Equal(new Dictionary<string, long> { ["Ip.NoRoute"] = 1 });
        flow.DelayMean.Should().BeNull();
        flow.Throughput.Should().BeNull();
    }

    [Fact]
    public void Packets_a_full_queue_dropped_are_lost_for_that_reason()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 1);
        using var recorder = new TraceRecorder(network.Tracer);
        using var monitor = new FlowMonitor(network.Tracer);
        cable.FromA.QueueLimitFrames = 5;
        Warm(simulation, pc1, pc2);
        var sender = new UdpSocket(pc1);
        sender.Bind(4000);
        simulation.ScheduleAt(SimTime.FromMilliseconds(1), () =>
        {
            for (int i = 0; i < 20; i++)
            {
                sender.SendTo(new byte[Payload], pc2.Address, SinkPort);
            }
        });
        simulation.Run();

        int queueDrops = recorder.Events.OfType<FrameEvent>().Count(e => e.Kind == FrameEventKind.Dropped && e.Reason == DropReason.QueueFull);
        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == 4000);
        queueDrops.Should().BeInRange(1, 15);
        (flow.PacketsSent, flow.PacketsReceived, flow.PacketsLost).Should().Be((20, 20 - queueDrops, queueDrops));
        flow.Drops.Should().Equal(new Dictionary<string, long> { ["Frame.QueueFull"] = queueDrops });
    }

    [Fact]
    public void Pings_are_flows_by_ICMP_type_and_identifier_and_a_TTL_that_runs_out_is_a_drop_reason()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        using var monitor = new FlowMonitor(net.Network.Tracer);
        var ping = new Ping(pc1, pc2.Address) { Count = 3, Interval = SimDuration.FromMilliseconds(10) };
        var expiring = new Ping(pc1, pc2.Address) { Count = 1, TimeToLive = 1 };
        _ = net.Simulation.Start(async () =>
        {
            await ping.RunAsync();
            await expiring.RunAsync();
        });
        net.Simulation.Run();

        IReadOnlyList<FlowStatistics> flows = monitor.GetStatistics();
        FlowStatistics[] requests = [.. flows.Where(f => f.Key.IcmpType == IcmpType.EchoRequest)];
        requests.Should().HaveCount(2, "each ping has an identifier of its own");
        requests.Select(f => (f.PacketsSent, f.PacketsReceived, f.PacketsLost)).Should().Equal([(3, 3, 0), (1, 0, 1)]);
        requests[1].Drops.Should().Equal(new Dictionary<string, long> { ["Ip.TimeToLiveExceeded"] = 1 });
        requests[0].Key.ToString().Should().Be($"icmp {pc1.Address} > {pc2.Address} EchoRequest id {requests[0].Key.IcmpIdentifier}");
        flows.Should().ContainSingle(f => f.Key.IcmpType == IcmpType.EchoReply).Which.PacketsReceived.Should().Be(3);
        flows.Should().ContainSingle(f => f.Key.IcmpType == IcmpType.TimeExceeded).Which.Key.Source.Should().Be(routers[0].Interfaces[0].Address);
    }

    [Fact]
    public void A_disposed_monitor_keeps_its_statistics_and_counts_no_more()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        var monitor = new FlowMonitor(network.Tracer);
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 2);
        simulation.Run();

        monitor.Dispose();
        sender.SendTo(new byte[Payload], pc2.Address, SinkPort);
        simulation.Run();

        monitor.GetStatistics().Single(f => f.Key.SourcePort == sender.LocalPort).PacketsSent.Should().Be(2);
        network.Tracer.IsOn.Should().BeFalse("nobody listens any more, so the devices build no events");
    }

    [Fact]
    public void Flows_past_the_bound_are_not_measured_but_counted()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { MaxFlows = 1 });
        SendEveryMillisecond(simulation, pc1, pc2, count: 3);
        simulation.Run();

        monitor.GetStatistics().Select(f => f.PacketsSent).Should().Equal([1], "the warming datagram's flow came first and fills the table");
        monitor.PacketsNotMeasured.Should().Be(3, "the second flow's three datagrams found no room");
    }

    [Fact]
    public void Packets_past_the_in_flight_bound_are_not_counted_and_old_lost_packets_make_room()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 1);
        using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { MaxPacketsInFlight = 2, PacketLifetime = SimDuration.FromMilliseconds(5) });
        Warm(simulation, pc1, pc2);
        var sender = new UdpSocket(pc1);
        sender.Bind();
        void Send(int count)
        {
            for (int i = 0; i < count; i++)
            {
                sender.SendTo(new byte[Payload], pc2.Address, SinkPort);
            }
        }

        simulation.ScheduleAt(SimTime.FromMilliseconds(1), () => Send(5)); // five at once: two are timed, three find no room
        simulation.ScheduleAt(SimTime.FromMilliseconds(2), () => cable.FromA.Impairments.LossProbability = 0.999999);
        simulation.ScheduleAt(SimTime.FromMilliseconds(3), () => Send(2)); // lost on the cable: they fill the table
        simulation.ScheduleAt(SimTime.FromMilliseconds(4), () => Send(1)); // no room, and the lost ones are not old yet
        simulation.ScheduleAt(SimTime.FromMilliseconds(9), () => Send(1)); // 6 ms later the lost two are given up: room
        simulation.Run();

        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == sender.LocalPort);
        (flow.PacketsSent, flow.PacketsReceived, flow.PacketsLost).Should().Be((5, 2, 3), "two timed at 1 ms, two lost at 3 ms, one lost at 9 ms; every sent packet is received or lost");
        monitor.PacketsNotMeasured.Should().Be(4, "three at 1 ms and one at 4 ms found no room");
    }

    [Fact]
    public void Only_the_nodes_given_are_watched()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var onlyReceiver = new FlowMonitor(network.Tracer, new FlowMonitorOptions { Nodes = ["pc2"] });
        using var onlySender = new FlowMonitor(network.Tracer, new FlowMonitorOptions { Nodes = ["pc1"] });
        using var both = new FlowMonitor(network.Tracer, new FlowMonitorOptions { Nodes = ["pc1", "pc2"] });
        SendEveryMillisecond(simulation, pc1, pc2, count: 3);
        simulation.Run();

        onlyReceiver.GetStatistics().Should().BeEmpty("pc2 sends nothing, and what it receives was not seen leaving");
        onlySender.GetStatistics().Select(f => (f.PacketsSent, f.PacketsReceived, f.PacketsLost)).Should().Equal([(1, 0, 1), (3, 0, 3)], "pc2 is not watched: nothing is seen arriving");
        both.GetStatistics().Select(f => (f.PacketsSent, f.PacketsReceived, f.PacketsLost)).Should().Equal([(1, 1, 0), (3, 3, 0)]);
    }

    [Fact]
    public void Retransmitted_TCP_bytes_are_those_the_trace_shows()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 11);
        using var recorder = new TraceRecorder(network.Tracer);
        using var monitor = new FlowMonitor(network.Tracer);
        cable.FromA.Impairments.DropFrameNumbers.Add(12);
        cable.FromA.Impairments.DropFrameNumbers.Add(20);
        var listener = new TcpListener(pc2, 80);
        listener.Start();
        _ = simulation.Start(async () =>
        {
            TcpConnection server = await listener.AcceptAsync();
            byte[] buffer = new byte[4096];
            while (await server.ReadAsync(buffer) > 0)
            {
            }

            await server.CloseAsync();
        });
        _ = simulation.Start(async () =>
        {
            TcpConnection client = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80);
            await client.WriteAsync(new byte[50_000]);
            await client.CloseAsync();
        });
        simulation.Run();

        TcpEvent[] retransmitted = [.. recorder.Events.OfType<TcpEvent>().Where(e => e.Kind == TcpEventKind.Retransmitted && e.Device == "pc1")];
        retransmitted.Should().NotBeEmpty();
        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.Protocol == IpProtocol.Tcp && f.Key.Source == pc1.Address);
        flow.RetransmittedBytes.Should().Be(retransmitted.Sum(e => (long)e.Length));
        flow.RetransmittedSegments.Should().Be(retransmitted.Length);
    }

    [Fact]
    public void The_CSV_reads_back_with_its_columns_and_values()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var monitor = new FlowMonitor(network.Tracer);
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 4);
        simulation.Run();
        var text = new StringWriter();

        FlowReport.WriteCsv(text, monitor.GetStatistics());

        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] columns = lines[0].Split(',');
        columns.Should().Equal(FlowReport.CsvColumns);
        Dictionary<string, string> row = lines.Skip(1).Select(line => columns.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .Single(r => r["source_port"] == sender.LocalPort.ToString(CultureInfo.InvariantCulture));
        row["protocol"].Should().Be("udp");
        row["source"].Should().Be("10.0.0.1");
        row["destination_port"].Should().Be("9");
        row["packets_sent"].Should().Be("4");
        row["bytes_received"].Should().Be((4 * PacketLength).ToString(CultureInfo.InvariantCulture));
        row["packets_lost"].Should().Be("0");
        row["drops"].Should().BeEmpty();
        double.Parse(row["delay_mean_s"], CultureInfo.InvariantCulture).Should().Be(OneWay.TotalSeconds);
        double.Parse(row["first_sent_s"], CultureInfo.InvariantCulture).Should().Be(0.001);
        row["jitter_s"].Should().Be("0");
        lines.Should().HaveCount(1 + monitor.GetStatistics().Count);
    }

    [Fact]
    public void The_JSON_reads_back_with_its_fields_and_values()
    {
        var (simulation, network, pc1, pc2, cable) = TwoHostsWithCable(seed: 1);
        using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { DelayBinWidth = SimDuration.FromMicroseconds(100), DelayBinCount = 4 });
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 5);
        simulation.ScheduleAt(SimTime.FromMicroseconds(500), () => cable.FromA.Impairments.DropFrameNumbers.Add(cable.FromA.Impairments.DropFrameNumbers.Count + 3));
        simulation.Run();
        using var stream = new MemoryStream();

        FlowReport.WriteJson(stream, monitor.GetStatistics());

        using JsonDocument document = JsonDocument.Parse(stream.ToArray());
        JsonElement flow = document.RootElement.GetProperty("flows").EnumerateArray().Single(f => f.GetProperty("sourcePort").GetInt32() == sender.LocalPort);
        flow.GetProperty("protocol").GetString().Should().Be("udp");
        flow.GetProperty("destination").GetString().Should().Be("10.0.0.2");
        flow.GetProperty("icmpType").ValueKind.Should().Be(JsonValueKind.Null);
        flow.GetProperty("packetsSent").GetInt64().Should().Be(5);
        flow.GetProperty("packetsReceived").GetInt64().Should().Be(4);
        flow.GetProperty("packetsLost").GetInt64().Should().Be(1);
        flow.GetProperty("drops").GetProperty("Frame.LostOnCable").GetInt64().Should().Be(1);
        flow.GetProperty("delayMinS").GetDouble().Should().Be(OneWay.TotalSeconds);
        flow.GetProperty("jitterS").GetDouble().Should().Be(0);
        flow.GetProperty("delayBinWidthS").GetDouble().Should().Be(0.0001);
        flow.GetProperty("delayHistogram").EnumerateArray().Select(e => e.GetInt64()).Should().Equal([0, 4, 0, 0], "173.2 us is in the second bin");
        flow.GetProperty("throughputBps").GetInt64().Should().BePositive();
    }

    [Fact]
    public void The_table_has_a_row_per_flow_with_columns_lined_up()
    {
        var (simulation, network, pc1, pc2) = TwoHosts();
        using var monitor = new FlowMonitor(network.Tracer);
        UdpSocket sender = SendEveryMillisecond(simulation, pc1, pc2, count: 2);
        simulation.Run();

        string table = FlowReport.FormatTable(monitor.GetStatistics());

        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("Flow").And.Contain("Mean delay").And.Contain("Throughput");
        lines.Should().Contain(line => line.StartsWith($"udp 10.0.0.1:{sender.LocalPort} > 10.0.0.2:9", StringComparison.Ordinal) && line.Contains(OneWay.ToString(), StringComparison.Ordinal));
        lines.Select(line => line.Length).Distinct().Should().HaveCount(1, "the columns are padded to one width");
    }

    private static (Simulation Simulation, Network Network, Host Pc1, Host Pc2) TwoHosts()
    {
        var (simulation, network, pc1, pc2, _) = TwoHostsWithCable(seed: 1);
        return (simulation, network, pc1, pc2);
    }

    private static (Simulation Simulation, Network Network, Host Pc1, Host Pc2, Cable Cable) TwoHostsWithCable(ulong seed)
    {
        var simulation = new Simulation(seed);
        var network = new Network(simulation);
        var pc1 = new Host(network, "pc1", "10.0.0.1/24");
        var pc2 = new Host(network, "pc2", "10.0.0.2/24");
        var cable = new Cable(pc1.Port, pc2.Port, Rate, Propagation);
        var sink = new UdpSocket(pc2);
        sink.Bind(SinkPort);
        return (simulation, network, pc1, pc2, cable);
    }

    // A datagram from another socket at time 0, so that ARP is done before the flow measured starts.
    private static void Warm(Simulation simulation, Host pc1, Host pc2) => new UdpSocket(pc1).SendTo([0], pc2.Address, SinkPort);

    // One datagram every millisecond from 1 ms on, each alone on the cable.
    private static UdpSocket SendEveryMillisecond(Simulation simulation, Host pc1, Host pc2, int count, bool warm = true)
    {
        if (warm)
        {
            Warm(simulation, pc1, pc2);
        }

        var sender = new UdpSocket(pc1);
        sender.Bind();
        for (int i = 1; i <= count; i++)
        {
            simulation.ScheduleAt(SimTime.FromMilliseconds(i), () => sender.SendTo(new byte[Payload], pc2.Address, SinkPort));
        }

        return sender;
    }
}
