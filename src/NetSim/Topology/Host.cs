using System.Globalization;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Topology;

/// <summary>
/// A computer: an IPv4 node with forwarding off (RFC 1122), one or more interfaces and a
/// default gateway. To send, it looks at the destination: on one of its networks (the same
/// network part under that interface's netmask), it sends straight to it; otherwise it
/// sends to the default gateway; with neither, there is no route. It answers pings. Like
/// every node it has a routing table (<see cref="IpNode.Routes"/>) for more than a default
/// gateway, made when first used.
/// </summary>
public sealed class Host : IpNode
{
    /// <summary>Creates a host with no interfaces; add them with <see cref="IpNode.AddInterface(string, MacAddress?)"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public Host(Network network, string name)
        : base(network, name, forwarding: false)
    {
        TransportProtocols.AddTo(this);
    }

    /// <summary>
    /// Creates a host with one interface, <paramref name="addressAndPrefix"/> such as
    /// "192.168.1.10/24", and optionally a default gateway such as "192.168.1.1".
    /// </summary>
    /// <exception cref="ArgumentException">The name is taken, or the gateway is not on the host's network.</exception>
    /// <exception cref="FormatException">The address or gateway is not written as one.</exception>
    public Host(Network network, string name, string addressAndPrefix, string? defaultGateway = null)
        : base(network, name, forwarding: false)
    {
        TransportProtocols.AddTo(this);
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

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} {string.Join(", ", Interfaces.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Address}/{i.Subnet.PrefixLength}")))}{(DefaultGateway is { } gateway ? $" via {gateway}" : "")}";
}
