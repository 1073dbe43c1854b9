using System.Globalization;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// One line of a <see cref="RoutingTable"/>: packets for <paramref name="Destination"/> leave
/// through interface <paramref name="InterfaceIndex"/>, to <paramref name="Gateway"/> or, when
/// the route is on-link, straight to their own destination address.
/// </summary>
/// <param name="Destination">The network the route leads to; 0.0.0.0/0 is the default route.</param>
/// <param name="Gateway">
/// The next hop, a router on the interface's network, or <see cref="Ipv4Address.Any"/>
/// (0.0.0.0) when the destination is on-link: directly connected, so a packet is sent
/// straight to its destination address.
/// </param>
/// <param name="InterfaceIndex">The interface the packets leave through, 0 or more.</param>
/// <param name="Origin">Where the route came from.</param>
public readonly record struct Route(Ipv4Network Destination, Ipv4Address Gateway, int InterfaceIndex, RouteOrigin Origin = RouteOrigin.Static)
{
    /// <summary>True when the destination is directly connected (the gateway is 0.0.0.0): send straight to the destination address.</summary>
    public bool IsOnLink => Gateway == Ipv4Address.Any;

    /// <summary>
    /// The route as a line: "10.1.0.0/16 via 10.0.0.2 if 1 (static)" or
    /// "192.168.1.0/24 on-link if 0 (connected)".
    /// </summary>
    public override string ToString() =>
        IsOnLink
            ? string.Create(CultureInfo.InvariantCulture, $"{Destination} on-link if {InterfaceIndex} ({OriginText(Origin)})")
            : string.Create(CultureInfo.InvariantCulture, $"{Destination} via {Gateway} if {InterfaceIndex} ({OriginText(Origin)})");

    /// <summary>The origin as printed in routes and tables: "connected" or "static".</summary>
    internal static string OriginText(RouteOrigin origin) => origin switch
    {
        RouteOrigin.Connected => "connected",
        RouteOrigin.Static => "static",
        _ => ((int)origin).ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>Where a <see cref="Route"/> came from.</summary>
public enum RouteOrigin
{
    /// <summary>Added for an interface's own network when the interface got its address: the network is on-link.</summary>
    Connected,

    /// <summary>Configured by hand, the default route 0.0.0.0/0 included.</summary>
    Static,
}
