using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>The ARP cache's limits: who is learned, how long entries stay, how many, and what waits for them.</summary>
public class ArpCacheBoundsTests
{
    /// <summary>A raw NIC on pc's cable, from which tests send any ARP packet to pc (10.0.0.1/16).</summary>
    internal static (IpTestNetwork Net, Nic Raw, Host Pc) RawAndHost(string address = "10.0.0.1/16")
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var pc = new Host(net.Network, "pc", address);
        net.Connect(raw.Port, pc.Port);
        return (net, raw, pc);
    }

    internal static void SendArp(Nic raw, in ArpHeader packet)
    {
        FrameHandle frame = raw.CreateFrame(MacAddress.Broadcast, EtherType.Arp, ArpHeader.Length);
        packet.Emit(raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
        raw.Send(frame);
    }

    private static MacAddress Mac(int i) => MacAddress.FromUInt64(0x02_aa_00_00_00_00UL + (ulong)i);

    [Fact]
    public void A_request_for_us_from_a_sender_off_our_network_is_answered_but_not_learned()
    {
        (IpTestNetwork net, Nic raw, Host pc) = RawAndHost("10.0.0.1/24");
        SendArp(raw, ArpHeader.Request(Mac(1), Ipv4Address.Parse("172.16.5.5"), pc.Address));
        SendArp(raw, ArpHeader.Request(Mac(2), Ipv4Address.Parse("10.0.0.7"), pc.Address));
        net.Simulation.Run();

        pc.Interfaces[0].Arp.RepliesSent.Should().Be(2, "a request for our address is answered whoever asks");
        pc.Interfaces[0].Arp.GetEntries().Should().ContainSingle("only the sender on 10.0.0.0/24 is learned")
            .Which.Address.Should().Be(Ipv4Address.Parse("10.0.0.7"));
    }

    [Fact]
    public void A_request_claiming_our_own_address_is_not_learned()
    {
        (IpTestNetwork net, Nic raw, Host pc) = RawAndHost();
        SendArp(raw, ArpHeader.Request(Mac(1), pc.Address, pc.Address));
        net.Simulation.Run();

        pc.Interfaces[0].Arp.GetEntries().Should().BeEmpty();
    }

    [Fact]
    public void A_full_cache_evicts_its_oldest_entry_for_a_new_one()
    {
        (IpTestNetwork net, Nic raw, Host pc) = RawAndHost();
        ArpCache arp = pc.Interfaces[0].Arp;
        arp.MaxEntries.Should().Be(1024, "Linux's gc_thresh3");
        arp.MaxEntries = 4;
        for (int i = 1; i <= 10; i++)
        {
            SendArp(raw, ArpHeader.Request(Mac(i), Ipv4Address.Parse($"10.0.1.{i}"), pc.Address));
            net.Simulation.RunFor(SimDuration.FromMilliseconds(1));
        }

        arp.GetEntries().Select(e => e.Address.ToString()).Should().Equal("10.0.1.7", "10.0.1.8", "10.0.1.9", "10.0.1.10");
        arp.Evictions.Should().Be(6);
    }

    [Fact]
    public void Refreshing_an_entry_does_not_make_it_younger_for_eviction_but_static_entries_are_never_evicted()
    {
        (IpTestNetwork net, Nic raw, Host pc) = RawAndHost();
        ArpCache arp = pc.Interfaces[0].Arp;
        arp.MaxEntries = 2;
        arp.AddStatic(Ipv4Address.Parse("10.0.9.9"), Mac(99));
        SendArp(raw, ArpHeader.Request(Mac(1), Ipv4Address.Parse("10.0.1.1"), pc.Address));
        SendArp(raw, ArpHeader.Request(Mac(2), Ipv4Address.Parse("10.0.1.2"), pc.Address));
        SendArp(raw, ArpHeader.Request(Mac(3), Ipv4Address.Parse("10.0.1.3"), pc.Address));
        net.Simulation.Run();

        arp.GetEntries().Select(e => e.Address.ToString()).Should().Equal("10.0.1.2", "10.0.1.3", "10.0.9.9");
    }

    [Fact]
    public void Expired_entries_are_removed_without_keeping_the_run_going()
    {
        (IpTestNetwork net, Nic raw, Host pc) = RawAndHost();
        ArpCache arp = pc.Interfaces[0].Arp;
        SendArp(raw, ArpHeader.Request(Mac(1), Ipv4Address.Parse("10.0.1.1"), pc.Address));
        net.Simulation.Run();
        net.Simulation.Now.Should().BeLessThan(SimTime.FromSeconds(1), "Run returns when only the cache's housekeeping is left");
        net.Simulation.PendingBackgroundEvents.Should().Be(1);

        net.Simulation.RunUntil(SimTime.FromSeconds(61));
        arp.GetEntries().Should().BeEmpty();
        net.Simulation.PendingEvents.Should().Be(0, "nothing is left to expire, so nothing stays scheduled");
    }

    [Fact]
    public void Packets_waiting_for_resolution_are_bounded_across_all_addresses()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.1/16");
        var other = new Host(net.Network, "other", "10.0.0.2/16");
        Cable cable = net.Connect(pc.Port, other.Port);
        ArpCache arp = pc.Interfaces[0].Arp;
        arp.MaxPendingPacketsTotal.Should().Be(256);
        for (int i = 0; i < 1000; i++)
        {
            pc.Send(Ipv4Address.FromUInt32(0x0a00_1000u + (uint)i), (IpProtocol)253, [1, 2, 3, 4]);
            pc.Send(Ipv4Address.FromUInt32(0x0a00_1000u + (uint)i), (IpProtocol)253, [1, 2, 3, 4]);
        }

        arp.PendingPackets.Should().Be(256);
        net.Network.Frames.InUse.Should().Be(256 + cable.FromA.QueuedFrames + 1, "the waiting packets hold their buffers, beside the ARP requests on the wire and in its queue");
        pc.Counters.Dropped(IpDropReason.ArpQueueFull).Should().Be(2000 - 256);

        net.Simulation.Run();
        arp.PendingPackets.Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0);
    }
}
