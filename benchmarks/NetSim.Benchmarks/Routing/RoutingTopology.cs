using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>What the routing benchmarks share: fast links, random routes, pre-built frames.</summary>
internal static class RoutingTopology
{
    /// <summary>Links fast enough not to be the bottleneck.</summary>
    public static readonly DataRate LinkRate = DataRate.FromGigabitsPerSecond(100);

    public static readonly SimDuration LinkDelay = SimDuration.FromMicroseconds(1);

    /// <summary>One packet every 150 ns: a 1,518-byte frame takes 122 ns of a 100 Gb/s link.</summary>
    public static readonly SimDuration InjectionInterval = SimDuration.FromNanoseconds(150);

    /// <summary>The IPv4 packet length for a benchmark size: 64 means a 64-byte frame with its FCS, anything else the packet's own length.</summary>
    public static int IpLengthOf(int packetSize) =>
        packetSize == 64 ? 64 - EthernetFrame.FcsLength - EthernetFrame.HeaderLength : packetSize;

    /// <summary>
    /// Adds <paramref name="count"/> distinct random static routes to <paramref name="router"/>,
    /// all via <paramref name="gateway"/>: prefixes /8 to /32 of unicast host addresses (not 0/8,
    /// 127/8, multicast or class E, which routers drop on arrival), none overlapping
    /// <paramref name="excluded"/>. Returns their destinations.
    /// </summary>
    public static Ipv4Network[] AddRandomRoutes(Router router, int count, Ipv4Address gateway, ulong seed, Ipv4Network[] excluded)
    {
        var random = new RandomSource(seed);
        var seen = new HashSet<Ipv4Network>(count);
        var added = new Ipv4Network[count];
        int n = 0;
        while (n < count)
        {
            int length = (int)random.NextInt64(8, 33);
            var network = Ipv4Network.Containing(Ipv4Address.FromUInt32(random.NextUInt32()), length);
            uint firstOctet = network.BaseAddress.Value >> 24;
            if (firstOctet is 0 or 127 or >= 224 || excluded.Any(e => Overlaps(e, network)) || !seen.Add(network))
            {
                continue;
            }

            router.AddRoute(network, gateway);
            added[n++] = network;
        }

        return added;
    }

    /// <summary>
    /// An Ethernet frame (no FCS) from <paramref name="source"/> to <paramref name="destination"/>
    /// carrying an IPv4 UDP packet of <paramref name="ipLength"/> bytes (zero payload, TTL 64).
    /// </summary>
    public static byte[] BuildFrame(MacAddress destination, MacAddress source, Ipv4Address from, Ipv4Address to, int ipLength)
    {
        var frame = new byte[EthernetFrame.HeaderLength + ipLength];
        new EthernetHeader(destination, source, EtherType.IPv4).Emit(frame);
        new Ipv4Header(from, to, IpProtocol.Udp, 64, ipLength).Emit(frame.AsSpan(EthernetFrame.HeaderLength));
        return frame;
    }

    private static bool Overlaps(Ipv4Network a, Ipv4Network b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);
}

/// <summary>
/// Puts copies of a pre-built frame on a port as if their last bit had just arrived, one
/// every interval. With <c>destinations</c>, each copy gets the next destination address
/// in turn (and its header checksum, computed beforehand), so that many destinations cost
/// no more memory traffic than one.
/// </summary>
internal sealed class PacketInjector : IEventTarget
{
    private const int DestinationOffset = EthernetFrame.HeaderLength + 16;
    private const int ChecksumOffset = EthernetFrame.HeaderLength + 10;

    private readonly Port port;
    private readonly byte[] template;
    private readonly (uint Destination, ushort Checksum)[] destinations;
    private readonly SimDuration interval;
    private Simulation? simulation;
    private int remaining;
    private int next;

    public PacketInjector(Port port, byte[] template, SimDuration interval, Ipv4Address[]? destinations = null)
    {
        this.port = port;
        this.template = template;
        this.interval = interval;
        this.destinations = [.. (destinations ?? []).Select(d => (d.Value, ChecksumWith(template, d)))];
    }

    /// <summary>Injects <paramref name="count"/> frames and runs the simulation until everything has happened.</summary>
    public void Run(Simulation simulation, int count)
    {
        this.simulation = simulation;
        remaining = count;
        simulation.Schedule(SimDuration.Zero, this);
        simulation.Run();
    }

    public void OnEvent(int kind, long argument)
    {
        FramePool pool = port.Network.Frames;
        FrameHandle frame = pool.Rent(template.Length);
        Span<byte> bytes = pool.GetSpan(frame);
        template.CopyTo(bytes);
        if (destinations.Length > 0)
        {
            (uint destination, ushort checksum) = destinations[next];
            BinaryPrimitives.WriteUInt32BigEndian(bytes[DestinationOffset..], destination);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[ChecksumOffset..], checksum);
            next = next + 1 == destinations.Length ? 0 : next + 1;
        }

        port.Arrive(frame, fcsGood: true);
        if (--remaining > 0)
        {
            simulation!.Schedule(interval, this);
        }
    }

    private static ushort ChecksumWith(byte[] template, Ipv4Address destination)
    {
        byte[] copy = [.. template];
        var packet = new Ipv4Packet(copy.AsSpan(EthernetFrame.HeaderLength)) { Destination = destination };
        packet.UpdateChecksum();
        return packet.Checksum;
    }
}
