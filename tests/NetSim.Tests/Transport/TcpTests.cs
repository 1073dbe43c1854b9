using System.Security.Cryptography;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using SocketException = System.Net.Sockets.SocketException;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

public class TcpTests
{
    private static readonly TcpSettings QuickTimeWait = new() { MaximumSegmentLifetime = SimDuration.FromSeconds(1) };

    /// <summary>The TCP segments in a log, as "flags seq ack len" relative to each side's ISN, from the client's side.</summary>
    private static List<string> Flags(FrameLog log, bool outgoing)
    {
        var lines = new List<string>();
        foreach ((byte[] frame, bool sent) in log.Frames)
        {
            if (sent != outgoing || FrameLog.TypeOf(frame) != EtherType.IPv4)
            {
                continue;
            }

            Ipv4Header ip = FrameLog.IpHeaderOf(frame);
            if (ip.Protocol != IpProtocol.Tcp)
            {
                continue;
            }

            TcpHeader.TryParse(frame.AsSpan(14 + ip.HeaderLength, ip.PayloadLength), out TcpHeader tcp).Should().Be(WireError.None);
            int length = ip.PayloadLength - tcp.HeaderLength;
            lines.Add(length > 0 ? $"{tcp.Flags} {length}" : tcp.Flags.ToString());
        }

        return lines;
    }

