using System.Globalization;
using System.Text;
using NetSim.Links;
using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Devices;

/// <summary>
/// A router (RFC 1812): interfaces on several networks and a routing table. A packet for
/// another node keeps its IP addresses; the router takes one from its TTL (ICMP time
/// exceeded when none is left), picks the route with the longest matching prefix (ICMP
/// destination unreachable when none does), resolves the next hop with ARP, and sends the
/// packet on in a new Ethernet header: its own MAC address as the source, the next hop's
/// as the destination. Packets larger than the next link's MTU are fragmented, or, with DF
/// set, answered with ICMP "fragmentation needed" and the MTU.
/// </summary>
public sealed class Router : IpNode
{
    /// <summary>Creates a router with no interfaces; each one added brings its connected route.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public Router(Network network, string name)
        : base(network, name)
    {
    }

    /// <summary>
    /// The routing table: connected routes, static routes and the default route. Prefer
    /// <see cref="AddRoute(Ipv4Network, Ipv4Address)"/>, which checks the gateway; a route
    /// added here directly is not checked, and one naming no interface of this router is
    /// treated as no route.
    /// </summary>
    public RoutingTable Routes { get; } = new();

    /// <summary>
    /// Adds a static route: packets for <paramref name="destination"/> go to
    /// <paramref name="gateway"/>, which must be on one of the router's networks.
    /// </summary>
    /// <exception cref="ArgumentException">The gateway is on none of the router's networks, or a route for that destination exists.</exception>
    public void AddRoute(Ipv4Network destination, Ipv4Address gateway)
    {
        IpInterface egress = FindGatewayInterface(gateway)
            ?? throw new ArgumentException(
                $"{Name} cannot reach gateway {gateway} for {destination}: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}).",
                nameof(gateway));
        Routes.Add(new Route(destination, gateway, egress.Index, RouteOrigin.Static));
    }

    /// <summary>Adds a static route from text, such as <c>AddRoute("10.2.0.0/16", "10.0.0.2")</c>.</summary>
    /// <exception cref="FormatException">The destination or gateway is not written as one.</exception>
    /// <exception cref="ArgumentException">The gateway is on none of the router's networks, or a route for that destination exists.</exception>
    public void AddRoute(string destination, string gateway) =>
        AddRoute(Ipv4Network.Parse(destination), Ipv4Address.Parse(gateway));

    /// <summary>Sets the default route (0.0.0.0/0): everything no other route covers goes to <paramref name="gateway"/>.</summary>
    /// <exception cref="ArgumentException">The gateway is on none of the router's networks.</exception>
    public void SetDefaultRoute(Ipv4Address gateway)
    {
        var any = new Ipv4Network(Ipv4Address.Any, 0);
        IpInterface egress = FindGatewayInterface(gateway)
            ?? throw new ArgumentException(
                $"{Name} cannot reach default gateway {gateway}: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}).",
                nameof(gateway));
        Routes.AddOrReplace(new Route(any, gateway, egress.Index, RouteOrigin.Static));
    }

    /// <summary>Sets the default route from text, such as "203.0.113.1".</summary>
    /// <exception cref="FormatException">The gateway is not an address.</exception>
    public void SetDefaultRoute(string gateway) => SetDefaultRoute(Ipv4Address.Parse(gateway));

    /// <inheritdoc/>
    private protected override bool TryRouteAway(Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop)
    {
        if (Routes.TryLookup(destination, out Route route) && (uint)route.InterfaceIndex < (uint)Interfaces.Count)
        {
            egress = Interfaces[route.InterfaceIndex];
            nextHop = route.IsOnLink ? destination : route.Gateway;
            return true;
        }

        egress = null!;
        nextHop = default;
        return false;
    }

    /// <inheritdoc/>
    public override string ExplainNoRoute(Ipv4Address destination) =>
        $"{Name} has no route to {destination}: no entry of its routing table covers it and it has no default route.";

    /// <summary>The routing table as a learner reads it: destination, gateway, interface by name, origin.</summary>
    public string FormatRoutes()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Routing table of {Name}").AppendLine();
        text.AppendLine("Destination         Gateway          Interface      Origin");
        foreach (Route route in Routes.GetRoutes())
        {
            string gateway = route.IsOnLink ? "on-link" : route.Gateway.ToString();
            IpInterface egress = Interfaces[route.InterfaceIndex];
            text.Append(CultureInfo.InvariantCulture, $"{route.Destination,-19} {gateway,-16} {egress.Name,-14} {route.Origin}").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Adds the interface's connected route, which replaces a static route to the same network.</summary>
    private protected override void OnInterfaceAdded(IpInterface added) =>
        Routes.AddOrReplace(new Route(added.Subnet, Ipv4Address.Any, added.Index, RouteOrigin.Connected));

    /// <summary>The forwarding path: RFC 1812, 5.2.1 and 5.3.1. Allocates nothing.</summary>
    private protected override void OnTransitPacket(IpInterface ingress, FrameHandle frame, Ipv4Packet packet)
    {
        // RFC 1812, 5.2.1.2: the next hop is found (step 5) before the TTL is checked (step 7),
        // so a packet with nowhere to go gets net unreachable whatever its TTL, as on Linux.
        if (!TryRouteAway(packet.Destination, out IpInterface egress, out Ipv4Address nextHop)) // not ours: OnPacketArrived took those
        {
            SendIcmpError(packet.Bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.Network);
            DropPacket(frame, IpDropReason.NoRoute);
            return;
        }

        if (packet.TimeToLive <= 1)
        {
            SendIcmpError(packet.Bytes, IcmpType.TimeExceeded, 0);
            DropPacket(frame, IpDropReason.TimeToLiveExceeded);
            return;
        }

        if (packet.TotalLength > egress.Mtu)
        {
            if (packet.DontFragment)
            {
                SendIcmpError(packet.Bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.FragmentationNeeded, egress.Mtu);
                DropPacket(frame, IpDropReason.FragmentationNeeded);
                return;
            }

            packet.TryDecrementTimeToLive();
            Counters.PacketsForwarded++;
            SendFragments(egress, nextHop, packet.ToHeader(), packet.Payload);
            Network.Frames.Return(frame);
            return;
        }

        packet.TryDecrementTimeToLive(); // RFC 1624 incremental checksum update
        Counters.PacketsForwarded++;
        egress.Send(frame, nextHop);
    }

    private IpInterface? FindGatewayInterface(Ipv4Address gateway) =>
        FindOnLinkInterface(gateway) is { } candidate && candidate.Address != gateway ? candidate : null;
}
