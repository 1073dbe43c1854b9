using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;

namespace NetSim.Topology;

/// <summary>
/// What one end of a cable goes into, for <see cref="TopologyBuilder.Connect"/>: a device,
/// whose next free port is taken (a host, a router, any <see cref="IpNode"/>, a switch or a
/// hub), or a given port (a <see cref="Port"/>, a <see cref="Nic"/>, an <see cref="IpInterface"/>
/// on a NIC). Each of them converts to a <see cref="CableEnd"/> on its own, so
/// <c>builder.Connect(pc1, sw1)</c> and <c>builder.Connect(r1.Interfaces[1], sw2.Ports[3])</c> both read as written.
/// </summary>
public readonly record struct CableEnd
{
    private CableEnd(object device) => Device = device;

    /// <summary>The device or port; null for <c>default(CableEnd)</c>.</summary>
    internal object? Device { get; }

    /// <summary>An IPv4 node (host or router): its first interface whose port has no cable, else a new NIC (see <see cref="TopologyBuilder.Connect"/>).</summary>
    /// <param name="node">The node; null gives an empty end, which <see cref="TopologyBuilder.Connect"/> refuses.</param>
    public static implicit operator CableEnd(IpNode? node) => FromDevice(node);

    /// <summary>A switch: its lowest-numbered port without a cable.</summary>
    /// <param name="device">The switch; null gives an empty end.</param>
    public static implicit operator CableEnd(Switch? device) => FromDevice(device);

    /// <summary>A hub: its lowest-numbered port without a cable.</summary>
    /// <param name="hub">The hub; null gives an empty end.</param>
    public static implicit operator CableEnd(Hub? hub) => FromDevice(hub);

    /// <summary>This NIC's port, which must have no cable yet.</summary>
    /// <param name="nic">The NIC; null gives an empty end.</param>
    public static implicit operator CableEnd(Nic? nic) => FromDevice(nic);

    /// <summary>This port, which must have no cable yet.</summary>
    /// <param name="port">The port; null gives an empty end.</param>
    public static implicit operator CableEnd(Port? port) => FromDevice(port);

    /// <summary>The port of this interface's NIC, which must have no cable yet.</summary>
    /// <param name="ipInterface">The interface; null gives an empty end.</param>
    public static implicit operator CableEnd(IpInterface? ipInterface) => FromDevice(ipInterface);

    /// <summary>The device's or port's name ("(nothing)" for an empty end).</summary>
    public override string ToString() => Device switch
    {
        null => "(nothing)",
        IpNode node => node.Name,
        Switch device => device.Name,
        Hub hub => hub.Name,
        Nic nic => nic.Name,
        IpInterface ipInterface => ipInterface.Name,
        _ => Device.ToString() ?? "",
    };

    private static CableEnd FromDevice(object? device) => device is null ? default : new CableEnd(device);
}