    private static (IpTestNetwork Net, Host Client, Host Server, FrameLog ClientLog) Pair()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        return (net, pc1, pc2, IpTestNetwork.Tap(pc1.Port));
    }

    [Fact]
    public void The_handshake_data_and_the_four_way_close_flag_by_flag_when_the_client_closes_first()
    {
        (IpTestNetwork net, Host client, Host server, FrameLog log) = Pair();
        var listener = new TcpListener(server, 80, QuickTimeWait);
        listener.Start();
        var clientStates = new List<TcpState>();
        TcpConnection? clientEnd = null;
        TcpConnection? serverEnd = null;
        string? received = null;
        net.Simulation.Start(async () =>
        {
            serverEnd = await listener.AcceptAsync();
            byte[] buffer = new byte[100];
            int n = await serverEnd.ReadAsync(buffer);
            received = System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            (await serverEnd.ReadAsync(buffer)).Should().Be(0, "the client's FIN is the end of the stream");
            serverEnd.State.Should().Be(TcpState.CloseWait);
            await serverEnd.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            clientEnd = await TcpConnection.ConnectAsync(client, server.Address, 80, QuickTimeWait);
            clientEnd.StateChanged += (_, change) => clientStates.Add(change.Current);
            await clientEnd.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            await clientEnd.CloseAsync();
        });
        net.Simulation.Run();

        received.Should().Be("GET / HTTP/1.1\r\n\r\n");
        Flags(log, outgoing: true).Should().Equal("Syn", "Ack", "Psh, Ack 18", "Fin, Ack", "Ack");
        // The server's ACK of the request waits (delayed ACKs); the FIN right behind it is acknowledged at once, and that ACK covers both.
        Flags(log, outgoing: false).Should().Equal("Syn, Ack", "Ack", "Fin, Ack");
        clientStates.Should().Equal(TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed);
        serverEnd!.State.Should().Be(TcpState.Closed);
        clientEnd!.State.Should().Be(TcpState.Closed);
    }

    [Fact]
    public void The_four_way_close_when_the_server_closes_first_and_time_wait_lasts_two_msl()
    {
        (IpTestNetwork net, Host client, Host server, FrameLog log) = Pair();
        var settings = new TcpSettings { MaximumSegmentLifetime = SimDuration.FromSeconds(30) };
        var listener = new TcpListener(server, 80, settings);
        listener.Start();
        SimTime? timeWaitAt = null;
        SimTime? closedAt = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            s.StateChanged += (_, change) =>
            {
                if (change.Current == TcpState.TimeWait)
                {
                    timeWaitAt = net.Simulation.Now;
                }
                else if (change.Current == TcpState.Closed)
                {
                    closedAt = net.Simulation.Now;
                }
            };
            await s.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Address, 80, settings);
            (await c.ReadAsync(new byte[10])).Should().Be(0);
            await c.CloseAsync();
            c.State.Should().BeOneOf(TcpState.LastAck, TcpState.Closed);
        });
        net.Simulation.Run();

        Flags(log, outgoing: true).Should().Equal("Syn", "Ack", "Ack", "Fin, Ack");
        Flags(log, outgoing: false).Should().Equal("Syn, Ack", "Fin, Ack", "Ack");
        (closedAt!.Value - timeWaitAt!.Value).Should().Be(SimDuration.FromSeconds(60), "TIME-WAIT is 2 MSL");
    }

    [Fact]
    public void Simultaneous_close_goes_through_closing_on_both_sides()
    {
        (IpTestNetwork net, Host client, Host server, _) = Pair();
        var listener = new TcpListener(server, 80, QuickTimeWait);
        listener.Start();
        var states = new List<string>();
        TcpConnection? s = null, c = null;
        net.Simulation.Start(async () => s = await listener.AcceptAsync());
        net.Simulation.Start(async () => c = await TcpConnection.ConnectAsync(client, server.Address, 80, QuickTimeWait));
        net.Simulation.ScheduleAt(SimTime.FromMilliseconds(10), () =>
        {
            s!.StateChanged += (_, change) => states.Add($"server {change.Current}");
            c!.StateChanged += (_, change) => states.Add($"client {change.Current}");
            _ = c.CloseAsync(); // both FINs leave at once and cross
            _ = s.CloseAsync();
        });
        net.Simulation.Run();

        states.Should().Contain("client Closing").And.Contain("server Closing");
        states.Should().Contain("client TimeWait").And.Contain("server TimeWait");
        states.Count(state => state.EndsWith("Closed", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public void Simultaneous_open_makes_one_connection()
    {
        (IpTestNetwork net, Host a, Host b, FrameLog log) = Pair();
        TcpConnection? fromA = null, fromB = null;
        net.Simulation.Start(async () => fromA = await TcpConnection.ConnectAsync(a, b.Address, 5001, localPort: 5000));
        net.Simulation.Start(async () => fromB = await TcpConnection.ConnectAsync(b, a.Address, 5000, localPort: 5001));
        net.Simulation.RunFor(SimDuration.FromSeconds(5));

        fromA!.State.Should().Be(TcpState.Established);
        fromB!.State.Should().Be(TcpState.Established);
        Flags(log, outgoing: true).Take(2).Should().Equal("Syn", "Syn, Ack");
    }

    [Fact]
    public void A_closed_port_answers_with_a_reset_and_the_connect_is_refused()
    {
        (IpTestNetwork net, Host client, Host server, FrameLog log) = Pair();
        Exception? failure = null;
        net.Simulation.Start(async () =>
        {
            try
            {
                await TcpConnection.ConnectAsync(client, server.Address, 81);
            }
            catch (SocketException e)
            {
                failure = e;
            }
        });
        net.Simulation.Run();

        failure.Should().BeOfType<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        Flags(log, outgoing: false).Should().Equal("Rst, Ack");
        server.Counters.Dropped(IpDropReason.NoListener).Should().Be(1);
    }

    [Fact]
    public void An_abort_resets_the_peer()
    {
        (IpTestNetwork net, Host client, Host server, FrameLog log) = Pair();
        var listener = new TcpListener(server, 80);
        listener.Start();
        Exception? serverFailure = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            try
            {
                await s.ReadAsync(new byte[10]);
            }
            catch (SocketException e)
            {
                serverFailure = e;
            }
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Address, 80);
            c.Abort();
            c.State.Should().Be(TcpState.Closed);
        });
        net.Simulation.Run();

        serverFailure.Should().BeOfType<SocketException>().Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
        Flags(log, outgoing: true).Should().EndWith("Rst, Ack");
    }

    [Theory]
    [InlineData("loss", "cubic")]
    [InlineData("reordering", "cubic")]
    [InlineData("duplication", "cubic")]
    [InlineData("loss", "newreno")]
    [InlineData("reordering", "newreno")]
    [InlineData("duplication", "newreno")]
    public void One_megabyte_arrives_byte_identical_through_a_bad_path(string impairment, string congestionControl)
    {
        var net = new IpTestNetwork(seed: 5);
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        NetSim.Links.Impairments bad = routers[0].Interfaces[1].Port.Cable!.FromA.Impairments;
        NetSim.Links.Impairments badBack = routers[0].Interfaces[1].Port.Cable!.FromB.Impairments;
        switch (impairment)
        {
            case "loss":
                bad.LossProbability = 0.02;
                badBack.LossProbability = 0.02;
                break;
            case "reordering":
                bad.MaxJitter = SimDuration.FromMicroseconds(300); // several segment times: segments overtake each other
                break;
            case "duplication":
                bad.DuplicationProbability = 0.05;
                badBack.DuplicationProbability = 0.05;
                break;
        }

        byte[] data = new byte[1_000_000];
        new Random(7).NextBytes(data);
        var settings = new TcpSettings { CongestionControl = congestionControl == "cubic" ? () => new CubicCongestionControl() : () => new NewRenoCongestionControl() };
        (TcpConnection sender, byte[] received) = TcpTransfer.Run(net, pc1, pc2, settings, data);

        sender.CongestionControl.Should().BeOfType(congestionControl == "cubic" ? typeof(CubicCongestionControl) : typeof(NewRenoCongestionControl));
        received.Length.Should().Be(data.Length);
        SHA256.HashData(received).Should().Equal(SHA256.HashData(data));
        if (impairment == "loss")
        {
            sender.Retransmissions.Should().BeGreaterThan(0);
            sender.FastRetransmits.Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public void The_congestion_window_grows_by_slow_start_then_linearly_and_halves_on_three_duplicate_acks_without_a_new_slow_start()
    {
        var net = new IpTestNetwork(seed: 3);
        (Host pc1, _, Host pc2) = net.Chain(1);
        pc1.Port.Cable!.FromA.Impairments.DropFrameNumbers.Add(30); // one data segment in slow start (1: ARP, 2: SYN, 3: ACK)
        var listener = new TcpListener(pc2, 5000);
        listener.Start();
        var trace = new List<(int Cwnd, int Ssthresh, int InFlight)>();
        TcpConnection? sender = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            while (await s.ReadAsync(buffer) > 0)
            {
            }
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, new TcpSettings { CongestionControl = () => new NewRenoCongestionControl() });
            sender = c;
            c.CongestionWindowChanged += (_, _) => trace.Add((c.CongestionWindow, c.SlowStartThreshold, c.BytesInFlight));
            await sender.WriteAsync(new byte[2_000_000]);
            await sender.CloseAsync();
        });
        net.Simulation.Run();

        const int Mss = 1448; // 1,460 less the 12 bytes of the timestamps option (RFC 7323 and 6691, as Linux)
        sender!.MaximumSegmentSize.Should().Be(Mss);
        sender.FastRetransmits.Should().Be(1);
        sender.RetransmissionTimeouts.Should().Be(0);
        int loss = trace.FindIndex(t => t.Ssthresh != int.MaxValue);
        loss.Should().BeGreaterThan(5, "slow start ran for a while before the loss");

        // Slow start: from the initial window of 10 segments (RFC 6928: 14,600 bytes), the bytes each
        // ACK acknowledges up to two MSS (RFC 3465, L = 2 SMSS): a delayed ACK of two segments adds two.
        (int firstCwnd, _, _) = trace[0];
        firstCwnd.Should().BeInRange(10 * Mss, 12 * Mss);
        var steps = Enumerable.Range(1, loss - 1).Select(i => trace[i].Cwnd - trace[i - 1].Cwnd).ToList();
        steps.Should().OnlyContain(step => step == Mss || step == 2 * Mss, "slow start adds what each ACK acknowledged, one or two MSS");
        steps.Count(step => step == 2 * Mss).Should().BeGreaterThan(steps.Count / 2, "most ACKs are delayed ACKs of two segments");

        // Fast retransmit: ssthresh is half the flight. During recovery the window is PRR's (RFC 6937):
        // at the third duplicate ACK the pipe, the flight less three segments reported and the lost
        // one, is above ssthresh, and the proportional share of one segment delivered (half a
        // segment) is raised to the whole segment of the fast retransmit: cwnd = flight - 3 MSS.
        (int cwndAtLoss, int ssthresh, int flight) = trace[loss];
        ssthresh.Should().BeLessThan(trace[loss - 1].Cwnd);
        ssthresh.Should().Be(flight / 2);
        cwndAtLoss.Should().Be(flight - (3 * Mss));

        // PRR brings the window down to ssthresh, never below it with one loss, and recovery ends
        // there (cwnd = ssthresh, as Linux): no slow start after it.
        int end = trace.FindIndex(loss, t => t.Cwnd == t.Ssthresh);
        end.Should().BeGreaterThan(loss);
        trace.Skip(loss).Should().OnlyContain(t => t.Cwnd >= ssthresh && t.Ssthresh == ssthresh);

        // Congestion avoidance: one MSS at a time, each after about a window of ACKs (the window
        // is reported unchanged at ssthresh while recovery ends).
        var after = trace.Skip(end).ToList();
        after.Zip(after.Skip(1)).Should().OnlyContain(p => p.Second.Cwnd - p.First.Cwnd == Mss || p.Second.Cwnd == p.First.Cwnd);
        after.Zip(after.Skip(1)).Count(p => p.Second.Cwnd - p.First.Cwnd == Mss).Should().BeGreaterThan(5);
    }

    [Fact]
    public void A_slow_reader_closes_the_window_the_sender_probes_and_resumes_on_the_window_update()
    {
        var net = new IpTestNetwork(seed: 4);
        (Host pc1, _, Host pc2) = net.Chain(1);
        FrameLog log = IpTestNetwork.Tap(pc1.Port);
        var listener = new TcpListener(pc2, 5000, new TcpSettings { ReceiveBufferSize = 8000 });
        listener.Start();
        byte[] data = new byte[50_000];
        new Random(9).NextBytes(data);
        var received = new MemoryStream();
        TcpConnection? sender = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            await net.Simulation.Delay(SimDuration.FromSeconds(5)); // the application does not read at first
            byte[] buffer = new byte[1000];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
                await net.Simulation.Delay(SimDuration.FromMilliseconds(10));
            }

            await s.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000);
            await sender.WriteAsync(data);
            await sender.CloseAsync();
        });
        net.Simulation.RunUntil(SimTime.FromSeconds(4));

        sender!.SendWindow.Should().Be(0, "the receiver's buffer is full and nothing reads it");
        sender.BytesAcknowledged.Should().Be(8000);
        sender.ZeroWindowProbes.Should().BeGreaterThanOrEqualTo(1);
        long segmentsBefore = sender.SegmentsSent;
        net.Simulation.RunUntil(SimTime.FromSeconds(4) + SimDuration.FromMilliseconds(900));
        (sender.SegmentsSent - segmentsBefore).Should().BeLessThanOrEqualTo(1, "a stopped sender only probes, and backs off");

        net.Simulation.Run();
        received.ToArray().Should().Equal(data);
        sender.State.Should().Be(TcpState.Closed);
    }

    [Fact]
    public void Closing_while_a_write_waits_sends_every_byte_then_the_fin()
    {
        (IpTestNetwork net, Host client, Host server, _) = Pair();
        var listener = new TcpListener(server, 80);
        listener.Start();
        byte[] data = new byte[200_000];
        new Random(2).NextBytes(data);
        var received = new MemoryStream();
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            await s.CloseAsync();
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Address, 80, new TcpSettings { SendBufferSize = 65_535 });
            Task write = c.WriteAsync(data).AsTask(); // more than the send buffer holds: it waits
            write.IsCompleted.Should().BeFalse();
            await c.CloseAsync();
            write.IsCompletedSuccessfully.Should().BeTrue();
        });
        net.Simulation.Run();

        received.ToArray().Should().Equal(data);
    }

    [Fact]
    public void A_long_zero_window_brings_probes_but_no_false_fast_retransmit()
    {
        var net = new IpTestNetwork(seed: 4);
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 5000, new TcpSettings { ReceiveBufferSize = 8000 });
        listener.Start();
        TcpConnection? sender = null;
        long received = 0;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            await net.Simulation.Delay(SimDuration.FromSeconds(40));
            byte[] buffer = new byte[4096];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                received += n;
            }
        });
        net.Simulation.Start(async () =>
        {
            sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000);
            await sender.WriteAsync(new byte[30_000]);
            await sender.CloseAsync();
        });
        net.Simulation.RunUntil(SimTime.FromSeconds(120));

        received.Should().Be(30_000);
        sender!.ZeroWindowProbes.Should().BeGreaterThanOrEqualTo(4);
        sender.FastRetransmits.Should().Be(0, "answers to zero-window probes are not duplicate ACKs");
        sender.RetransmissionTimeouts.Should().Be(0);
    }

    [Fact]
    public void Hostile_segments_never_throw()
    {
        // A raw NIC on the server's link forges segments of the client's connection: any sequence, ack, flags, window.
        var net = new IpTestNetwork(seed: 6);
        var hub = new Hub(net.Network, "hub", 3);
        var client = new Host(net.Network, "client", "10.0.0.1/24");
        var server = new Host(net.Network, "server", "10.0.0.2/24");
        var raw = new Nic(net.Network, "raw");
        net.Connect(client.Port, hub.Ports[0]);
        net.Connect(server.Port, hub.Ports[1]);
        net.Connect(raw.Port, hub.Ports[2]);
        var listener = new TcpListener(server, 80);
        listener.Start();
        TcpConnection? c = null;
        net.Simulation.Start(async () => _ = await listener.AcceptAsync());
        net.Simulation.Start(async () => c = await TcpConnection.ConnectAsync(client, server.Address, 80));
        net.Simulation.RunFor(SimDuration.FromMilliseconds(10));
        c!.State.Should().Be(TcpState.Established);

        var random = new Random(11);
        for (int i = 0; i < 3000; i++)
        {
            int dataLength = random.Next(0, 40);
            byte[] segment = new byte[24 + dataLength];
            random.NextBytes(segment.AsSpan(24));
            var header = new TcpHeader(c.LocalPort, 80, (uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32),
                (TcpFlags)random.Next(0, 64), (ushort)random.Next(0, 65536), MaximumSegmentSize: (ushort)random.Next(0, 3));
            int length = header.Emit(segment.AsSpan(0, header.EmittedLength + dataLength), client.Address, server.Address);
            byte[] packet = new byte[20 + length + dataLength];
            new Ipv4Header(client.Address, server.Address, IpProtocol.Tcp, 64, packet.Length).Emit(packet);
            segment.AsSpan(0, length + dataLength).CopyTo(packet.AsSpan(20));
            NetSim.Links.FrameHandle frame = raw.CreateFrame(server.Interfaces[0].Mac, EtherType.IPv4, packet.Length);
            packet.CopyTo(net.Network.Frames.GetSpan(frame)[14..]);
            raw.Send(frame);
            if (i % 50 == 0)
            {
                net.Simulation.RunFor(SimDuration.FromMilliseconds(1));
            }
        }

        Action run = () => net.Simulation.RunFor(SimDuration.FromSeconds(300));
        run.Should().NotThrow();
        server.Counters.PacketsDelivered.Should().BeGreaterThan(1000);
    }
}
