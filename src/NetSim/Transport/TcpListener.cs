using System.Globalization;
using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// Waits for TCP connections on a port of a node (a passive open, RFC 9293 3.5): each SYN
/// starts a connection in SYN-RECEIVED, and once the handshake completes it is handed to
/// <see cref="AcceptAsync"/>. At most <see cref="Backlog"/> connections wait to be
/// accepted or are half open, and at most <see cref="MaxConnections"/> of its connections
/// are open at once; SYNs beyond either are ignored (the client retries), as Linux drops a
/// SYN when the accept queue is full.
/// </summary>
public sealed class TcpListener
{
    private readonly Queue<TcpConnection> ready = new();
    private readonly Queue<TaskCompletionSource<TcpConnection>> waiting = new();
    private int halfOpen;

    /// <summary>Creates a listener for <paramref name="port"/> on <paramref name="node"/> (not listening before <see cref="Start"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0.</exception>
    public TcpListener(IpNode node, ushort port, TcpSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfZero(port);
        Node = node;
        Port = port;
        Settings = settings ?? TcpSettings.Default;
        Settings.Validate();
    }

    /// <summary>The node it listens on.</summary>
    public IpNode Node { get; }

    /// <summary>The port.</summary>
    public ushort Port { get; }

    /// <summary>The settings of the connections it accepts.</summary>
    public TcpSettings Settings { get; }

    /// <summary>How many connections may wait (half open or not yet accepted); default 4,096 (Linux's net.core.somaxconn since 5.4).</summary>
    public int Backlog { get; init; } = 4096;

    /// <summary>
    /// How many connections accepted through this listener may be open at once (default
    /// 10,000; NetSim's own bound, as Kestrel's MaxConcurrentConnections or nginx's
    /// worker_connections). A connection counts from its handshake until it is closed
    /// (TIME-WAIT included, when the server closed first).
    /// </summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Connections accepted through this listener that are open now.</summary>
    public int OpenConnections { get; private set; }

    /// <summary>SYNs ignored because the backlog or <see cref="MaxConnections"/> was full.</summary>
    public long SynsDropped { get; private set; }

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsListening { get; private set; }

    /// <summary>
    /// Raised with each connection as its handshake completes. While it has a handler, its
    /// handlers take the connections: they are not also handed to <see cref="AcceptAsync"/>.
    /// </summary>
    public event EventHandler<TcpConnection>? Accepted;

    /// <summary>
    /// The application of the library that owns this listener (a web server): it takes each
    /// connection, ahead of the handlers of <see cref="Accepted"/>, and no user can replace
    /// it or take it away. Null on a user's listener.
    /// </summary>
    internal Action<TcpConnection>? Owner { get; init; }

    /// <summary>Starts listening.</summary>
    /// <exception cref="InvalidOperationException">Another listener has the port.</exception>
    public void Start()
    {
        Tcp.On(Node).Listen(this);
        IsListening = true;
    }

    /// <summary>Stops listening; connections already made go on. Waiting accepts are cancelled.</summary>
    public void Stop()
    {
        Tcp.On(Node).StopListening(this);
        IsListening = false;
        while (waiting.TryDequeue(out TaskCompletionSource<TcpConnection>? promise))
        {
            promise.TrySetCanceled();
        }
    }

    /// <summary>Waits, in simulated time, for the next established connection.</summary>
    public Task<TcpConnection> AcceptAsync()
    {
        if (ready.TryDequeue(out TcpConnection? connection))
        {
            return Task.FromResult(connection);
        }

        var promise = new TaskCompletionSource<TcpConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.Enqueue(promise);
        return promise.Task;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TCP listener {Node.Name}:{Port}");

    internal void OnSyn(Ipv4Address local, Ipv4Address remote, in TcpHeader syn)
    {
        if (!IsListening)
        {
            return;
        }

        if (halfOpen + ready.Count >= Backlog || halfOpen + OpenConnections >= MaxConnections)
        {
            SynsDropped++;
            return; // RFC 9293 leaves a full queue to the implementation: the SYN is dropped and the client retries
        }

        halfOpen++;
        TcpConnection.Accept(this, local, remote, syn);
    }

    internal void OnEstablished(TcpConnection connection)
    {
        halfOpen--;
        OpenConnections++;
        Action<TcpConnection>? owner = Owner;
        EventHandler<TcpConnection>? accepted = Accepted;
        if (owner is not null || accepted is not null)
        {
            owner?.Invoke(connection);
            accepted?.Invoke(this, connection); // the handlers take the connection: it does not also wait for AcceptAsync
            return;
        }

        if (waiting.TryDequeue(out TaskCompletionSource<TcpConnection>? promise))
        {
            promise.SetResult(connection);
        }
        else
        {
            ready.Enqueue(connection);
        }
    }

    internal void OnHalfOpenFailed() => halfOpen--;

    internal void OnConnectionClosed() => OpenConnections--;
}
