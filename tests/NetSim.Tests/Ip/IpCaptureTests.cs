using NetSim.Applications;
using NetSim.Engine;
using NetSim.Topology;
using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Ip;

public class IpCaptureTests
{
    [Fact]
    public void Every_arp_ipv4_and_icmp_frame_on_every_link_parses_in_PacketDotNet_with_valid_checksums()
    {
        // Pings, a fragmented ping, a TTL expiry, an unreachable network and a traceroute over two routers.
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        routers[0].Interfaces[1].Mtu = 576;
        FrameLog[] logs = [IpTestNetwork.Tap(pc1.Port), IpTestNetwork.Tap(routers[0].Interfaces[1].Port), IpTestNetwork.Tap(pc2.Port)];
        new Ping(pc1, pc2.Address) { Count = 2 }.Start();
        net.Simulation.Schedule(SimDuration.FromSeconds(3), () => new Ping(pc1, pc2.Address) { Count = 1, PayloadSize = 1200 }.Start());
        net.Simulation.Schedule(SimDuration.FromSeconds(5), () => new Ping(pc1, pc2.Address) { Count = 1, TimeToLive = 2 }.Start());
        net.Simulation.Schedule(SimDuration.FromSeconds(7), () => new Ping(pc1, Ipv4Address.Parse("172.16.0.1")) { Count = 1 }.Start());
        net.Simulation.Schedule(SimDuration.FromSeconds(9), () => new Traceroute(pc1, pc2.Address).Start());
        net.Simulation.Run();

        int arp = 0, ipv4 = 0, icmp = 0;
        foreach (byte[] frame in logs.SelectMany(l => l.Frames).Select(f => f.Bytes))
        {
            var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
            if (ethernet.Type == EthernetType.Arp)
            {
                var parsed = ethernet.Extract<PacketDotNet.ArpPacket>();
                parsed.Should().NotBeNull();
                parsed!.ProtocolAddressType.Should().Be(EthernetType.IPv4);
                arp++;
                continue;
            }

            ethernet.Type.Should().Be(EthernetType.IPv4);
            var ip = ethernet.Extract<IPv4Packet>();
            ip.ValidChecksum.Should().BeTrue();
            ipv4++;
            if (ip.FragmentOffset == 0 && (ip.FragmentFlags & 0x1) == 0)
            {
                var message = ethernet.Extract<IcmpV4Packet>();
                message.ValidIcmpChecksum.Should().BeTrue($"ICMP {message.TypeCode} has a valid checksum");
                icmp++;
            }
        }

        arp.Should().BeGreaterThanOrEqualTo(6);
        ipv4.Should().BeGreaterThan(icmp, "the large ping was fragmented");
        icmp.Should().BeGreaterThan(30);
    }

    [Fact]
    public void The_same_topology_and_seed_give_byte_identical_captures()
    {
        static byte[] Capture(ulong seed)
        {
            var net = new IpTestNetwork(seed);
            (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
            routers[0].Interfaces[1].Port.Cable!.FromA.Impairments.LossProbability = 0.3;
            routers[0].Interfaces[1].Mtu = 700;
            var stream = new MemoryStream();
            using (var pcap = new NetSim.Tracing.PcapWriter(stream, net.Simulation))
            {
                pcap.Capture(pc1.Interfaces[0].Nic);
                new Ping(pc1, pc2.Address) { Count = 20, PayloadSize = 1000, Interval = SimDuration.FromMilliseconds(10) }.Start();
                net.Simulation.Run();
            }

            return stream.ToArray();
        }

        byte[] first = Capture(7);
        Capture(7).Should().Equal(first);
        Capture(8).Should().NotEqual(first, "another seed loses other frames");
    }
}
