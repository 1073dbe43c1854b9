using System.Globalization;
using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>A datagram a <see cref="UdpSocket"/> received: who sent it, and its bytes.</summary>
/// <param name="RemoteAddress">The sender's address.</param>
/// <param name="RemotePort">The sender's port.</param>
/// <param name="Data">The payload.</param>
public readonly record struct UdpReceiveResult(Ipv4Address RemoteAddress, ushort RemotePort, byte[] Data);

/// <summary>An ICMP error a <see cref="UdpSocket"/> was told about: what came back for a datagram it sent.</summary>
/// <param name="Type">Destination unreachable or time exceeded.</param>
/// <param name="Code">The code (3: port unreachable, nothing listens there).</param>
/// <param name="ReportedBy">Who sent the error: the destination, or a router on the way.</param>
/// <param name="RemoteAddress">The destination of the datagram it is about.</param>
/// <param name="RemotePort">Its destination port.</param>
public readonly record struct UdpError(IcmpType Type, byte Code, Ipv4Address ReportedBy, Ipv4Address RemoteAddress, ushort RemotePort)
{
    /// <summary>True for ICMP port unreachable: nothing listened on that port.</summary>
    public bool IsPortUnreachable => Type == IcmpType.DestinationUnreachable && Code == (byte)UnreachableCode.Port;
}

/// <summary>Handles the datagrams a <see cref="UdpSocket"/> receives (<see cref="UdpSocket.Received"/>); the span is valid during the call only.</summary>
/// <param name="socket">The socket it arrived at.</param>
/// <param name="remoteAddress">The sender's address.</param>
/// <param name="remotePort">The sender's port.</param>
/// <param name="data">The payload.</param>
public delegate void UdpReceiveHandler(UdpSocket socket, Ipv4Address remoteAddress, ushort remotePort, ReadOnlySpan<byte> data);

/// <summary>
/// A UDP socket (RFC 768) on a host or router: bound to a port, it sends datagrams to any
/// address and port and receives those sent to its port. Checksums are computed on send
/// and checked on receive. An ICMP error about a datagram it sent (port unreachable when
/// nothing listens at the destination) is reported to it, as <see cref="Errors"/> and
/// <see cref="ErrorReceived"/>.
/// </summary>
/// <remarks>
/// Receive either with <see cref="Received"/>, an event with the bytes in place (no
/// allocation: for traffic generators and servers under load), or with
/// <see cref="ReceiveAsync"/> from application code on simulated time. While
/// <see cref="Received"/> has a handler, datagrams are not queued for <see cref="ReceiveAsync"/>.
/// </remarks>
public sealed class UdpSocket : IDisposable
{
    private readonly Queue<UdpReceiveResult> queue = new();
    private readonly Queue<TaskCompletionSource<UdpReceiveResult>> waiting = new();
    private readonly List<UdpError> errors = [];
    private int queuedBytes;
    private bool disposed;

    /// <summary>Creates an unbound socket on <paramref name="node"/>.</summary>
    public UdpSocket(IpNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
    }

    /// <summary>The node the socket is on.</summary>
    public IpNode Node { get; }

    /// <summary>The local port, or 0 before the socket is bound.</summary>
    public ushort LocalPort { get; private set; }

    /// <summary>The most bytes of datagrams waiting to be received (default 212,992, as Linux's rmem_default); datagrams beyond are dropped and counted.</summary>
    public int ReceiveBufferSize { get; set; } = 212_992;

    /// <summary>Raised with each datagram as it arrives; while it has a handler, datagrams are not queued for <see cref="ReceiveAsync"/> (see the remarks).</summary>
    public event UdpReceiveHandler? Received;

    /// <summary>Raised with each ICMP error reported about a datagram this socket sent (also kept in <see cref="Errors"/>).</summary>
    public event EventHandler<UdpError>? ErrorReceived;

    /// <summary>The last 100 ICMP errors reported to this socket, oldest first (<see cref="ErrorCount"/> counts them all).</summary>
    public IReadOnlyList<UdpError> Errors => errors;

    /// <summary>ICMP errors reported to this socket.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent { get; private set; }

    /// <summary>Datagrams received (handed to the handlers of <see cref="Received"/>, or to the library application that owns the socket, or queued).</summary>
    public long DatagramsReceived { get; private set; }

