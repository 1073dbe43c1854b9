using System.Buffers.Binary;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// ICMP on a node (RFC 792, RFC 1122 3.2.2), a protocol above IPv4 beside UDP and TCP: it
/// answers echo requests, hands echo replies to the <see cref="IcmpSocket"/> whose identifier
/// they carry, passes the errors it receives to the protocol of the datagram they are about,
/// and sends the errors the node has to send.
/// </summary>
internal sealed class Icmp(IpNode node) : IIpProtocol
{
    private Dictionary<ushort, IcmpSocket>? sockets; // by echo identifier, made at the first socket
    private ushort nextIdentifier = 1;

    /// <inheritdoc/>
    public IpProtocol Protocol => IpProtocol.Icmp;

    /// <summary>Gives <paramref name="socket"/> the next free echo identifier.</summary>
    public ushort Bind(IcmpSocket socket)
    {
        sockets ??= [];
        if (sockets.Count == ushort.MaxValue)
        {
            throw new InvalidOperationException($"All 65,535 echo identifiers of {node.Name} are in use.");
        }

        while (sockets.ContainsKey(nextIdentifier) || nextIdentifier == 0)
        {
            nextIdentifier = unchecked((ushort)(nextIdentifier + 1));
        }

        sockets.Add(nextIdentifier, socket);
        return unchecked(nextIdentifier++);
    }

    public void Unbind(ushort identifier) => sockets?.Remove(identifier);

    /// <inheritdoc/>
    public void OnDatagram(IpInterface ingress, in Ipv4Header header, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> message)
    {
        WireError error = IcmpHeader.TryParse(message, out IcmpHeader icmp);
        if (error != WireError.None)
        {
            node.Counters.CountMalformed(error);
            return;
        }

        node.Counters.PacketsDelivered++;
        switch (icmp.Type)
        {
            case IcmpType.EchoRequest:
                if (!node.IsLocalAddress(header.Destination))
                {
                    return; // a broadcast ping: ignored, as Linux does by default
                }

                // RFC 792: the reply swaps the addresses and keeps identifier, sequence number and data.
                Span<byte> reply = message.Length <= 1500 ? stackalloc byte[message.Length] : new byte[message.Length];
                message.CopyTo(reply);
                (icmp with { Type = IcmpType.EchoReply }).Emit(reply);
                node.Send(header.Source, IpProtocol.Icmp, reply, IpNode.DefaultTimeToLive, dontFragment: false, header.Destination);
                return;
            case IcmpType.EchoReply:
                if (sockets?.GetValueOrDefault(icmp.Identifier) is { } socket)
                {
                    socket.OnEchoReply(header, icmp, message[IcmpHeader.Length..]);
                }
                else
                {
                    node.Counters.CountDrop(IpDropReason.Unwanted);
                }

                return;
            case IcmpType.DestinationUnreachable or IcmpType.TimeExceeded:
                if (!TryReadQuoted(message[IcmpHeader.Length..], out Ipv4Header quoted, out ReadOnlySpan<byte> start)
                    || !node.IsLocalAddress(quoted.Source)
                    || !ReportError(icmp, header.Source, quoted, start))
                {
                    node.Counters.CountDrop(IpDropReason.Unwanted);
                }

                return;
            default:
                node.Counters.CountDrop(IpDropReason.Unwanted);
                return;
        }
    }

