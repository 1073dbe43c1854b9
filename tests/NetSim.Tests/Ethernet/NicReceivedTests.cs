using NetSim.Applications;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ethernet;

/// <summary><see cref="Nic.Received"/> is an observer: many may watch, none takes the frame away from the NIC.</summary>
public class NicReceivedTests
{
    private const int TimeToLiveOffset = EthernetFrame.HeaderLength + 8; // RFC 791, 3.1

    [Fact]
    public void Two_observers_both_see_each_frame_and_one_that_leaves_sees_no_more()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var first = new List<int>();
        var second = new List<int>();
        void First(Nic nic, ReadOnlySpan<byte> frame) => first.Add(frame.Length);
        pcs[1].Received += First;
        pcs[1].Received += (nic, frame) => second.Add(frame.Length);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 100);
        net.Simulation.Run();
        pcs[1].Received -= First;
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 200);
        net.Simulation.Run();

        first.Should().Equal([100], "the first observer left before the second frame");
        second.Should().Equal([100, 200], "the other observer stays");
        net.Network.Frames.InUse.Should().Be(0, "the NIC returns the frames it has no layer above for");
    }

    [Fact]
    public void Watching_a_host_nic_leaves_its_IP_connected()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        net.Connect(a.Port, b.Port);
        var seen = new List<EtherType>();
        b.Interfaces[0].Nic.Received += (nic, frame) => seen.Add((EtherType)((frame[12] << 8) | frame[13]));
        var ping = new Ping(a, b.Address) { Count = 2 };
        ping.Start();
        net.Simulation.Run();

        ping.Summary.Received.Should().Be(2, "the IP interface still gets b's frames and answers");
        seen.Should().Equal([EtherType.Arp, EtherType.IPv4, EtherType.IPv4], "the observer sees the ARP request and both echo requests");
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void An_observer_sees_the_frame_as_it_arrived_before_the_layer_above_edits_it()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        var atRouter = new List<byte>();
        var atPc2 = new List<byte>();
        routers[0].Interfaces[0].Nic.Received += (nic, frame) => Record(atRouter, frame);
        pc2.Interfaces[0].Nic.Received += (nic, frame) => Record(atPc2, frame);
        var ping = new Ping(pc1, pc2.Address) { Count = 1 };
        ping.Start();
        net.Simulation.Run();

        ping.Summary.Received.Should().Be(1);
        atRouter.Should().Equal([64], "the request reaches the router with pc1's TTL; the router lowers it in place as it forwards");
        atPc2.Should().Equal([63]);

        static void Record(List<byte> timesToLive, ReadOnlySpan<byte> frame)
        {
            if (frame[12] == 0x08 && frame[13] == 0x00)
            {
                timesToLive.Add(frame[TimeToLiveOffset]);
            }
        }
    }

    [Fact]
    public void A_layer_attached_above_a_bare_nic_owns_the_frames_while_observers_watch()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var owner = new KeepingReceiver();
        ((ILinkEndpoint)pcs[1]).Attach(owner);
        int watched = 0;
        pcs[1].Received += (nic, frame) => watched++;

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 100);
        TestNetwork.SendFrame(pcs[0], MacAddress.Broadcast, 60);
        net.Simulation.Run();

        watched.Should().Be(2);
        owner.Packets.Should().HaveCount(2);
        owner.Packets.Select(p => p.Broadcast).Should().Equal(false, true);
        net.Network.Frames.InUse.Should().Be(2, "the layer above owns the frames it was given and has not returned them");
        net.Network.Frames.GetLength(owner.Packets[0].Packet).Should().Be(100 - EthernetFrame.HeaderLength, "it gets the payload, header off");
        foreach ((FrameHandle packet, _) in owner.Packets)
        {
            net.Network.Frames.Return(packet);
        }

        net.Network.Frames.InUse.Should().Be(0);
    }

    private sealed class KeepingReceiver : ILinkReceiver
    {
        public List<(FrameHandle Packet, bool Broadcast)> Packets { get; } = [];

        public void OnReceived(ILinkEndpoint endpoint, FrameHandle packet, EtherType type, bool linkBroadcast) => Packets.Add((packet, linkBroadcast));
    }
}
