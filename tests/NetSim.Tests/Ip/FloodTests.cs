using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>Tests that measure the process's memory run alone: any other test running beside them would move the figure.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>
/// Hostile floods against each table, then an hour of simulated time: the memory the run holds
/// returns to what it held before the flood (measured by the GC, not by the tables' counts).
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class FloodTests
{
    // Slack for what a run keeps once warm (a dictionary's buckets, the pool's retained buffers).
    private const long Slack = 256 * 1024;

    private static long HeldMemory() => GC.GetTotalMemory(forceFullCollection: true);

    [Fact]
    public void A_million_arp_requests_from_random_senders_leave_nothing_behind_an_hour_later()
    {
        (IpTestNetwork net, Nic raw, Host pc) = ArpCacheBoundsTests.RawAndHost("10.0.0.1/8");
        ArpCache arp = pc.Interfaces[0].Arp;
        var random = new Random(826);
        void Flood(int count)
        {
            for (int i = 0; i < count; i++)
            {
                // Half from our network (10/8), half from anywhere; every one asks for our address.
                uint sender = (i & 1) == 0 ? 0x0a00_0000u | (uint)random.Next(1, 0xff_ffff) : (uint)random.Next(0x0b00_0000, 0x7f00_0000);
                var mac = MacAddress.FromUInt64(0x02_00_00_00_00_00UL | (uint)random.Next());
                ArpCacheBoundsTests.SendArp(raw, ArpHeader.Request(mac, Ipv4Address.FromUInt32(sender), pc.Address));
                if (i % 64 == 63)
                {
                    net.Simulation.RunFor(SimDuration.FromMilliseconds(1));
                }
            }

            net.Simulation.RunFor(SimDuration.FromSeconds(1));
        }

        Flood(5000); // warm up every path, then let it all expire
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));
        long before = HeldMemory();

        Flood(1_000_000);
        arp.Count.Should().Be(arp.MaxEntries, "the cache is full of the newest senders, and no fuller");
        arp.Evictions.Should().BeGreaterThan(400_000);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        arp.Count.Should().Be(0);
        HeldMemory().Should().BeLessThan(before + Slack);
    }

    [Fact]
    public void Packets_to_a_whole_unanswering_network_leave_nothing_behind_an_hour_later()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/16");
        var other = new Host(net.Network, "other", "10.0.0.2/16");
        net.Connect(pc.Port, other.Port);
        void Flood(int rounds)
        {
            for (int round = 0; round < rounds; round++)
            {
                for (uint i = 0; i < 4096; i++)
                {
                    pc.Send(Ipv4Address.FromUInt32(0x0a00_1000u + i), (IpProtocol)253, new byte[1400]);
                }

                net.Simulation.RunFor(SimDuration.FromMilliseconds(100));
            }
        }

        Flood(1);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));
        long before = HeldMemory();

        Flood(50);
        pc.Interfaces[0].Arp.PendingPackets.Should().BeLessThanOrEqualTo(256);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        pc.Interfaces[0].Arp.Count.Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0);
        HeldMemory().Should().BeLessThan(before + Slack);
    }

    [Fact]
    public void The_frame_pool_gives_back_what_a_backlog_made_it_grow()
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var sink = new Nic(net.Network, "sink");
        Cable cable = net.Connect(raw.Port, sink.Port);
        cable.FromA.QueueLimitFrames = 100_000;
        cable.FromA.QueueLimitBytes = long.MaxValue;
        FramePool pool = net.Network.Frames;
        for (int i = 0; i < 50_000; i++)
        {
            raw.Send(raw.CreateFrame(sink.Mac, EtherType.IPv4, 1000));
        }

        pool.Capacity.Should().BeGreaterThanOrEqualTo(50_000);
        net.Simulation.RunFor(SimDuration.FromSeconds(10));

        pool.InUse.Should().Be(0);
        pool.Capacity.Should().Be(FramePool.RetainedBuffers, "the pool shrinks back once the backlog drained");
    }

    [Fact]
    public void Ten_thousand_silent_or_half_sent_clients_of_a_web_server_leave_nothing_behind_an_hour_later()
    {
        var net = new IpTestNetwork();
        (Host client, _, Host serverHost) = net.Chain(1);
        var server = new NetSim.Applications.WebServer(serverHost);
        server.AddPage("/", "<h1>hello</h1>");
        server.Start();
        long finished = 0;
        void Flood(int clients)
        {
            for (int i = 0; i < clients; i++)
            {
                bool halfSent = (i & 1) == 1;
                net.Simulation.Start(async () =>
                {
                    TcpConnection c = await TcpConnection.ConnectAsync(client, serverHost.Address, 80);
                    if (halfSent)
                    {
                        await c.WriteAsync("GET / HTTP/1.1\r\nHost: w"u8.ToArray());
                    }

                    byte[] buffer = new byte[512];
                    while (await c.ReadAsync(buffer) > 0)
                    {
                    }

                    await c.CloseAsync(); // a client that says nothing but closes when the server does
                    finished++;
                });
                if (i % 100 == 99)
                {
                    net.Simulation.RunFor(SimDuration.FromMilliseconds(10));
                }
            }

            net.Simulation.RunFor(SimDuration.FromSeconds(3600));
        }

        Flood(200);
        long before = HeldMemory();

        Flood(10_000);

        finished.Should().Be(10_200);
        server.IdleTimeouts.Should().Be(5_100);
        server.RequestTimeouts.Should().Be(5_100);
        HeldMemory().Should().BeLessThan(before + Slack);
    }

    [Fact]
    public void A_million_first_fragments_that_never_complete_leave_nothing_behind_an_hour_later()
    {
        (IpTestNetwork net, Nic raw, Host pc) = ArpCacheBoundsTests.RawAndHost("10.0.0.1/24");
        var source = Ipv4Address.Parse("10.0.0.66");
        pc.Interfaces[0].Arp.AddStatic(source, raw.Mac);
        byte[] fragment = new byte[Ipv4Header.MinLength + 64];
        void Flood(int count)
        {
            for (int i = 0; i < count; i++)
            {
                // A first fragment (more to come) of a datagram that never completes, each with its own id.
                new Ipv4Header(source, pc.Address, (IpProtocol)253, 64, fragment.Length, Identification: unchecked((ushort)i), MoreFragments: true).Emit(fragment);
                FrameHandle frame = raw.CreateFrame(pc.Interfaces[0].Mac, EtherType.IPv4, fragment.Length);
                fragment.CopyTo(raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
                raw.Send(frame);
                if (i % 64 == 63)
                {
                    net.Simulation.RunFor(SimDuration.FromMilliseconds(1));
                }
            }
        }

        Flood(1000);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));
        long before = HeldMemory();

        Flood(1_000_000);
        pc.Counters.Dropped(IpDropReason.ReassemblyOverflow).Should().BeGreaterThan(900_000, "at most 64 datagrams are put together at once");
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        pc.Counters.Dropped(IpDropReason.ReassemblyTimeout).Should().BeGreaterThan(0);
        HeldMemory().Should().BeLessThan(before + Slack);
    }
}
