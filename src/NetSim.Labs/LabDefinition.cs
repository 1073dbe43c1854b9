using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Labs;

/// <summary>Where something was written in a lab file: 1-based line and column.</summary>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public readonly record struct LabPosition(int Line, int Column);

/// <summary>
/// A lab, as read from a lab file by <see cref="LabFile"/>: the devices, the links between them,
/// the traffic, where to capture, how long to run and what to check. Addresses, rates and times
/// are already parsed and every name a link, application or check uses names a device.
/// </summary>
/// <param name="FileName">The file it was read from (as given to <see cref="LabFile"/>).</param>
/// <param name="Name">The lab's short name (<c>name</c>), if given.</param>
/// <param name="Description">What the lab shows (<c>description</c>), if given.</param>
/// <param name="Seed">The simulation's seed (<c>seed</c>; 0 when not given).</param>
/// <param name="StopTime">When the run stops (<c>stop-time</c>); null: when nothing is left to do.</param>
/// <param name="AddressPlan">The pool interfaces without an address are numbered from (<c>address-plan</c>), if given.</param>
/// <param name="ComputeRoutes">Whether the routers' routes are computed from the topology (<c>compute-routes</c>).</param>
/// <param name="Devices">The devices, in the file's order.</param>
/// <param name="Links">The links (cables), in the file's order.</param>
/// <param name="Applications">The applications, in the file's order.</param>
/// <param name="Captures">The capture points.</param>
/// <param name="Checks">The checks to evaluate after (or during) the run.</param>
public sealed record LabDefinition(
    string FileName,
    string? Name,
    string? Description,
    ulong Seed,
    SimTime? StopTime,
    LabAddressPlan? AddressPlan,
    bool ComputeRoutes,
    IReadOnlyList<LabDevice> Devices,
    IReadOnlyList<LabLink> Links,
    IReadOnlyList<LabApplication> Applications,
    IReadOnlyList<LabCapture> Captures,
    IReadOnlyList<LabCheck> Checks)
{
    /// <summary>The devices whose tables a run shows at its end (<c>show</c>): a switch's MAC table, a router's routes and ARP cache.</summary>
    public IReadOnlyList<string> Show { get; init; } = [];

    /// <summary>The device named <paramref name="name"/> (ordinal comparison), or null.</summary>
    /// <param name="name">The device's name.</param>
    public LabDevice? FindDevice(string name) => Devices.FirstOrDefault(d => d.Name == name);
}

/// <summary>The pool unaddressed interfaces are numbered from: one subnet per link (<c>address-plan</c>).</summary>
/// <param name="Pool">The pool, such as 10.0.0.0/16.</param>
/// <param name="SubnetPrefixLength">The prefix length of each link's subnet (<c>subnet-prefix</c>, 24 unless given).</param>
public sealed record LabAddressPlan(Ipv4Network Pool, int SubnetPrefixLength)
{
    /// <summary>Where the address plan was declared.</summary>
    public LabPosition Position { get; init; }
}

/// <summary>What a device is (the <c>kind</c> key).</summary>
public enum LabDeviceKind
{
    /// <summary>A computer with one interface (<c>host</c>).</summary>
    Host,

    /// <summary>A learning Ethernet switch (<c>switch</c>).</summary>
    Switch,

    /// <summary>A hub: every frame out of every other port (<c>hub</c>).</summary>
    Hub,

    /// <summary>An IPv4 router (<c>router</c>).</summary>
    Router,

    /// <summary>A host running a DNS server on port 53 (<c>dns-server</c>).</summary>
    DnsServer,

    /// <summary>A host running a web server on port 80 (<c>web-server</c>).</summary>
    WebServer,
}

/// <summary>One device of a lab. Which properties apply depends on <see cref="Kind"/>; the others are empty.</summary>
/// <param name="Name">The device's name (its key under <c>devices</c>).</param>
/// <param name="Kind">What it is.</param>
/// <param name="PortCount">A switch's or hub's number of ports (<c>ports</c>), named eth0, eth1, ...; 0 for the others.</param>
/// <param name="Interfaces">The IP interfaces with their addresses (<c>address</c> for a host or server, <c>interfaces</c> for a router); empty when the address plan numbers them.</param>
/// <param name="Gateway">A host's or server's default gateway (<c>gateway</c>), if given.</param>
/// <param name="Routes">Static routes (<c>routes</c>).</param>
/// <param name="DnsRecords">A DNS server's records (<c>records</c>).</param>
/// <param name="Pages">A web server's pages (<c>pages</c>), path to content.</param>
public sealed record LabDevice(
    string Name,
    LabDeviceKind Kind,
    int PortCount,
    IReadOnlyList<LabInterface> Interfaces,
    Ipv4Address? Gateway,
    IReadOnlyList<LabRoute> Routes,
    IReadOnlyList<LabDnsRecord> DnsRecords,
    IReadOnlyList<LabWebPage> Pages)
{
    /// <summary>Where the device was declared.</summary>
    public LabPosition Position { get; init; }

    /// <summary>Whether the device has an IP stack (a host, a router or a server; not a switch or hub).</summary>
    public bool IsIpNode => Kind is not (LabDeviceKind.Switch or LabDeviceKind.Hub);
}