    /// <summary>An error about an ICMP message this node sent: only echo requests have someone waiting (their socket).</summary>
    public bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start)
    {
        if (start.Length < IcmpHeader.Length || (IcmpType)start[0] != IcmpType.EchoRequest)
        {
            return false;
        }

        ushort identifier = BinaryPrimitives.ReadUInt16BigEndian(start[4..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(start[6..]);
        if (sockets?.GetValueOrDefault(identifier) is not { } socket)
        {
            return false;
        }

        socket.OnError(icmp, reporter, quoted, sequence);
        return true;
    }

    /// <summary>
    /// Delivers an ICMP error (received, or made up locally) to the protocol of the datagram
    /// it is about; false when no one waits for it. Only a first fragment says whose it is.
    /// </summary>
    public bool ReportError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start) =>
        quoted.FragmentOffset == 0
        && node.FindProtocol(quoted.Protocol) is { } protocol
        && protocol.OnError(icmp, reporter, quoted, start);

    /// <summary>
    /// Sends an ICMP error about <paramref name="offending"/> (an IPv4 packet, header first)
    /// to its source, quoting its header and the first 8 bytes of its payload (RFC 792).
    /// Sends nothing where RFC 1122 (3.2.2) and RFC 1812 (4.3.2.7) forbid it: about an ICMP
    /// error, a fragment other than the first, a broadcast or multicast, or a source that
    /// names no single host. (Packets that came in a link-layer broadcast never get here:
    /// they are delivered or dropped on arrival.)
    /// </summary>
    public void SendError(ReadOnlySpan<byte> offending, IcmpType type, byte code, int nextHopMtu = 0)
    {
        if (!TryReadQuoted(offending, out Ipv4Header header, out ReadOnlySpan<byte> start)
            || header.FragmentOffset != 0
            || header.Destination.IsBroadcast || header.Destination.IsMulticast || node.IsSubnetBroadcast(header.Destination)
            || !(IpNode.IsHostAddress(header.Source) || header.Source.IsLoopback) || node.IsSubnetBroadcast(header.Source) // 127/8 sources only come from the loopback
            || (header.Protocol == IpProtocol.Icmp && (start.IsEmpty || IsError((IcmpType)start[0]))))
        {
            return;
        }

        int quoted = header.HeaderLength + start.Length;
        Span<byte> message = stackalloc byte[IcmpHeader.Length + 60 + IcmpHeader.ErrorDataLength];
        message = message[..(IcmpHeader.Length + quoted)];
        offending[..quoted].CopyTo(message[IcmpHeader.Length..]);
        new IcmpHeader(type, code, NextHopMtu: checked((ushort)nextHopMtu)).Emit(message);
        if (node.Send(header.Source, IpProtocol.Icmp, message, IpNode.DefaultTimeToLive, dontFragment: false, Ipv4Address.Any) == SendResult.Sent)
        {
            node.Counters.IcmpErrorsSent++;
            if (node.Network.Tracer.IsOn)
            {
                // The event names the offending packet; its ICMP fields say what the error is.
                node.Network.Tracer.Raise(IpTrace.Make(node, IpEventKind.IcmpSent, header, start) with { IcmpType = type, IcmpCode = code, IcmpIdentifier = 0 });
            }
        }
    }

    /// <summary>Destination unreachable about a datagram given as its header and payload, quoting the header and the first 8 bytes of the payload.</summary>
    public void SendUnreachable(ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload, UnreachableCode code)
    {
        Span<byte> offending = stackalloc byte[60 + IcmpHeader.ErrorDataLength];
        headerBytes.CopyTo(offending);
        int start = Math.Min(payload.Length, IcmpHeader.ErrorDataLength);
        payload[..start].CopyTo(offending[headerBytes.Length..]);
        SendError(offending[..(headerBytes.Length + start)], IcmpType.DestinationUnreachable, (byte)code);
    }

    /// <summary>
    /// Reads the start of a packet as quoted in an ICMP error: the header (its total length
    /// and checksum are not checked: only the start is there) and up to 8 bytes after it.
    /// </summary>
    public static bool TryReadQuoted(ReadOnlySpan<byte> bytes, out Ipv4Header header, out ReadOnlySpan<byte> start)
    {
        header = default;
        start = default;
        if (bytes.Length < Ipv4Header.MinLength || bytes[0] >> 4 != 4)
        {
            return false;
        }

        int headerLength = (bytes[0] & 0xf) * 4;
        if (headerLength < Ipv4Header.MinLength || bytes.Length < headerLength)
        {
            return false;
        }

        header = Ipv4Header.Read(bytes); // the structure is checked above; length and checksum are not: only the start is quoted
        start = bytes[headerLength..Math.Min(bytes.Length, headerLength + IcmpHeader.ErrorDataLength)];
        return true;
    }

    private static bool IsError(IcmpType type) => type is IcmpType.DestinationUnreachable or IcmpType.TimeExceeded
        or (IcmpType)4 /* source quench */ or (IcmpType)5 /* redirect */ or (IcmpType)12 /* parameter problem */;
}
