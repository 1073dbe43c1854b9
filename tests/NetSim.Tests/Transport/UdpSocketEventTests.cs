using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>A socket's events take many handlers, each added and removed on its own.</summary>
public class UdpSocketEventTests
{
    [Fact]
    public void Two_handlers_of_Received_both_get_each_datagram_and_one_that_leaves_gets_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new UdpSocket(pc2);
        server.Bind(9);
        var first = new List<byte>();
        var second = new List<byte>();
        void First(UdpSocket socket, Ipv4Address from, ushort port, ReadOnlySpan<byte> data) => first.Add(data[0]);
        server.Received += First;
        server.Received += (_, _, _, data) => second.Add(data[0]);
        var client = new UdpSocket(pc1);

        client.SendTo([1], pc2.Address, 9);
        net.Simulation.Run();
        server.Received -= First;
        client.SendTo([2], pc2.Address, 9);
        net.Simulation.Run();

        first.Should().Equal([1], "the first handler left before the second datagram");
        second.Should().Equal([1, 2]);
        server.DatagramsReceived.Should().Be(2, "a datagram counts once, however many handlers see it");
    }

    [Fact]
    public async Task Once_every_handler_of_Received_has_left_datagrams_wait_for_ReceiveAsync_again()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new UdpSocket(pc2);
        server.Bind(9);
        int handled = 0;
        void Count(UdpSocket socket, Ipv4Address from, ushort port, ReadOnlySpan<byte> data) => handled++;
        server.Received += Count;
        var client = new UdpSocket(pc1);
        client.SendTo([1], pc2.Address, 9);
        net.Simulation.Run();

        server.Received -= Count;
        client.SendTo([2], pc2.Address, 9);
        net.Simulation.Run();
        Task<UdpReceiveResult> next = server.ReceiveAsync();

        handled.Should().Be(1);
        next.IsCompletedSuccessfully.Should().BeTrue("the second datagram was queued");
        (await next).Data.Should().Equal(2);
    }

    [Fact]
    public void Two_handlers_of_ErrorReceived_both_hear_each_error_and_one_that_leaves_hears_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var client = new UdpSocket(pc1);
        var first = new List<UdpError>();
        var second = new List<UdpError>();
        void First(object? sender, UdpError error) => first.Add(error);
        client.ErrorReceived += First;
        client.ErrorReceived += (sender, error) =>
        {
            sender.Should().BeSameAs(client);
            second.Add(error);
        };

        client.SendTo([1], pc2.Address, 4444); // nothing listens there: port unreachable
        net.Simulation.Run();
        client.ErrorReceived -= First;
        client.SendTo([2], pc2.Address, 4445);
        net.Simulation.Run();

        first.Select(e => e.RemotePort).Should().Equal([4444]);
        second.Select(e => e.RemotePort).Should().Equal([4444, 4445]);
        second.Should().OnlyContain(e => e.IsPortUnreachable);
    }

    [Fact]
    public void The_library_application_that_owns_a_socket_keeps_its_datagrams_while_handlers_come_and_go()
    {
        // The DNS server and resolver receive as the socket's owner, out of a user's reach.
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var owned = new List<byte>();
        var server = new UdpSocket(pc2) { Owner = (_, _, _, data) => owned.Add(data[0]) };
        server.Bind(53);
        var watched = new List<byte>();
        void Watch(UdpSocket socket, Ipv4Address from, ushort port, ReadOnlySpan<byte> data) => watched.Add(data[0]);
        var client = new UdpSocket(pc1);

        client.SendTo([1], pc2.Address, 53);
        net.Simulation.Run();
        server.Received += Watch;
        client.SendTo([2], pc2.Address, 53);
        net.Simulation.Run();
        server.Received -= Watch;
        client.SendTo([3], pc2.Address, 53);
        net.Simulation.Run();

        owned.Should().Equal([1, 2, 3]);
        watched.Should().Equal([2]);
        server.ReceiveAsync().IsCompleted.Should().BeFalse("the owner took every datagram: none waits in the queue");
    }
}