/// <summary>An interface's address and prefix length, such as 192.168.1.10/24.</summary>
/// <param name="Address">The interface's address.</param>
/// <param name="PrefixLength">The subnet's prefix length.</param>
public sealed record LabInterface(Ipv4Address Address, int PrefixLength)
{
    /// <summary>The subnet the interface is on.</summary>
    public Ipv4Network Subnet => new(Address & Ipv4Network.Parse(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0.0.0.0/{PrefixLength}")).Netmask, PrefixLength);

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}

/// <summary>A static route: packets to <paramref name="Destination"/> go to <paramref name="Via"/> (<c>to</c>, <c>via</c>; <c>to: default</c> is 0.0.0.0/0).</summary>
/// <param name="Destination">The destination network.</param>
/// <param name="Via">The next hop's address.</param>
public sealed record LabRoute(Ipv4Network Destination, Ipv4Address Via);

/// <summary>A DNS server's record: an A record (<c>a</c>) or a CNAME (<c>cname</c>).</summary>
/// <param name="Name">The name the record answers.</param>
/// <param name="Address">The address of an A record; null for a CNAME.</param>
/// <param name="CanonicalName">The target of a CNAME; null for an A record.</param>
/// <param name="TimeToLive">The time to live in seconds (<c>ttl</c>, 3600 unless given).</param>
public sealed record LabDnsRecord(string Name, Ipv4Address? Address, string? CanonicalName, uint TimeToLive);

/// <summary>A web server's page.</summary>
/// <param name="Path">The path, such as "/".</param>
/// <param name="Content">The page's content.</param>
public sealed record LabWebPage(string Path, string Content);

/// <summary>A port of a device as a link or capture names it: <c>sw/eth1</c>, or <c>pc</c> for the next free port.</summary>
/// <param name="Device">The device's name.</param>
/// <param name="Port">The port's number (eth1 is 1); null for the device's next free port.</param>
public sealed record LabPortRef(string Device, int? Port)
{
    /// <inheritdoc/>
    public override string ToString() => Port is int n ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Device}/eth{n}") : Device;
}

/// <summary>The queue discipline of a link's two sending ports (<c>queue</c>).</summary>
public enum LabQueueDiscipline
{
    /// <summary>First in, first out; drops arrivals when full (<c>drop-tail</c>, the default).</summary>
    DropTail,

    /// <summary>Random early detection (<c>red</c>).</summary>
    Red,

    /// <summary>Controlled delay (<c>codel</c>).</summary>
    CoDel,

    /// <summary>Flow queueing with CoDel (<c>fq-codel</c>).</summary>
    FqCoDel,
}

/// <summary>A cable between two ports.</summary>
/// <param name="A">One end.</param>
/// <param name="B">The other end.</param>
/// <param name="Rate">The line rate (<c>rate</c>); null: the default, 100 Mb/s.</param>
/// <param name="Delay">The propagation delay (<c>delay</c>); null: the default.</param>
/// <param name="Loss">The probability that a frame is lost, each direction (<c>loss</c>, 0 to 1).</param>
/// <param name="Queue">The queue discipline of both ends.</param>
public sealed record LabLink(LabPortRef A, LabPortRef B, DataRate? Rate, SimDuration? Delay, double Loss, LabQueueDiscipline Queue)
{
    /// <summary>Where the link was declared.</summary>
    public LabPosition Position { get; init; }

    /// <summary>The probability that a frame arrives with a flipped bit, each direction (<c>corrupt</c>, 0 to 1): the receiver's FCS check drops it.</summary>
    public double Corruption { get; init; }

    /// <summary>The probability that a frame is delivered twice, each direction (<c>duplicate</c>, 0 to 1).</summary>
    public double Duplication { get; init; }

    /// <summary>The most a frame's delay varies, each direction (<c>jitter</c>): each frame waits a further random 0 to this.</summary>
    public SimDuration Jitter { get; init; }
}

/// <summary>A capture point: every frame through a port (<c>captures</c>), written to a pcap file by the runner.</summary>
/// <param name="Port">The port.</param>
/// <param name="FileName">The capture's file name (<c>file</c>); null: named after the port.</param>
public sealed record LabCapture(LabPortRef Port, string? FileName)
{
    /// <summary>Where the capture was declared.</summary>
    public LabPosition Position { get; init; }
}
