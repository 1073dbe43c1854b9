using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A node's TCP: its connections and listeners, by port; ephemeral ports; initial
/// sequence numbers from the seeded random stream; checking arriving segments and handing
/// them to their connection; and a reset for segments no one is there for (RFC 9293,
/// 3.10.7.1).
/// </summary>
internal sealed class Tcp(IpNode node) : IIpProtocol
{
    /// <summary>The TCP of <paramref name="node"/>, registered with it when first needed.</summary>
    public static Tcp On(IpNode node) => node.GetOrAddProtocol(IpProtocol.Tcp, static n => new Tcp(n));

    private const ushort FirstEphemeralPort = 49152; // RFC 6335, 6

    private Dictionary<ConnectionKey, TcpConnection>? connections; // both made when first used: most nodes never use TCP
    private Dictionary<ushort, TcpListener>? listeners;
    private RandomSource? isnSource;
    private ushort nextEphemeral = FirstEphemeralPort;
    private byte[] scratch = [];

    public IpNode Node => node;

    /// <summary>A buffer to build one segment in, reused: sending allocates nothing.</summary>
    public Span<byte> Scratch(int length)
    {
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, 2048)];
        }

        return scratch.AsSpan(0, length);
    }

    /// <summary>An initial sequence number (RFC 9293, 3.4.1), from this node's seeded stream.</summary>
    public uint NewInitialSequenceNumber() => (isnSource ??= node.Simulation.CreateRandomSource($"{node.Name}/tcp-isn")).NextUInt32();

    public void Listen(TcpListener listener)
    {
        listeners ??= [];
        if (listeners.TryGetValue(listener.Port, out TcpListener? existing) && existing != listener)
        {
            throw new InvalidOperationException($"TCP port {listener.Port} on {node.Name} already has a listener.");
        }

        listeners[listener.Port] = listener;
    }

    public void StopListening(TcpListener listener)
    {
        if (listeners is not null && listeners.TryGetValue(listener.Port, out TcpListener? existing) && existing == listener)
        {
            listeners.Remove(listener.Port);
        }
    }

    public ushort AllocatePort(Ipv4Address local, Ipv4Address remote, ushort remotePort)
    {
        for (int tries = 0; tries <= ushort.MaxValue - FirstEphemeralPort; tries++)
        {
            ushort candidate = nextEphemeral;
            nextEphemeral = candidate == ushort.MaxValue ? FirstEphemeralPort : (ushort)(candidate + 1);
            if (listeners?.ContainsKey(candidate) != true && connections?.ContainsKey(new ConnectionKey(local, candidate, remote, remotePort)) != true)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Every ephemeral TCP port of {node.Name} is in use.");
    }

    public void Register(TcpConnection connection)
    {
        var key = new ConnectionKey(connection.LocalAddress, connection.LocalPort, connection.RemoteAddress, connection.RemotePort);
        connections ??= [];
        if (!connections.TryAdd(key, connection))
        {
            throw new InvalidOperationException($"{node.Name} already has a TCP connection from {key.LocalAddress}:{key.LocalPort} to {key.RemoteAddress}:{key.RemotePort} ({connections[key].State}).");
        }
    }

    public void Unregister(TcpConnection connection)
    {
        if (connections is null)
        {
            return;
        }

        connections.Remove(new ConnectionKey(connection.LocalAddress, connection.LocalPort, connection.RemoteAddress, connection.RemotePort));
        if (connections.Count == 0 && connections.EnsureCapacity(0) > 256)
        {
            connections.TrimExcess(); // the last of many connections went: give the table's memory back
        }
    }

    /// <inheritdoc/>
    public IpProtocol Protocol => IpProtocol.Tcp;

    /// <inheritdoc/>
    public void OnDatagram(IpInterface ingress, in Ipv4Header ip, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> segment)
    {
        WireError error = TcpHeader.TryParse(segment, out TcpHeader tcp);
        if (error == WireError.None && !TcpHeader.VerifyChecksum(segment, ip.Source, ip.Destination))
        {
            error = WireError.BadChecksum;
        }

        if (error != WireError.None)
        {
            node.Counters.CountMalformed(error);
            return;
        }

        if (!node.IsLocalAddress(ip.Destination))
        {
            node.Counters.CountDrop(IpDropReason.Unwanted); // TCP is unicast only
            return;
        }

        node.Counters.PacketsDelivered++;
        ReadOnlySpan<byte> data = segment[tcp.HeaderLength..];
        if (connections is not null && connections.TryGetValue(new ConnectionKey(ip.Destination, tcp.DestinationPort, ip.Source, tcp.SourcePort), out TcpConnection? connection))
        {
            connection.OnSegment(tcp, data, ip.TypeOfService);
            return;
        }

        if (listeners is not null && listeners.TryGetValue(tcp.DestinationPort, out TcpListener? listener)
            && (tcp.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn)
        {
            listener.OnSyn(ip.Destination, ip.Source, tcp);
            return;
        }

        node.Counters.CountDrop(IpDropReason.NoListener);
        SendResetFor(ip.Destination, ip.Source, tcp, data.Length);
    }

    /// <summary>An ICMP error about a segment this node sent: to the connection it came from.</summary>
    public bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start)
    {
        if (start.Length < 8)
        {
            return false; // RFC 792 quotes 8 bytes: the ports and the sequence number
        }

        var key = new ConnectionKey(quoted.Source, BinaryPrimitives.ReadUInt16BigEndian(start), quoted.Destination, BinaryPrimitives.ReadUInt16BigEndian(start[2..]));
        if (connections is null || !connections.TryGetValue(key, out TcpConnection? connection))
        {
            return false;
        }

        connection.OnIcmpError(icmp, reporter, BinaryPrimitives.ReadUInt32BigEndian(start[4..]));
        return true;
    }

    /// <summary>
    /// The reset for a segment that belongs to no connection (RFC 9293, 3.10.7.1): with the
    /// sequence number it acknowledged, or acknowledging it when it had no ACK. Never a reset
    /// for a reset.
    /// </summary>
    public void SendResetFor(Ipv4Address local, Ipv4Address remote, in TcpHeader tcp, int dataLength)
    {
        if ((tcp.Flags & TcpFlags.Rst) != 0)
        {
            return;
        }

        TcpHeader reset = (tcp.Flags & TcpFlags.Ack) != 0
            ? new TcpHeader(tcp.DestinationPort, tcp.SourcePort, tcp.AcknowledgmentNumber, 0, TcpFlags.Rst, 0)
            : new TcpHeader(tcp.DestinationPort, tcp.SourcePort, 0, TcpSequence.Add(tcp.SequenceNumber, dataLength + ((tcp.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((tcp.Flags & TcpFlags.Fin) != 0 ? 1 : 0)), TcpFlags.Rst | TcpFlags.Ack, 0);
        SendSegment(local, remote, reset, []);
    }

    public SendResult SendSegment(Ipv4Address local, Ipv4Address remote, in TcpHeader header, ReadOnlySpan<byte> data)
    {
        int headerLength = header.EmittedLength;
        Span<byte> segment = Scratch(headerLength + data.Length);
        data.CopyTo(segment[headerLength..]);
        header.Emit(segment, local, remote);
        return node.Send(remote, IpProtocol.Tcp, segment, IpNode.DefaultTimeToLive, dontFragment: false, local);
    }

    private readonly record struct ConnectionKey(Ipv4Address LocalAddress, ushort LocalPort, Ipv4Address RemoteAddress, ushort RemotePort);
}
