using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Topology;

/// <summary>
/// Builds a network's topology the short way, as ns-3's helpers and Mininet's <c>addLink</c>
/// do: <see cref="Connect"/> joins two devices with a cable on their next free ports,
/// <see cref="AssignAddresses(Ipv4Network, int)"/> numbers every broadcast domain from an
/// address plan, and <see cref="ComputeRoutes"/> gives every router a shortest-path route to
/// every network and every host a default gateway (ns-3's
/// <c>Ipv4GlobalRoutingHelper::PopulateRoutingTables</c>).
/// </summary>
/// <remarks>
/// <para>
/// Everything it makes is what a topology built by hand has: cables, NICs, interfaces,
/// default gateways and static routes, so the two mix. Addresses and routes set by hand stay;
/// the plan numbers around them, and the routes go around them.
/// </para>
/// <para>
/// <c>AssignAddresses</c> and <c>ComputeRoutes</c> look at the whole network: every interface
/// of every node in it, whoever made it, joined by every cable, switch and hub. Call them
/// once the devices are connected.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var topology = new TopologyBuilder(network);
/// topology.Connect(pc1, sw1);              // pc1's next free port to sw1's, 100 Mb/s, 1 us
/// topology.Connect(r1, sw1);
/// topology.Connect(r1, r2, DataRate.Parse("10Mbps"), SimDuration.FromMilliseconds(5));
/// topology.Connect(r2, pc2);
/// topology.AssignAddresses("10.0.0.0/16"); // a /24 per broadcast domain, in the order connected
/// topology.ComputeRoutes();                // r1 and r2 learn each other's LAN; pc1, pc2 their gateway
/// </code>
/// </example>
public sealed partial class TopologyBuilder
{
    private readonly List<MadeNic> madeNics = []; // the NICs Connect made for IP nodes, in the order made

    /// <summary>Creates a builder for the devices of <paramref name="network"/>.</summary>
    public TopologyBuilder(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
    }

    /// <summary>The network whose devices it connects.</summary>
    public Network Network { get; }

