using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using SocketException = System.Net.Sockets.SocketException;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

/// <summary>How TCP connections end when the peer is silent, missing or gone, and the limits of a listener and a web server.</summary>
public class TcpLimitsTests
{
    /// <summary>pc (10.0.0.1/24) on a cable to a NIC that never answers, which pc believes is 10.0.0.99.</summary>
    private static (IpTestNetwork Net, Host Pc, Ipv4Address Silent) SilentPeer()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/24");
        var silent = new Nic(net.Network, "silent");
        net.Connect(pc.Port, silent.Port);
        var address = Ipv4Address.Parse("10.0.0.99");
        pc.Interfaces[0].Arp.AddStatic(address, silent.Mac);
        return (net, pc, address);
    }

    private static async Task<SocketError> ConnectError(Host from, Ipv4Address to, TcpSettings? settings = null)
    {
        try
        {
            await TcpConnection.ConnectAsync(from, to, 80, settings);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    [Fact]
    public void A_connect_to_an_address_that_never_answers_fails_after_six_syn_retries_at_127_seconds()
    {
        (IpTestNetwork net, Host pc, Ipv4Address silent) = SilentPeer();
        FrameLog log = IpTestNetwork.Tap(pc.Port);
        SocketError? result = null;
        SimTime failedAt = default;
        net.Simulation.Start(async () =>
        {
            result = await ConnectError(pc, silent);
            failedAt = net.Simulation.Now;
        });
        net.Simulation.Run();

        result.Should().Be(SocketError.TimedOut);
        failedAt.Should().Be(SimTime.FromSeconds(127), "SYNs at 0, 1, 3, 7, 15, 31 and 63 s, and 64 s more for the last");
        log.Sent.Should().HaveCount(7);
    }

    [Fact]
    public void The_number_of_syn_retries_is_a_setting()
    {
        (IpTestNetwork net, Host pc, Ipv4Address silent) = SilentPeer();
        SimTime failedAt = default;
        net.Simulation.Start(async () =>
        {
            await ConnectError(pc, silent, new TcpSettings { SynRetries = 2 });
            failedAt = net.Simulation.Now;
        });
        net.Simulation.Run();

        failedAt.Should().Be(SimTime.FromSeconds(7));
    }

    [Fact]
    public void A_connect_through_a_router_to_a_missing_host_fails_at_the_routers_host_unreachable_in_seconds()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        SocketError? result = null;
        SimTime failedAt = default;
        net.Simulation.Start(async () =>
        {
            result = await ConnectError(pc1, Ipv4Address.Parse("10.0.2.99"));
            failedAt = net.Simulation.Now;
        });
        net.Simulation.Run();

        result.Should().Be(SocketError.HostUnreachable);
        failedAt.Should().BeGreaterThan(SimTime.FromSeconds(3)).And.BeLessThan(SimTime.FromSeconds(4), "the router gives up ARP after three requests a second apart");
        routers[0].Counters.IcmpErrorsSent.Should().Be(3, "the SYN and its two retransmissions waited for ARP, and each gets its answer");
    }

    [Fact]
    public void A_connect_into_a_network_without_a_route_fails_at_the_routers_net_unreachable()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(1);
        SocketError? result = null;
        net.Simulation.Start(async () => result = await ConnectError(pc1, Ipv4Address.Parse("10.9.9.9")));
        net.Simulation.Run();

        result.Should().Be(SocketError.NetworkUnreachable);
        net.Simulation.Now.Should().BeLessThan(SimTime.FromSeconds(1));
    }

    private static (IpTestNetwork Net, Cable Cable, TcpConnection Client, TcpConnection Server) Established(TcpSettings settings)
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var b = new Host(net.Network, "b", "10.0.0.2/24");
        Cable cable = net.Connect(a.Port, b.Port);
        var listener = new TcpListener(b, 80, settings);
        listener.Start();
        TcpConnection? client = null;
        TcpConnection? server = null;
        net.Simulation.Start(async () => server = await listener.AcceptAsync());
        net.Simulation.Start(async () => client = await TcpConnection.ConnectAsync(a, b.Address, 80, settings));
        net.Simulation.RunFor(SimDuration.FromSeconds(1));
        return (net, cable, client!, server!);
    }

    private static readonly TcpSettings QuickKeepAlive = new()
    {
        KeepAlive = true,
        KeepAliveTime = SimDuration.FromSeconds(60),
        KeepAliveInterval = SimDuration.FromSeconds(5),
        KeepAliveProbes = 3,
    };

    [Fact]
    public void Keepalive_is_off_by_default_and_follows_linux_when_on()
    {
        TcpSettings.Default.KeepAlive.Should().BeFalse("RFC 1122 4.2.3.6: off unless the application asks");
        TcpSettings.Default.KeepAliveTime.Should().Be(SimDuration.FromSeconds(7200));
        TcpSettings.Default.KeepAliveInterval.Should().Be(SimDuration.FromSeconds(75));
        TcpSettings.Default.KeepAliveProbes.Should().Be(9);
        TcpSettings.Default.SynRetries.Should().Be(6);
    }

    [Fact]
    public void Keepalive_probes_an_idle_peer_that_answers_and_the_connection_stays()
    {
        (IpTestNetwork net, _, TcpConnection client, TcpConnection server) = Established(QuickKeepAlive);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        client.State.Should().Be(TcpState.Established);
        server.State.Should().Be(TcpState.Established);
        client.KeepAliveProbes.Should().BeInRange(55, 61, "one probe a minute of idleness, each answered");
    }

    [Fact]
    public void Keepalive_ends_a_connection_whose_peer_vanished()
    {
        (IpTestNetwork net, Cable cable, TcpConnection client, TcpConnection server) = Established(QuickKeepAlive);
        cable.IsUp = false;
        net.Simulation.RunFor(SimDuration.FromSeconds(100));

        server.State.Should().Be(TcpState.Closed, "60 s idle, then three probes 5 s apart unanswered");
        server.KeepAliveProbes.Should().Be(3);
        server.Closed.IsCompleted.Should().BeTrue();
        client.State.Should().Be(TcpState.Closed);
    }

    [Fact]
    public void Without_keepalive_an_idle_connection_to_a_vanished_peer_sends_nothing()
    {
        (IpTestNetwork net, Cable cable, TcpConnection client, TcpConnection server) = Established(TcpSettings.Default);
        cable.IsUp = false;
        net.Simulation.RunFor(SimDuration.FromSeconds(8000));

        server.State.Should().Be(TcpState.Established, "RFC 1122: keepalive is the application's choice");
        server.SegmentsSent.Should().Be(1);
    }

    [Fact]
    public void A_listener_takes_no_more_than_its_connection_limit_and_lets_the_next_in_when_one_closes()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 80) { MaxConnections = 2 };
        listener.Start();
        listener.Backlog.Should().Be(4096, "Linux's somaxconn");
        var accepted = new List<TcpConnection>();
        listener.Accepted += (_, connection) => accepted.Add(connection);
        var connected = new List<SimTime>();
        for (int i = 0; i < 3; i++)
        {
            net.Simulation.Start(async () =>
            {
                await TcpConnection.ConnectAsync(pc1, pc2.Address, 80);
                connected.Add(net.Simulation.Now);
            });
        }

        net.Simulation.RunFor(SimDuration.FromMilliseconds(500));
        accepted.Should().HaveCount(2);
        listener.OpenConnections.Should().Be(2);
        listener.SynsDropped.Should().Be(1);

        accepted[0].Abort();
        listener.OpenConnections.Should().Be(1);
        net.Simulation.RunFor(SimDuration.FromSeconds(2));
        accepted.Should().HaveCount(3, "the third client's SYN, sent again after 1 s, finds room");
        connected.Should().HaveCount(3);
        connected[2].Should().BeGreaterThan(SimTime.FromSeconds(1));
    }

    private static (IpTestNetwork Net, Host Client, WebServer Server) WebSetup()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new WebServer(pc2);
        server.AddPage("/", "<h1>hello</h1>");
        server.Start();
        return (net, pc1, server);
    }

    [Fact]
    public void The_web_server_answers_408_to_a_request_that_stops_halfway_and_closes()
    {
        (IpTestNetwork net, Host client, WebServer server) = WebSetup();
        server.RequestHeadersTimeout.Should().Be(SimDuration.FromSeconds(30), "Kestrel's default");
        var received = new StringBuilder();
        SimTime endAt = default;
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Node.Interfaces[0].Address, 80);
            await c.WriteAsync("GET / HTTP/1.1\r\nHost: w"u8.ToArray());
            byte[] buffer = new byte[4096];
            int n;
            while ((n = await c.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            endAt = net.Simulation.Now;
            await c.CloseAsync();
        });
        net.Simulation.Run();

        received.ToString().Should().StartWith("HTTP/1.1 408 Request Timeout\r\n").And.Contain("Connection: close");
        endAt.Should().BeInRange(SimTime.FromSeconds(30), SimTime.FromSeconds(30) + SimDuration.FromMilliseconds(10));
        server.RequestTimeouts.Should().Be(1);
    }

    [Fact]
    public void The_web_server_closes_a_connection_that_sends_nothing_after_its_keep_alive_timeout()
    {
        (IpTestNetwork net, Host client, WebServer server) = WebSetup();
        server.KeepAliveTimeout.Should().Be(SimDuration.FromSeconds(130), "Kestrel's default");
        SimTime endAt = default;
        TcpConnection? c = null;
        net.Simulation.Start(async () =>
        {
            c = await TcpConnection.ConnectAsync(client, server.Node.Interfaces[0].Address, 80);
            (await c.ReadAsync(new byte[100])).Should().Be(0, "the server closes without a word");
            endAt = net.Simulation.Now;
            await c.CloseAsync();
        });
        net.Simulation.Run();

        endAt.Should().BeInRange(SimTime.FromSeconds(130), SimTime.FromSeconds(130) + SimDuration.FromMilliseconds(10));
        server.IdleTimeouts.Should().Be(1);
        c!.State.Should().Be(TcpState.Closed);
    }

    [Fact]
    public void A_kept_alive_connection_is_closed_after_the_keep_alive_timeout_from_its_last_request()
    {
        (IpTestNetwork net, Host client, WebServer server) = WebSetup();
        SimTime endAt = default;
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Node.Interfaces[0].Address, 80);
            byte[] buffer = new byte[4096];
            for (int i = 0; i < 3; i++)
            {
                await net.Simulation.Delay(SimDuration.FromSeconds(100));
                await c.WriteAsync("GET / HTTP/1.1\r\nHost: w\r\n\r\n"u8.ToArray());
                (await c.ReadAsync(buffer)).Should().BeGreaterThan(0);
            }

            while (await c.ReadAsync(buffer) > 0)
            {
            }

            endAt = net.Simulation.Now;
            await c.CloseAsync();
        });
        net.Simulation.Run();

        server.RequestsServed.Should().Be(3, "100 s between requests is within the 130 s");
        endAt.Should().BeInRange(SimTime.FromSeconds(430), SimTime.FromSeconds(430) + SimDuration.FromMilliseconds(10));
        server.IdleTimeouts.Should().Be(1);
    }

    [Fact]
    public void A_web_client_that_vanishes_leaves_no_connection_on_the_server_within_the_hour()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/24");
        var serverHost = new Host(net.Network, "server", "10.0.0.2/24");
        Cable cable = net.Connect(pc.Port, serverHost.Port);
        var server = new WebServer(serverHost);
        server.AddPage("/", "<h1>hello</h1>");
        server.Start();
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(pc, serverHost.Address, 80);
            await c.WriteAsync("GET / HTTP/1.1\r\nHost: w\r\n\r\n"u8.ToArray());
            await c.ReadAsync(new byte[4096]);
            cable.IsUp = false; // the client's cable is pulled while it keeps the connection
        });
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        server.RequestsServed.Should().Be(1);
        server.IdleTimeouts.Should().Be(1, "130 s after the request the server closes");
        server.ConnectionErrors.Should().Be(1, "its FIN is never acknowledged: the close times out");
        net.Simulation.PendingEvents.Should().Be(net.Simulation.PendingBackgroundEvents, "nothing of the connection is left scheduled");
    }

    [Fact]
    public void A_connection_aborted_by_the_accept_callback_leaves_the_listener_count_right()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 80) { MaxConnections = 1 };
        listener.Start();
        int accepted = 0;
        listener.Accepted += (_, c) =>
        {
            accepted++;
            c.Abort();
        };
        for (int i = 0; i < 3; i++)
        {
            net.Simulation.Start(async () => await ConnectError(pc1, pc2.Address));
            net.Simulation.RunFor(SimDuration.FromMilliseconds(100));
        }

        accepted.Should().Be(3, "each connection was closed at once, so the limit of one never stood in the way");
        listener.OpenConnections.Should().Be(0);
        listener.SynsDropped.Should().Be(0);
    }

    [Fact]
    public void Keepalive_over_loopback_is_answered_and_an_idle_run_still_ends()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/24");
        var listener = new TcpListener(pc, 80, QuickKeepAlive);
        listener.Start();
        TcpConnection? client = null;
        net.Simulation.Start(async () => client = await TcpConnection.ConnectAsync(pc, Ipv4Address.Parse("127.0.0.1"), 80, QuickKeepAlive));
        net.Simulation.Run();
        net.Simulation.Now.Should().BeLessThan(SimTime.FromSeconds(1), "keepalive is housekeeping: it does not keep Run going");

        net.Simulation.RunFor(SimDuration.FromSeconds(3600));
        client!.State.Should().Be(TcpState.Established, "every probe over loopback is answered at once");
        client.KeepAliveProbes.Should().BeGreaterThan(50);
    }

    [Fact]
    public void An_icmp_error_about_a_segment_never_sent_does_not_end_a_connect()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/24");
        var raw = new Nic(net.Network, "raw");
        net.Connect(pc.Port, raw.Port);
        var peer = Ipv4Address.Parse("10.0.0.99");
        pc.Interfaces[0].Arp.AddStatic(peer, raw.Mac);
        FrameLog log = IpTestNetwork.Tap(pc.Port);
        SocketError? result = null;
        net.Simulation.Start(async () => result = await ConnectError(pc, peer));
        net.Simulation.RunFor(SimDuration.FromMilliseconds(10));
        byte[] syn = log.Sent.Single()[EthernetFrame.HeaderLength..];

        void SendUnreachable(byte[] quote)
        {
            byte[] icmp = new byte[IcmpHeader.Length + quote.Length];
            quote.CopyTo(icmp, IcmpHeader.Length);
            new IcmpHeader(IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host).Emit(icmp);
            byte[] packet = new byte[Ipv4Header.MinLength + icmp.Length];
            new Ipv4Header(peer, pc.Address, IpProtocol.Icmp, 64, packet.Length).Emit(packet);
            icmp.CopyTo(packet, Ipv4Header.MinLength);
            FrameHandle frame = raw.CreateFrame(pc.Interfaces[0].Mac, EtherType.IPv4, packet.Length);
            packet.CopyTo(raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
            raw.Send(frame);
        }

        byte[] forged = syn[..28];
        forged[Ipv4Header.MinLength + 7] ^= 0x55; // the quoted sequence number is not the SYN's
        SendUnreachable(forged);
        net.Simulation.RunFor(SimDuration.FromMilliseconds(10));
        result.Should().BeNull("RFC 5927 4.1: an error about a sequence number not in flight is ignored");

        SendUnreachable(syn[..28]);
        net.Simulation.RunFor(SimDuration.FromMilliseconds(10));
        result.Should().Be(SocketError.HostUnreachable);
    }

    [Fact]
    public void A_request_pipelined_behind_a_slow_response_is_answered_not_timed_out()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/24");
        var serverHost = new Host(net.Network, "server", "10.0.0.2/24");
        _ = new Cable(pc.Port, serverHost.Port, DataRate.FromMegabitsPerSecond(1), SimDuration.FromMicroseconds(1));
        var server = new WebServer(serverHost);
        server.AddRoute("/big", 200, "application/octet-stream", new byte[8_000_000]); // 64 s at 1 Mb/s
        server.AddPage("/small", "small");
        server.Start();
        long received = 0;
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(pc, serverHost.Address, 80);
            await c.WriteAsync("GET /big HTTP/1.1\r\nHost: w\r\n\r\nGET /small HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n"u8.ToArray());
            byte[] buffer = new byte[65536];
            int n;
            while ((n = await c.ReadAsync(buffer)) > 0)
            {
                received += n;
            }

            await c.CloseAsync();
        });
        net.Simulation.Run();

        server.RequestsServed.Should().Be(2);
        server.RequestTimeouts.Should().Be(0);
        server.ConnectionErrors.Should().Be(0);
        received.Should().BeGreaterThan(8_000_000);
    }
}
