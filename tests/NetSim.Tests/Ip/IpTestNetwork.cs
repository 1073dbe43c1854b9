using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>Builds IPv4 topologies for the stack tests: 100 Mb/s cables with 1 us of delay.</summary>
internal sealed class IpTestNetwork
{
    public static readonly DataRate Rate = DataRate.FromMegabitsPerSecond(100);
    public static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);

    public IpTestNetwork(ulong seed = 1)
    {
        Simulation = new Simulation(seed);
        Network = new Network(Simulation);
    }

    public Simulation Simulation { get; }

    public Network Network { get; }

    public Cable Connect(Port a, Port b)
    {
        a.Network.Should().BeSameAs(Network);
        return new(a, b, Rate, Delay);
    }

    /// <summary>Records every frame through <paramref name="port"/>.</summary>
    public static FrameLog Tap(Port port)
    {
        var log = new FrameLog();
        port.AddTap(log);
        return log;
    }

    /// <summary>
    /// pc1 (10.0.1.10/24) - r1 - r2 - ... - pc2 (10.0.N.10/24): routers joined by /24 links
    /// 10.0.k.0/24 (router k has .1 on its left link and .2 on its right one, except the
    /// last network, where the router is .1), with static routes both ways.
    /// </summary>
    public (Host Pc1, Router[] Routers, Host Pc2) Chain(int routerCount)
    {
        var pc1 = new Host(Network, "pc1", "10.0.1.10/24", "10.0.1.1");
        var routers = new Router[routerCount];
        Port left = pc1.Port;
        for (int k = 1; k <= routerCount; k++)
        {
            var router = new Router(Network, $"r{k}");
            router.AddInterface($"10.0.{k}.1/24");
            router.AddInterface($"10.0.{k + 1}.{(k == routerCount ? 1 : 2)}/24");
            Connect(left, router.Interfaces[0].Port);
            left = router.Interfaces[1].Port;
            routers[k - 1] = router;
        }

        var pc2 = new Host(Network, "pc2", $"10.0.{routerCount + 1}.10/24", $"10.0.{routerCount + 1}.1");
        Connect(left, pc2.Port);
        for (int k = 1; k <= routerCount; k++)
        {
            // Networks left of router k via router k-1 (its .2 on network k), right of it via router k+1 (.1 on network k+1).
            for (int n = 1; n < k; n++)
            {
                routers[k - 1].AddRoute($"10.0.{n}.0/24", $"10.0.{k}.2");
            }

            for (int n = k + 2; n <= routerCount + 1; n++)
            {
                routers[k - 1].AddRoute($"10.0.{n}.0/24", $"10.0.{k + 1}.1");
            }
        }

        return (pc1, routers, pc2);
    }
}

/// <summary>The frames seen at a port, copied.</summary>
internal sealed class FrameLog : IFrameTap
{
    public List<(byte[] Bytes, bool Outgoing)> Frames { get; } = [];

    public IEnumerable<byte[]> Sent => Frames.Where(f => f.Outgoing).Select(f => f.Bytes);

    public IEnumerable<byte[]> Received => Frames.Where(f => !f.Outgoing).Select(f => f.Bytes);

    public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing) => Frames.Add((frame.ToArray(), outgoing));

    public static EtherType TypeOf(byte[] frame) => (EtherType)((frame[12] << 8) | frame[13]);

    public static Ipv4Header IpHeaderOf(byte[] frame)
    {
        Ipv4Header.TryParse(frame.AsSpan(EthernetFrame.HeaderLength), out Ipv4Header header).Should().Be(WireError.None);
        return header;
    }
}
