using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>What an <see cref="IcmpSocket"/>'s owner is told: echo replies to its requests, and errors about them.</summary>
public interface IIcmpReceiver
{
    /// <summary>An echo reply carrying the socket's identifier arrived; <paramref name="data"/> is what follows the ICMP header.</summary>
    void OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data);

    /// <summary>
    /// An ICMP error (time exceeded, destination unreachable, or a local "host unreachable"
    /// when ARP gave up) came back from <paramref name="reporter"/> about the echo request
    /// with <paramref name="sequence"/>; <paramref name="quoted"/> is that request's header.
    /// </summary>
    void OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence);
}

/// <summary>
/// An ICMP echo socket on a node, as Linux's ping socket (a datagram socket of protocol
/// ICMP): it holds an echo identifier of its own, sends echo requests with it, and is told of
/// the echo replies that carry it and of the ICMP errors about its requests. Ping and
/// traceroute both run on one.
/// </summary>
public sealed class IcmpSocket : IDisposable
{
    private readonly IIcmpReceiver receiver;
    private bool disposed;

    /// <summary>Opens a socket on <paramref name="node"/> with the next free echo identifier; <paramref name="receiver"/> is told what arrives for it.</summary>
    /// <exception cref="InvalidOperationException">All 65,535 echo identifiers of the node are in use.</exception>
    public IcmpSocket(IpNode node, IIcmpReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(receiver);
        Node = node;
        this.receiver = receiver;
        Identifier = node.Icmp.Bind(this);
    }

    /// <summary>The node the socket is on.</summary>
    public IpNode Node { get; }

    /// <summary>The echo identifier of its requests (never 0).</summary>
    public ushort Identifier { get; }

    /// <summary>
    /// Sends an echo request to <paramref name="destination"/> with the socket's identifier,
    /// <paramref name="sequence"/> and <paramref name="data"/> after the header (RFC 792).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The TTL is 0.</exception>
    /// <exception cref="ArgumentException">The packet would exceed 65,535 bytes.</exception>
    public SendResult SendEchoRequest(Ipv4Address destination, ushort sequence, ReadOnlySpan<byte> data, byte timeToLive = IpNode.DefaultTimeToLive, bool dontFragment = false)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int length = IcmpHeader.Length + data.Length;
        Span<byte> message = length <= 1024 ? stackalloc byte[length] : new byte[length];
        data.CopyTo(message[IcmpHeader.Length..]);
        new IcmpHeader(IcmpType.EchoRequest, 0, Identifier, sequence).Emit(message);
        return Node.Send(destination, IpProtocol.Icmp, message, timeToLive, dontFragment);
    }

    /// <summary>Closes the socket: its identifier is free again, and nothing more is delivered to it.</summary>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Node.Icmp.Unbind(Identifier);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"icmp socket {Identifier} on {Node.Name}";

    internal void OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data) => receiver.OnEchoReply(header, icmp, data);

    internal void OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence) => receiver.OnError(icmp, reporter, quoted, sequence);
}
