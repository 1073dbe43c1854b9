using NetSim.Engine;

namespace NetSim.Labs;

/// <summary>
/// An application of a lab (an item of <c>applications</c>, chosen by its <c>kind</c>): it runs on
/// <see cref="Device"/> from <see cref="Start"/>. A target (<c>to</c>, <c>server</c>) is an IPv4
/// address or a device's name, kept as written; a name stands for that device's first address.
/// </summary>
/// <param name="Id">The name checks use for it (<c>id</c>); null when none is given.</param>
/// <param name="Device">The device it runs on (<c>on</c>).</param>
/// <param name="Start">When it starts (<c>start</c>, 0 s unless given).</param>
public abstract record LabApplication(string? Id, string Device, SimTime Start)
{
    /// <summary>Where the application was declared.</summary>
    public LabPosition Position { get; init; }
}

/// <summary>Pings <paramref name="Target"/> (<c>kind: ping</c>).</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Target">What it pings (<c>to</c>).</param>
/// <param name="Count">How many echo requests (<c>count</c>, 4 unless given).</param>
public sealed record LabPing(string? Id, string Device, SimTime Start, string Target, int Count) : LabApplication(Id, Device, Start);

/// <summary>Traces the route to <paramref name="Target"/> (<c>kind: traceroute</c>).</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Target">Where the route goes (<c>to</c>).</param>
public sealed record LabTraceroute(string? Id, string Device, SimTime Start, string Target) : LabApplication(Id, Device, Start);

/// <summary>A browser visits <paramref name="Url"/> (<c>kind: web-visit</c>), resolving its name with <paramref name="DnsServer"/>.</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Url">The address visited (<c>url</c>).</param>
/// <param name="DnsServer">The DNS server asked (<c>dns</c>); null when the URL holds an address.</param>
public sealed record LabWebVisit(string? Id, string Device, SimTime Start, Uri Url, string? DnsServer) : LabApplication(Id, Device, Start);

/// <summary>Asks <paramref name="DnsServer"/> for <paramref name="Name"/>'s address (<c>kind: dns-lookup</c>).</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Name">The name looked up (<c>name</c>).</param>
/// <param name="DnsServer">The server asked (<c>dns</c>).</param>
public sealed record LabDnsLookup(string? Id, string Device, SimTime Start, string Name, string DnsServer) : LabApplication(Id, Device, Start);

/// <summary>Sends <paramref name="Bytes"/> bytes over TCP to <paramref name="Target"/> (<c>kind: file-transfer</c>).</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on (the sender).</param>
/// <param name="Start">When it starts.</param>
/// <param name="Target">The receiver (<c>to</c>), which listens on <paramref name="Port"/>.</param>
/// <param name="Bytes">How many bytes (<c>bytes</c>).</param>
/// <param name="Port">The receiver's TCP port (<c>port</c>, 5001 unless given).</param>
public sealed record LabFileTransfer(string? Id, string Device, SimTime Start, string Target, long Bytes, ushort Port) : LabApplication(Id, Device, Start);

/// <summary>Sends UDP datagrams at a constant rate to <paramref name="Target"/> (<c>kind: udp-constant-rate</c>).</summary>
/// <param name="Id">The name checks use for it.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Target">The receiver (<c>to</c>).</param>
/// <param name="Rate">The sending rate (<c>rate</c>).</param>
/// <param name="PayloadSize">Each datagram's payload in bytes (<c>payload</c>, 1000 unless given).</param>
/// <param name="Port">The destination UDP port (<c>port</c>, 9 unless given).</param>
/// <param name="Stop">When it stops (<c>stop</c>); null: at the end of the run.</param>
public sealed record LabUdpConstantRate(string? Id, string Device, SimTime Start, string Target, DataRate Rate, int PayloadSize, ushort Port, SimTime? Stop) : LabApplication(Id, Device, Start);
