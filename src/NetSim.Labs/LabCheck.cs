using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Labs;

/// <summary>
/// A check a lab carries (an item of <c>checks</c>, chosen by its <c>kind</c>): a prediction the
/// run confirms or refutes. Checks are read here; a runner evaluates them, at <see cref="At"/>.
/// </summary>
/// <param name="At">When the check looks (<c>at</c>); null: at the end of the run.</param>
public abstract record LabCheck(SimTime? At)
{
    /// <summary>Where the check was declared.</summary>
    public LabPosition Position { get; init; }
}

/// <summary>A switch's MAC table maps a device's MAC address to a port (<c>kind: mac-table</c>): "sw maps pc1's MAC to port 1".</summary>
/// <param name="At">When the check looks.</param>
/// <param name="Switch">The switch (<c>device</c>).</param>
/// <param name="MacOf">The device whose (first) MAC address is looked up (<c>mac-of</c>).</param>
/// <param name="Port">The port expected (<c>port</c>); null: the address is expected to be absent.</param>
public sealed record LabMacTableCheck(SimTime? At, string Switch, string MacOf, int? Port) : LabCheck(At);

/// <summary>A device's ARP cache holds (or does not hold) an address (<c>kind: arp-cache</c>).</summary>
/// <param name="At">When the check looks.</param>
/// <param name="Device">The device whose cache is read (<c>device</c>).</param>
/// <param name="Holds">The address, or a device's name for its first address (<c>holds</c>).</param>
/// <param name="Expected">Whether the entry is expected (<c>expected</c>, true unless given).</param>
public sealed record LabArpCacheCheck(SimTime? At, string Device, string Holds, bool Expected) : LabCheck(At);

/// <summary>A web visit ends with an HTTP status (<c>kind: web-visit</c>): "the web visit succeeds with 200".</summary>
/// <param name="At">When the check looks.</param>
/// <param name="Application">The web visit's <c>id</c> (<c>application</c>).</param>
/// <param name="Status">The status expected (<c>status</c>, 200 unless given).</param>
public sealed record LabWebVisitCheck(SimTime? At, string Application, int Status) : LabCheck(At);

/// <summary>What a ping is expected to do (<c>outcome</c>).</summary>
public enum LabPingOutcome
{
    /// <summary>Every echo request is answered (<c>answered</c>).</summary>
    Answered,

    /// <summary>No echo request is answered (<c>lost</c>).</summary>
    Lost,
}

/// <summary>A ping is answered or lost (<c>kind: ping</c>): "the ping is lost".</summary>
/// <param name="At">When the check looks.</param>
/// <param name="Application">The ping's <c>id</c> (<c>application</c>).</param>
/// <param name="Outcome">What is expected (<c>outcome</c>).</param>
public sealed record LabPingCheck(SimTime? At, string Application, LabPingOutcome Outcome) : LabCheck(At);

/// <summary>The frames a device sent reached only the devices listed, among the hosts and servers (<c>kind: frames-reached</c>): "frames reached only pc2".</summary>
/// <param name="At">When the check looks.</param>
/// <param name="From">The sender whose frames are followed (<c>from</c>).</param>
/// <param name="Only">The devices whose interfaces received them (<c>only</c>); every other host and server did not.</param>
public sealed record LabFramesReachedCheck(SimTime? At, string From, IReadOnlyList<string> Only) : LabCheck(At);

/// <summary>A DNS lookup resolves to an address, or does not resolve (<c>kind: dns-lookup</c>): "www.example.com is 93.184.216.34".</summary>
/// <param name="At">When the check looks.</param>
/// <param name="Application">The lookup's <c>id</c> (<c>application</c>).</param>
/// <param name="Address">The address expected first in the answer (<c>address</c>); null: the name is expected not to resolve.</param>
public sealed record LabDnsLookupCheck(SimTime? At, string Application, Ipv4Address? Address) : LabCheck(At);

/// <summary>
/// The share of a constant-rate UDP application's datagrams that reached their receiver (<c>kind: delivery</c>):
/// "at least 99% of h1's datagrams arrive", "at most 90%" on a congested hub.
/// </summary>
/// <param name="At">When the check looks.</param>
/// <param name="Application">The udp-constant-rate's <c>id</c> (<c>application</c>).</param>
/// <param name="AtLeast">The share expected at least (<c>at-least</c>, 0 to 1), if given.</param>
/// <param name="AtMost">The share expected at most (<c>at-most</c>, 0 to 1), if given.</param>
public sealed record LabDeliveryCheck(SimTime? At, string Application, double? AtLeast, double? AtMost) : LabCheck(At);
