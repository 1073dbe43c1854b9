using System.Globalization;
using NetSim.Links;
using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Devices;

/// <summary>
/// A computer: one or more IPv4 interfaces and a default gateway. To send, it looks at the
/// destination: on one of its networks (the same network part under that interface's
/// netmask), it sends straight to it; otherwise it sends to the default gateway; with
/// neither, there is no route. It answers pings and does not forward (RFC 1122).
/// </summary>
public sealed class Host : IpNode
{
    /// <summary>Creates a host with no interfaces; add them with <see cref="IpNode.AddInterface(string, MacAddress?)"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public Host(Network network, string name)
        : base(network, name)
    {
    }

    /// <summary>
    /// Creates a host with one interface, <paramref name="addressAndPrefix"/> such as
    /// "192.168.1.10/24", and optionally a default gateway such as "192.168.1.1".
    /// </summary>
    /// <exception cref="ArgumentException">The name is taken, or the gateway is not on the host's network.</exception>
    /// <exception cref="FormatException">The address or gateway is not written as one.</exception>
    public Host(Network network, string name, string addressAndPrefix, string? defaultGateway = null)
        : base(network, name)
    {
        AddInterface(addressAndPrefix);
        if (defaultGateway is not null)
        {
            DefaultGateway = Ipv4Address.Parse(defaultGateway);
        }
    }

    /// <summary>The port of the first interface, where its cable plugs in.</summary>
    /// <exception cref="InvalidOperationException">The host has no interface.</exception>
    public Port Port => Interfaces.Count > 0 ? Interfaces[0].Port : throw new InvalidOperationException($"{Name} has no interface yet.");

    /// <summary>The address of the first interface.</summary>
    /// <exception cref="InvalidOperationException">The host has no interface.</exception>
    public Ipv4Address Address => Interfaces.Count > 0 ? Interfaces[0].Address : throw new InvalidOperationException($"{Name} has no interface yet.");

    /// <summary>
    /// The router that takes every packet for other networks, or null for none. It must be
    /// on one of the host's networks: a host reaches its gateway directly.
    /// </summary>
    /// <exception cref="ArgumentException">The gateway is on none of the host's networks, or is one of its own addresses.</exception>
    public Ipv4Address? DefaultGateway
    {
        get;
        set
        {
            if (value is Ipv4Address gateway)
            {
                if (FindOnLinkInterface(gateway) is null)
                {
                    throw new ArgumentException(
                        $"{Name} cannot use {gateway} as its default gateway: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}), and a host must reach its gateway directly.",
                        nameof(value));
                }

                if (IsLocalAddress(gateway))
                {
                    throw new ArgumentException($"{Name} cannot use its own address {gateway} as its default gateway.", nameof(value));
                }
            }

            field = value;
        }
    }

    /// <inheritdoc/>
    private protected override bool TryRouteAway(Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop)
    {
        // The lesson in one method: same network part under the netmask means on-link.
        if (FindOnLinkInterface(destination) is { } onLink)
        {
            egress = onLink;
            nextHop = destination;
            return true;
        }

        if (destination.IsBroadcast && Interfaces.Count > 0)
        {
            egress = Interfaces[0];
            nextHop = destination;
            return true;
        }

        if (DefaultGateway is Ipv4Address gateway && FindOnLinkInterface(gateway) is { } toGateway)
        {
            egress = toGateway;
            nextHop = gateway;
            return true;
        }

        egress = null!;
        nextHop = default;
        return false;
    }

    /// <inheritdoc/>
    public override string ExplainNoRoute(Ipv4Address destination)
    {
        if (Interfaces.Count == 0)
        {
            return $"{Name} has no network interface.";
        }

        string networks = string.Join(" or ", Interfaces.Select(i => $"{i.Subnet} (netmask {i.Netmask})"));
        return $"{destination} is not on {Name}'s network {networks}, and {Name} has no default gateway to send it to.";
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} {string.Join(", ", Interfaces.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Address}/{i.Subnet.PrefixLength}")))}{(DefaultGateway is { } gateway ? $" via {gateway}" : "")}";
}
