using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Transport;

public class UdpSocketTests
{
    [Fact]
    public void A_datagram_crosses_a_router_to_the_bound_port_and_the_reply_comes_back()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        FrameLog log = IpTestNetwork.Tap(pc2.Port);
        var server = new UdpSocket(pc2);
        server.Bind(9);
        server.Received += (socket, from, port, data) => socket.SendTo(data, from, port); // echo
        var client = new UdpSocket(pc1);
        string? answer = null;
        net.Simulation.Start(async () =>
        {
            client.SendTo("hello"u8, pc2.Address, 9).Should().Be(SendResult.Sent);
            UdpReceiveResult reply = await client.ReceiveAsync();
            answer = $"{reply.RemoteAddress}:{reply.RemotePort} {System.Text.Encoding.ASCII.GetString(reply.Data)}";
        });
        net.Simulation.Run();

        answer.Should().Be("10.0.2.10:9 hello");
        client.LocalPort.Should().BeGreaterThanOrEqualTo(49152, "an unbound socket gets an ephemeral port when it first sends");
        foreach (byte[] frame in log.Frames.Select(f => f.Bytes).Where(f => FrameLog.TypeOf(f) == EtherType.IPv4))
        {
            var ip = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame)).Extract<IPv4Packet>();
            var udp = ip.Extract<UdpPacket>();
            udp.ValidUdpChecksum.Should().BeTrue();
        }
    }

    [Fact]
    public void Datagrams_longer_than_the_MTU_are_fragmented_and_arrive_whole_with_a_valid_checksum()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        var server = new UdpSocket(pc2);
        server.Bind(9);
        var received = new List<byte[]>();
        server.Received += (_, _, _, data) => received.Add(data.ToArray());
        var client = new UdpSocket(pc1);
        var random = new Random(768);
        byte[][] sent = [new byte[4000], new byte[3001], new byte[1472], new byte[5]]; // the third fills the 1,500-byte MTU exactly
        foreach (byte[] data in sent)
        {
            random.NextBytes(data);
            client.SendTo(data, pc2.Address, 9).Should().Be(SendResult.Sent);
        }

        net.Simulation.Run();

        received.Should().HaveCount(4);
        for (int i = 0; i < sent.Length; i++)
        {
            received[i].Should().Equal(sent[i], $"datagram {i} of {sent[i].Length} bytes arrives as sent");
        }

        pc1.Counters.FragmentsCreated.Should().Be(3 + 3, "4,008 and 3,009 bytes of UDP take three 1,480-byte fragments each");
        pc2.Counters.DatagramsReassembled.Should().Be(2);
        pc2.Counters.Malformed(WireError.BadChecksum).Should().Be(0);
        routers[0].Counters.PacketsForwarded.Should().Be(3 + 3 + 1 + 1);
    }

    [Fact]
    public void Nothing_listening_brings_port_unreachable_to_the_sending_socket()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var client = new UdpSocket(pc1);
        var errors = new List<UdpError>();
        client.ErrorReceived += (_, e) => errors.Add(e);
        client.SendTo([1, 2, 3], pc2.Address, 4444);
        net.Simulation.Run();

        errors.Should().ContainSingle();
        errors[0].IsPortUnreachable.Should().BeTrue();
        errors[0].ReportedBy.Should().Be(pc2.Address);
        errors[0].RemotePort.Should().Be(4444);
        client.Errors.Should().Equal(errors);
        pc2.Counters.Dropped(IpDropReason.NoListener).Should().Be(1);
    }

    [Fact]
    public void A_corrupted_datagram_is_dropped_as_a_bad_checksum()
    {
        var net = new IpTestNetwork();
        var raw = new Nic(net.Network, "raw");
        var host = new Host(net.Network, "host", "192.168.1.1/24");
        net.Connect(raw.Port, host.Port);
        var server = new UdpSocket(host);
        server.Bind(9);
        byte[] datagram = new byte[12];
        new UdpHeader(1000, 9, 12).Emit(datagram, Ipv4Address.Parse("192.168.1.2"), host.Address);
        datagram[10] ^= 1;
        byte[] packet = new byte[20 + 12];
        new Ipv4Header(Ipv4Address.Parse("192.168.1.2"), host.Address, IpProtocol.Udp, 64, packet.Length).Emit(packet);
        datagram.CopyTo(packet, 20);
        var frame = raw.CreateFrame(host.Interfaces[0].Mac, EtherType.IPv4, packet.Length);
        packet.CopyTo(raw.Network.Frames.GetSpan(frame)[14..]);
        raw.Send(frame);
        net.Simulation.Run();

        host.Counters.Malformed(WireError.BadChecksum).Should().Be(1);
        server.DatagramsReceived.Should().Be(0);
    }

    [Fact]
    public void A_port_can_be_bound_once()
    {
        var net = new IpTestNetwork();
        var host = new Host(net.Network, "host", "192.168.1.1/24");
        new UdpSocket(host).Bind(53);
        Action act = () => new UdpSocket(host).Bind(53);
        act.Should().Throw<InvalidOperationException>().WithMessage("*53*already taken*");
    }
}