    /// <summary>
    /// The data rate of a cable made without one: 100 Mb/s unless set. That is Fast Ethernet,
    /// what the switch ports of a teaching lab commonly run at, and the rate of the CSMA LAN
    /// of ns-3's tutorial (<c>examples/tutorial/second.cc</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is zero.</exception>
    public DataRate DefaultRate
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value.BitsPerSecond, 0, nameof(value));
            field = value;
        }
    } = DataRate.FromMegabitsPerSecond(100);

    /// <summary>
    /// The propagation delay of a cable made without one: 1 us unless set. A signal crosses
    /// about 200 m of copper in that time (at about two thirds of the speed of light), the
    /// length of a building's cable runs, and the round number keeps printed times easy to read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative.</exception>
    public SimDuration DefaultDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, SimDuration.Zero);
            field = value;
        }
    } = SimDuration.FromMicroseconds(1);

    /// <summary>
    /// Joins <paramref name="a"/> and <paramref name="b"/> with a full-duplex cable of
    /// <paramref name="rate"/> (default <see cref="DefaultRate"/>, 100 Mb/s) and
    /// <paramref name="delay"/> (default <see cref="DefaultDelay"/>, 1 us), on the next free
    /// port of each, and returns the cable.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The next free port of a switch or hub is its lowest-numbered port without a cable. On a
    /// host or router it is the port of its first interface (in <see cref="IpNode.Interfaces"/>
    /// order) whose NIC has no cable; when every one has a cable, a new NIC is made and named
    /// after the node and its next number ("r1/eth2"), with the network's next MAC address.
    /// That NIC has no IPv4 address yet: <see cref="AssignAddresses(Ipv4Network, int)"/> gives
    /// it one, or <c>node.AddInterface(nic, address, prefixLength)</c>. Add interfaces by hand
    /// before connecting a node, so their NICs' names and the new ones' do not clash.
    /// </para>
    /// <para>A port, NIC or interface given is used as it is, and must have no cable yet.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// An end is empty, belongs to another network, or has no free port ("sw1 has 4 ports, all
    /// connected"); a given port already has a cable; both ends are the same device; both are hubs.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The rate is zero or the delay is negative.</exception>
    public Cable Connect(CableEnd a, CableEnd b, DataRate? rate = null, SimDuration? delay = null)
    {
        DataRate cableRate = rate ?? DefaultRate;
        SimDuration cableDelay = delay ?? DefaultDelay;
        if (cableRate.BitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), cableRate, $"The cable from {a} to {b} needs a data rate above zero, not {cableRate}.");
        }

        if (cableDelay < SimDuration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), cableDelay, $"The cable from {a} to {b} cannot have a negative delay ({cableDelay}).");
        }

        if (a.Device is IpNode or Switch or Hub && ReferenceEquals(a.Device, b.Device))
        {
            throw new ArgumentException($"A cable from {a} to itself: connect two different devices (or name two of its ports).", nameof(b));
        }

        // Both ends are checked before anything is made, so a refused cable leaves no NIC behind.
        FreePort first = FindFreePort(a, nameof(a));
        FreePort second = FindFreePort(b, nameof(b));
        Port portA = first.Port ?? MakeNic(first.NodeNeedingNic!);
        Port portB = second.Port ?? MakeNic(second.NodeNeedingNic!);
        return new Cable(portA, portB, cableRate, cableDelay);
    }

    /// <summary>
    /// The port a cable to <paramref name="end"/> would plug into, as <see cref="Connect"/> finds it
    /// (the next free port; a new NIC for a node whose interfaces all have cables): for the end
    /// of a cable whose other end is in another partition of a parallel run.
    /// </summary>
    internal Port TakePort(CableEnd end, string parameter)
    {
        FreePort free = FindFreePort(end, parameter);
        return free.Port ?? MakeNic(free.NodeNeedingNic!);
    }

    /// <summary>The NICs Connect made that no interface sits on yet, in the order made.</summary>
    private List<MadeNic> Unaddressed() => [.. madeNics.Where(made => !made.HasInterface)];

    private FreePort FindFreePort(CableEnd end, string parameter)
    {
        switch (end.Device)
        {
            case IpNode node:
                CheckNetwork(node.Network, node.Name, parameter);
                foreach (IpInterface candidate in node.Interfaces)
                {
                    if (candidate.Link is Nic nic && nic.Port.Cable is null)
                    {
                        return new(nic.Port, null);
                    }
                }

                return new(null, node);
            case Switch device:
                return new(FirstUnplugged(device.Name, device.Ports, parameter), null);
            case Hub hub:
                return new(FirstUnplugged(hub.Name, hub.Ports, parameter), null);
            case Nic nic:
                return new(Unplugged(nic.Port, parameter), null);
            case IpInterface { IsLoopback: true } loopback:
                throw new ArgumentException($"{loopback.Name} is a loopback interface: it has no port for a cable.", parameter);
            case IpInterface ipInterface:
                return ipInterface.Link is Nic link
                    ? new(Unplugged(link.Port, parameter), null)
                    : throw new ArgumentException($"{ipInterface.Name} is on a {ipInterface.Link.GetType().Name}, not a NIC: it has no port for a cable.", parameter);
            case Port port:
                return new(Unplugged(port, parameter), null);
            default:
                throw new ArgumentException("The cable end is empty: give a host, router, switch, hub, NIC, port or interface.", parameter);
        }
    }

    private Port FirstUnplugged(string device, IReadOnlyList<Port> ports, string parameter)
    {
        CheckNetwork(ports[0].Network, device, parameter);
        foreach (Port port in ports)
        {
            if (port.Cable is null)
            {
                return port;
            }
        }

        throw new ArgumentException($"{device} has {ports.Count} ports, all connected: give it more when you create it.", parameter);
    }

    private Port Unplugged(Port port, string parameter)
    {
        CheckNetwork(port.Network, port.ToString(), parameter);
        return port.Cable is null ? port : throw new ArgumentException($"{port} is already connected ({port.Cable}).", parameter);
    }

    private void CheckNetwork(Network network, string device, string parameter)
    {
        if (network != Network)
        {
            throw new ArgumentException($"{device} belongs to another network than this builder's.", parameter);
        }
    }

    private Port MakeNic(IpNode node)
    {
        int number = node.Interfaces.Count + madeNics.Count(made => made.Node == node && !made.HasInterface);
        var nic = new Nic(Network, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{node.Name}/eth{number}"), mac: null, NicNaming.BuilderInterface);
        madeNics.Add(new MadeNic(node, nic));
        return nic.Port;
    }

    /// <summary>A port without a cable, or the node that needs a new NIC for one.</summary>
    private readonly record struct FreePort(Port? Port, IpNode? NodeNeedingNic);

    /// <summary>A NIC that <see cref="Connect"/> made for <paramref name="Node"/>.</summary>
    private sealed record MadeNic(IpNode Node, Nic Nic)
    {
        /// <summary>True once an interface of the node sits on the NIC.</summary>
        public bool HasInterface => Node.Interfaces.Any(i => ReferenceEquals(i.Link, Nic));
    }
}