    /// <summary>Datagrams dropped because the receive buffer was full.</summary>
    public long DatagramsDropped { get; private set; }

    /// <summary>Binds the socket to <paramref name="port"/> on every address of the node; 0 picks a free ephemeral port (49152 to 65535, RFC 6335).</summary>
    /// <exception cref="InvalidOperationException">The socket is already bound, or the port is taken.</exception>
    public void Bind(ushort port = 0)
    {
        if (LocalPort != 0)
        {
            throw new InvalidOperationException($"This UDP socket on {Node.Name} is already bound to port {LocalPort}.");
        }

        LocalPort = Udp.On(Node).Bind(this, port);
    }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="port"/> at <paramref name="address"/>,
    /// binding to an ephemeral port first when unbound.
    /// </summary>
    /// <exception cref="ArgumentException">The datagram would not fit in an IPv4 packet (65,507 bytes of data at most).</exception>
    public SendResult SendTo(ReadOnlySpan<byte> data, Ipv4Address address, ushort port)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (data.Length > ushort.MaxValue - Ipv4Header.MinLength - UdpHeader.HeaderLength)
        {
            throw new ArgumentException($"A UDP datagram carries at most {ushort.MaxValue - Ipv4Header.MinLength - UdpHeader.HeaderLength} bytes; this one has {data.Length}.", nameof(data));
        }

        if (LocalPort == 0)
        {
            Bind();
        }

        SendResult result = Udp.On(Node).Send(LocalPort, address, port, data);
        if (result == SendResult.Sent)
        {
            DatagramsSent++;
        }

        return result;
    }

    /// <summary>Waits, in simulated time, for the next datagram (for application code; see the remarks).</summary>
    /// <exception cref="InvalidOperationException">The socket is not bound.</exception>
    public Task<UdpReceiveResult> ReceiveAsync()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (LocalPort == 0)
        {
            throw new InvalidOperationException($"This UDP socket on {Node.Name} is not bound: bind it, or send from it first.");
        }

        if (queue.TryDequeue(out UdpReceiveResult next))
        {
            queuedBytes -= next.Data.Length;
            return Task.FromResult(next);
        }

        var promise = new TaskCompletionSource<UdpReceiveResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.Enqueue(promise);
        return promise.Task;
    }

    /// <summary>Unbinds the socket; waiting receives are cancelled.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (LocalPort != 0)
        {
            Udp.On(Node).Unbind(LocalPort);
        }

        while (waiting.TryDequeue(out TaskCompletionSource<UdpReceiveResult>? promise))
        {
            promise.TrySetCanceled();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"UDP {Node.Name}:{LocalPort}");

    /// <summary>
    /// The application of the library that owns this socket (a DNS server or resolver): it
    /// takes every datagram, ahead of the handlers of <see cref="Received"/>, and no user can
    /// replace it or take it away. Null on a user's socket.
    /// </summary>
    internal UdpReceiveHandler? Owner { get; set; }

    internal void Deliver(Ipv4Address from, ushort fromPort, ReadOnlySpan<byte> data)
    {
        UdpReceiveHandler? owner = Owner;
        UdpReceiveHandler? received = Received;
        if (owner is not null || received is not null)
        {
            DatagramsReceived++;
            owner?.Invoke(this, from, fromPort, data);
            received?.Invoke(this, from, fromPort, data);
            return;
        }

        if (waiting.TryDequeue(out TaskCompletionSource<UdpReceiveResult>? promise))
        {
            DatagramsReceived++;
            promise.SetResult(new UdpReceiveResult(from, fromPort, data.ToArray()));
            return;
        }

        if (queuedBytes + data.Length > ReceiveBufferSize)
        {
            DatagramsDropped++;
            return;
        }

        DatagramsReceived++;
        queuedBytes += data.Length;
        queue.Enqueue(new UdpReceiveResult(from, fromPort, data.ToArray()));
    }

    internal void ReportError(in UdpError error)
    {
        ErrorCount++;
        if (errors.Count == 100)
        {
            errors.RemoveAt(0); // bounded: a source sending to a closed port gets an error per datagram
        }

        errors.Add(error);
        ErrorReceived?.Invoke(this, error);
    }
}
