using NetSim.Applications;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>A router with thousands of interfaces (a core router) finds its own addresses and networks right.</summary>
public class ManyInterfacesTests
{
    private const int Count = 4096;

    /// <summary>Interface k's address: 10.(k / 256).(k % 256).1/24.</summary>
    private static Ipv4Address AddressOf(int k) => Ipv4Address.FromUInt32((10u << 24) | ((uint)k << 8) | 1);

    /// <summary>A router with <see cref="Count"/> /24 interfaces, added in a shuffled order; returns it and the order.</summary>
    private static (IpTestNetwork Net, Router Router, int[] Order) BuildRouter()
    {
        var net = new IpTestNetwork();
        var router = new Router(net.Network, "core");
        int[] order = [.. Enumerable.Range(0, Count)];
        new Random(4096).Shuffle(order);
        foreach (int k in order)
        {
            router.AddInterface(AddressOf(k), 24);
        }

        return (net, router, order);
    }

    [Fact]
    public void Each_address_belongs_to_the_interface_that_was_given_it()
    {
        (_, Router router, int[] order) = BuildRouter();

        router.Interfaces.Should().HaveCount(Count);
        for (int i = 0; i < Count; i++)
        {
            Ipv4Address address = AddressOf(order[i]);
            router.FindInterface(address).Should().BeSameAs(router.Interfaces[i]);
            router.Interfaces[i].Address.Should().Be(address);
            router.IsLocalAddress(address).Should().BeTrue();
            router.IsLocalAddress(Ipv4Address.FromUInt32(address.Value + 1)).Should().BeFalse($"{address.Value + 1} is only on {router.Interfaces[i].Subnet}");
        }

        router.FindInterface(Ipv4Address.Parse("10.16.0.1")).Should().BeNull();
    }

    [Theory]
    [InlineData("10.3.7.1/24", "already has the address")]
    [InlineData("10.3.7.200/24", "overlaps core/eth")]
    [InlineData("10.3.7.130/25", "overlaps core/eth")]
    [InlineData("10.3.0.9/16", "overlaps core/eth")]
    [InlineData("11.0.0.1/7", "overlaps core/eth")]
    [InlineData("10.15.255.9/32", "overlaps core/eth")]
    public void An_overlapping_interface_is_refused_among_thousands(string added, string problem)
    {
        (_, Router router, _) = BuildRouter();

        Action add = () => router.AddInterface(added);

        add.Should().Throw<ArgumentException>().WithMessage($"*{problem}*");
        router.Interfaces.Should().HaveCount(Count);
    }

    [Fact]
    public void Networks_next_to_the_thousands_can_still_be_added()
    {
        (_, Router router, _) = BuildRouter();

        router.AddInterface("10.16.0.1/24").Index.Should().Be(Count);
        router.AddInterface("9.255.255.254/31").Index.Should().Be(Count + 1);
        router.FindInterface(Ipv4Address.Parse("9.255.255.254"))!.Index.Should().Be(Count + 1);
    }

    [Fact]
    public void A_ping_to_the_4000th_interface_and_through_it_is_answered()
    {
        (IpTestNetwork net, Router router, int[] order) = BuildRouter();
        IpInterface first = router.Interfaces[0];
        IpInterface far = router.FindInterface(AddressOf(4000))!;
        var pc1 = new Host(net.Network, "pc1", $"{Ipv4Address.FromUInt32(first.Address.Value + 9)}/24", first.Address.ToString());
        var pc2 = new Host(net.Network, "pc2", "10.15.160.10/24", "10.15.160.1");
        net.Connect(pc1.Port, first.Port);
        net.Connect(far.Port, pc2.Port);
        var toRouter = new Ping(pc1, far.Address) { Count = 2 };
        var through = new Ping(pc1, pc2.Address) { Count = 2 };
        toRouter.Start();
        through.Start();

        net.Simulation.Run();

        order[far.Index].Should().Be(4000);
        toRouter.Summary.Received.Should().Be(2);
        toRouter.Results.Should().OnlyContain(r => r.From == AddressOf(4000) && r.TimeToLive == 64);
        through.Summary.Received.Should().Be(2);
        through.Results.Should().OnlyContain(r => r.From == pc2.Address && r.TimeToLive == 63);
    }

    [Fact]
    public void A_directed_broadcast_to_one_of_the_thousands_of_networks_is_taken_not_forwarded()
    {
        (IpTestNetwork net, Router router, _) = BuildRouter();
        IpInterface first = router.Interfaces[0];
        IpInterface far = router.FindInterface(AddressOf(4000))!;
        var pc1 = new Host(net.Network, "pc1", $"{Ipv4Address.FromUInt32(first.Address.Value + 9)}/24", first.Address.ToString());
        var pc2 = new Host(net.Network, "pc2", "10.15.160.10/24", "10.15.160.1");
        net.Connect(pc1.Port, first.Port);
        net.Connect(far.Port, pc2.Port);

        new UdpSocket(pc1).SendTo("hello"u8, far.Subnet.BroadcastAddress, 9).Should().Be(SendResult.Sent);
        net.Simulation.Run();

        router.Counters.PacketsForwarded.Should().Be(0, "RFC 2644: directed broadcasts are not forwarded");
        router.Counters.PacketsDelivered.Should().Be(1);
        router.Counters.IcmpErrorsSent.Should().Be(0, "no port unreachable about a broadcast");
        pc2.Counters.PacketsReceived.Should().Be(0);
    }
}
