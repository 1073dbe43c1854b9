using NetSim.Applications;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class IpBadInputTests
{
    private static readonly Ipv4Address RawAddress = Ipv4Address.Parse("10.0.1.66");

    /// <summary>A raw NIC on pc1's network (replacing pc1), from which tests send any bytes to r1.</summary>
    private static (IpTestNetwork Net, Nic Raw, Router R1, Host Pc2) Setup()
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var r1 = new Router(net.Network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        var pc2 = new Host(net.Network, "pc2", "10.0.2.10/24", "10.0.2.1");
        net.Connect(raw.Port, r1.Interfaces[0].Port);
        net.Connect(r1.Interfaces[1].Port, pc2.Port);
        r1.Interfaces[0].Arp.AddStatic(RawAddress, raw.Mac);
        return (net, raw, r1, pc2);
    }

    private static byte[] GoodPacket(Ipv4Address destination, int payload = 16, byte ttl = 64)
    {
        var packet = new byte[Ipv4Header.MinLength + payload];
        new Ipv4Header(RawAddress, destination, (IpProtocol)253, ttl, packet.Length, Identification: 7).Emit(packet);
        return packet;
    }

    private static void SendRaw(Nic raw, MacAddress to, EtherType type, ReadOnlySpan<byte> payload)
    {
        FrameHandle frame = raw.CreateFrame(to, type, payload.Length);
        payload.CopyTo(raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
        raw.Send(frame);
    }

    [Fact]
    public void Malformed_packets_are_dropped_and_counted_by_reason_and_the_router_keeps_forwarding()
    {
        (IpTestNetwork net, Nic raw, Router r1, Host pc2) = Setup();
        MacAddress router = r1.Interfaces[0].Mac;
        byte[] good = GoodPacket(pc2.Address);

        SendRaw(raw, router, EtherType.IPv4, good.AsSpan(0, 12)); // cut short: the NIC pads it with zeros, so its addresses read as zeros
        byte[] badVersion = [.. good];
        badVersion[0] = 0x65;
        SendRaw(raw, router, EtherType.IPv4, badVersion);
        byte[] badIhl = [.. good];
        badIhl[0] = 0x43;
        SendRaw(raw, router, EtherType.IPv4, badIhl);
        byte[] tooLong = [.. good];
        tooLong[2] = 0x05; // total length 0x05xx: more than the frame holds
        SendRaw(raw, router, EtherType.IPv4, tooLong);
        byte[] corrupted = [.. good];
        corrupted[15] ^= 0x10; // a flipped bit in the source address: the header checksum no longer matches
        SendRaw(raw, router, EtherType.IPv4, corrupted);
        SendRaw(raw, router, EtherType.Arp, new byte[28]); // hardware type 0
        SendRaw(raw, router, (EtherType)0x86dd, good); // IPv6: not spoken here
        SendRaw(raw, router, EtherType.IPv4, good);
        net.Simulation.Run();

        IpCounters counters = r1.Counters;
        counters.Malformed(WireError.BadLength).Should().Be(1, "a total length of 0x05xx is more than the frame holds");
        counters.Malformed(WireError.BadVersion).Should().Be(1);
        counters.Malformed(WireError.BadHeaderLength).Should().Be(1);
        counters.Malformed(WireError.BadChecksum).Should().Be(2, "the flipped bit, and the cut packet whose padding replaced its addresses");
        counters.Malformed(WireError.UnsupportedArpFormat).Should().Be(1);
        counters.Dropped(IpDropReason.UnknownEtherType).Should().Be(1);
        counters.Dropped(IpDropReason.Malformed).Should().Be(6);
        counters.PacketsForwarded.Should().Be(2, "the good packet still went through, and pc2's protocol unreachable came back");
        pc2.Counters.Dropped(IpDropReason.UnknownProtocol).Should().Be(1, "protocol 253 reached pc2, which does not speak it");
    }

    [Fact]
    public void A_truly_truncated_packet_is_dropped_as_truncated()
    {
        (IpTestNetwork net, Nic raw, Router r1, _) = Setup();
        FrameHandle frame = raw.CreateFrame(r1.Interfaces[0].Mac, EtherType.IPv4, 0);
        raw.Network.Frames.SetLength(frame, EthernetFrame.HeaderLength + 10); // bypass padding: send it through the port directly
        raw.Port.Send(frame);
        net.Simulation.Run();
        r1.Counters.Malformed(WireError.Truncated).Should().Be(1);
    }

    [Fact]
    public void Random_bytes_never_throw_and_a_ping_still_works_afterwards()
    {
        (IpTestNetwork net, Nic raw, Router r1, Host pc2) = Setup();
        var random = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            byte[] payload = new byte[random.Next(0, 200)];
            random.NextBytes(payload);
            if (i % 2 == 0 && payload.Length >= 20)
            {
                // Mostly valid headers with random content behind them reach further into the stack.
                GoodPacket(i % 4 == 0 ? pc2.Address : r1.Interfaces[0].Address, payload.Length - 20, (byte)random.Next(0, 4)).AsSpan(0, 20).CopyTo(payload);
                payload[9] = (byte)(i % 8 == 0 ? 1 : random.Next(256)); // ICMP often
                InternetChecksumFix(payload);
            }

            SendRaw(raw, r1.Interfaces[0].Mac, i % 10 == 0 ? EtherType.Arp : EtherType.IPv4, payload);
            if (i % 100 == 0)
            {
                net.Simulation.Run();
            }
        }

        net.Simulation.Run();
        r1.Counters.PacketsDropped.Should().BeGreaterThan(500);
        var ping = new Ping(r1, pc2.Address) { Count = 1 };
        ping.Start();
        net.Simulation.Run();
        ping.Results.Single().Status.Should().Be(PingStatus.Reply);
        net.Network.Frames.InUse.Should().Be(0, "every dropped frame went back to the pool");
    }

    private static void InternetChecksumFix(byte[] packet)
    {
        packet[10] = 0;
        packet[11] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, 20)));
    }

    [Theory]
    [InlineData("10.0.1.255", "10.0.2.10", false)] // a subnet broadcast as source: TTL 1 must not make r1 broadcast time exceeded
    [InlineData("255.255.255.255", "10.0.2.10", false)]
    [InlineData("127.0.0.1", "10.0.2.10", false)]
    [InlineData("0.0.0.0", "10.0.2.10", false)]
    [InlineData("240.0.0.1", "10.0.2.10", false)]
    [InlineData("10.0.1.66", "224.0.0.5", false)] // multicast is not routed
    [InlineData("10.0.1.66", "127.0.0.1", false)]
    [InlineData("10.0.1.66", "10.0.2.10", true)]
    public void Impossible_addresses_are_dropped_silently(string source, string destination, bool forwarded)
    {
        (IpTestNetwork net, Nic raw, Router r1, _) = Setup();
        FrameLog log = IpTestNetwork.Tap(raw.Port);
        byte[] packet = GoodPacket(Ipv4Address.Parse(destination), ttl: 1);
        Ipv4Address.Parse(source).WriteTo(packet.AsSpan(12));
        InternetChecksumFix(packet);
        SendRaw(raw, r1.Interfaces[0].Mac, EtherType.IPv4, packet);
        net.Simulation.Run();

        if (forwarded)
        {
            log.Received.Should().ContainSingle("TTL 1 from a good source gets time exceeded");
            r1.Counters.Dropped(IpDropReason.TimeToLiveExceeded).Should().Be(1);
        }
        else
        {
            log.Received.Should().BeEmpty("nothing answers an impossible address");
            r1.Counters.Dropped(IpDropReason.BadAddress).Should().Be(1);
        }
    }

    [Fact]
    public void A_unicast_packet_in_a_broadcast_frame_is_not_forwarded()
    {
        (IpTestNetwork net, Nic raw, Router r1, Host pc2) = Setup();
        SendRaw(raw, MacAddress.Broadcast, EtherType.IPv4, GoodPacket(pc2.Address));
        net.Simulation.Run();
        r1.Counters.Dropped(IpDropReason.BadAddress).Should().Be(1);
        r1.Counters.PacketsForwarded.Should().Be(0);
    }
}
