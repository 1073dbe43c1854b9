using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>Fragments sent by hand from a raw NIC to a host, which reassembles them.</summary>
public class ReassemblyTests
{
    private static readonly Ipv4Address From = Ipv4Address.Parse("192.168.1.66");

    private static (IpTestNetwork Net, Nic Raw, Host Host) Setup()
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var host = new Host(net.Network, "host", "192.168.1.1/24");
        net.Connect(raw.Port, host.Port);
        return (net, raw, host);
    }

    /// <summary>Sends data bytes [offset, offset + length) of a protocol-253 datagram as one fragment.</summary>
    private static void SendFragment(Nic raw, Host host, int offset, int length, bool more, int headerLength = 20, ushort id = 1)
    {
        FrameHandle frame = raw.CreateFrame(host.Interfaces[0].Mac, EtherType.IPv4, headerLength + length);
        Span<byte> packet = raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..];
        var view = new Ipv4Packet(packet[..headerLength]);
        packet[0] = (byte)(0x40 | (headerLength / 4)); // the writing constructor wrote 0x45
        view.TotalLength = headerLength + length;
        view.Identification = id;
        view.MoreFragments = more;
        view.FragmentOffset = offset;
        view.TimeToLive = 64;
        view.Protocol = (IpProtocol)253;
        view.Source = From;
        view.Destination = host.Address;
        for (int i = 0; i < length; i++)
        {
            packet[headerLength + i] = unchecked((byte)(offset + i));
        }

        view.UpdateChecksum();
        raw.Send(frame);
    }

    [Fact]
    public void Fragments_in_any_order_make_one_datagram()
    {
        (IpTestNetwork net, Nic raw, Host host) = Setup();
        SendFragment(raw, host, 16, 16, more: true);
        SendFragment(raw, host, 32, 5, more: false);
        SendFragment(raw, host, 0, 16, more: true);
        SendFragment(raw, host, 16, 16, more: true); // a duplicate, after completion: a new datagram that never completes
        net.Simulation.Run();

        host.Counters.DatagramsReassembled.Should().Be(1);
        host.Counters.Dropped(IpDropReason.UnknownProtocol).Should().Be(1, "the whole datagram was handed up once");
        host.Counters.Dropped(IpDropReason.ReassemblyTimeout).Should().Be(1);
    }

    [Fact]
    public void A_hole_is_never_delivered_even_when_the_block_count_adds_up()
    {
        (IpTestNetwork net, Nic raw, Host host) = Setup();
        SendFragment(raw, host, 0, 8, more: true);
        SendFragment(raw, host, 24, 8, more: true);
        SendFragment(raw, host, 16, 8, more: false); // ends at 24, but data was already seen up to 32
        net.Simulation.Run();

        host.Counters.DatagramsReassembled.Should().Be(0);
        host.Counters.Dropped(IpDropReason.BadFragments).Should().Be(1);
    }

    [Fact]
    public void Fragments_past_the_end_or_with_a_second_end_drop_the_datagram()
    {
        (IpTestNetwork net, Nic raw, Host host) = Setup();
        SendFragment(raw, host, 0, 8, more: true, id: 1);
        SendFragment(raw, host, 8, 8, more: false, id: 1);
        SendFragment(raw, host, 16, 8, more: true, id: 2);
        SendFragment(raw, host, 8, 4, more: false, id: 2);
        SendFragment(raw, host, 8, 7, more: true, id: 3); // not a multiple of 8 before the last
        net.Simulation.Run();

        host.Counters.DatagramsReassembled.Should().Be(1);
        host.Counters.Dropped(IpDropReason.BadFragments).Should().Be(2);
    }

    [Fact]
    public void A_first_fragment_with_options_keeps_its_header_and_a_datagram_past_65535_bytes_is_dropped_not_thrown()
    {
        (IpTestNetwork net, Nic raw, Host host) = Setup();
        SendFragment(raw, host, 0, 16, more: true, headerLength: 24, id: 1);
        SendFragment(raw, host, 16, 4, more: false, id: 1);
        SendFragment(raw, host, 65_512, 3, more: false, id: 2); // 20 + 65,515: fits with a 20-byte header
        SendFragment(raw, host, 0, 16, more: true, headerLength: 60, id: 2); // 60 + 65,515 does not
        net.Simulation.Run();

        host.Counters.DatagramsReassembled.Should().Be(1);
        host.Counters.Dropped(IpDropReason.ReassemblyOverflow).Should().Be(1);
    }

    [Fact]
    public void A_router_refuses_a_crafted_fragment_near_65535_bytes_instead_of_failing_to_refragment_it()
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var r = new Router(net.Network, "r");
        r.AddInterface("192.168.1.1/24");
        r.AddInterface("192.168.2.1/24");
        r.Interfaces[1].Mtu = 576;
        var pc = new Host(net.Network, "pc", "192.168.2.10/24", "192.168.2.1");
        net.Connect(raw.Port, r.Interfaces[0].Port);
        net.Connect(r.Interfaces[1].Port, pc.Port);
        FrameHandle frame = raw.CreateFrame(r.Interfaces[0].Mac, EtherType.IPv4, 1000);
        var view = new Ipv4Packet(raw.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..])
        {
            TotalLength = 1000,
            TimeToLive = 64,
            Protocol = (IpProtocol)253,
            Source = From,
            Destination = pc.Address,
            FragmentOffset = 65_528,
        };
        view.UpdateChecksum();
        raw.Send(frame);
        net.Simulation.Run();

        r.Counters.Malformed(WireError.BadFragmentOffset).Should().Be(1);
        net.Network.Frames.InUse.Should().Be(0);
    }
}
