using System.Globalization;
using System.Net.Sockets;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// One end of a TCP connection (RFC 9293): the state machine from the three-way handshake
/// to TIME-WAIT, a byte stream each way through send and receive buffers, sliding-window
/// flow control with zero-window probes, cumulative ACKs, reassembly of out-of-order data,
/// the retransmission timer of RFC 6298 (SRTT, RTTVAR, Karn's rule, backoff), fast
/// retransmit and NewReno fast recovery (RFC 5681, RFC 6582), window scaling, timestamps
/// and PAWS (RFC 7323), and congestion control
/// behind <see cref="ICongestionControl"/>. Open one with <see cref="ConnectAsync"/>, or
/// accept one from a <see cref="TcpListener"/>.
/// </summary>
/// <remarks>
/// ACKs are delayed (RFC 1122 4.2.3.2) unless <see cref="TcpSettings.DelayedAcknowledgments"/>
/// is off. Simplifications, all allowed by the RFCs: small segments are sent without waiting (no Nagle algorithm, as with
/// TCP_NODELAY), the FIN goes in a segment of its own, no SACK, and DF is not set (no path MTU discovery; IPv4 fragments instead).
/// </remarks>
public sealed class TcpConnection : IEventTarget
{
    private const int TimeWaitTimer = 3;
    private const int KeepAliveTimer = 4;

    private readonly Tcp tcp;
    private readonly Simulation sim;
    private readonly TcpListener? listener;
    private readonly TcpSettings settings;
    private readonly TcpSendBuffer send;
    private readonly TcpReceiveBuffer receive;
    private readonly TaskCompletionSource<TcpConnection> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? finAcknowledged;
    private readonly TcpSender sender; // the send sequence space, what to send, retransmission and persist
    private readonly TcpSegmentArrival arrival; // RFC 9293 3.10.7, and ICMP errors
    private readonly TcpReader reader; // reads, and the window updates they owe
    private EventHandle timeWaitTimer;
    private readonly TcpKeepAlive keepAlive;
    private bool countedByListener; // counted in the listener's OpenConnections until closed
    private readonly RttEstimator rtt;

    // A write waiting for room in the send buffer, and a close that waits for it.
    private ReadOnlyMemory<byte> pendingWrite;
    private SimulationValueTaskSource<bool>? writeSource; // made at the first write that waits; reused
    private TcpState? closeAfterWrite;
    private TcpMetrics lastMetrics; // as last raised by MetricsChanged
    private EventHandler<TcpMetrics>? metricsChanged;

    private TcpConnection(Tcp tcp, TcpListener? listener, TcpSettings settings, Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort, int egressMtu)
    {
        this.tcp = tcp;
        this.listener = listener;
        this.settings = settings;
        sim = tcp.Node.Simulation;
        LocalAddress = localAddress;
        LocalPort = localPort;
        RemoteAddress = remoteAddress;
        RemotePort = remotePort;
        int localMss = settings.MaximumSegmentSize != 0 ? settings.MaximumSegmentSize : egressMtu - Ipv4Header.MinLength - TcpHeader.MinLength;
        CongestionControl = settings.CongestionControl();
        rtt = new RttEstimator(settings.InitialRetransmissionTimeout, settings.MinimumRetransmissionTimeout, settings.MaximumRetransmissionTimeout);
        uint iss = tcp.NewInitialSequenceNumber();
        send = new TcpSendBuffer(settings.SendBufferSize, unchecked(iss + 1));
        receive = new TcpReceiveBuffer(settings.ReceiveBufferSize);
        sender = new TcpSender(this, tcp, settings, send, receive, rtt, CongestionControl, localMss, iss);
        arrival = new TcpSegmentArrival(this, sender, receive);
        reader = new TcpReader(this, sender, arrival, receive, sim);
        keepAlive = new TcpKeepAlive(sim, settings, this, KeepAliveTimer);
    }

    /// <summary>The node this end is on.</summary>
    public IpNode Node => tcp.Node;

    /// <summary>The local address.</summary>
    public Ipv4Address LocalAddress { get; }

    /// <summary>The local port.</summary>
    public ushort LocalPort { get; }

    /// <summary>The peer's address.</summary>
    public Ipv4Address RemoteAddress { get; }

    /// <summary>The peer's port.</summary>
    public ushort RemotePort { get; }

    /// <summary>The state (RFC 9293, 3.3.2).</summary>
    public TcpState State { get; private set; } = TcpState.Closed;

    /// <summary>The congestion control algorithm of this connection.</summary>
    public ICongestionControl CongestionControl { get; }

    /// <summary>The congestion window in bytes: the congestion control's, or during fast recovery the one Proportional Rate Reduction (RFC 6937) allows.</summary>
    public int CongestionWindow => sender.CongestionWindow;

    /// <summary>The slow start threshold in bytes.</summary>
    public int SlowStartThreshold => CongestionControl.SlowStartThreshold;

    /// <summary>The window the peer last advertised, in bytes.</summary>
    public int SendWindow => sender.Window;

    /// <summary>Bytes sent and not yet acknowledged.</summary>
    public int BytesInFlight => sender.InFlight;

    /// <summary>The data bytes a full segment carries: the smaller of the peer's MSS and ours, less the 12 bytes of the timestamps option when it is in use (RFC 6691; 1,448 on Ethernet, as Linux's <c>ss -i</c> shows).</summary>
    public int MaximumSegmentSize => sender.Mss;

    /// <summary>The smoothed round-trip time (RFC 6298), zero before the first measurement.</summary>
    public SimDuration SmoothedRoundTripTime => rtt.SmoothedRoundTripTime;

    /// <summary>The current retransmission timeout (RFC 6298), backoff included.</summary>
    public SimDuration RetransmissionTimeout => rtt.RetransmissionTimeout;

    /// <summary>Segments sent (retransmissions included).</summary>
    public long SegmentsSent => sender.SegmentsSent;

    /// <summary>Segments received.</summary>
    public long SegmentsReceived { get; private set; }

    /// <summary>Data bytes the peer acknowledged.</summary>
    public long BytesAcknowledged => sender.BytesAcknowledged;

    /// <summary>Data bytes received in order (handed, or ready to hand, to the application).</summary>
    public long BytesReceived => arrival.BytesReceived;

    /// <summary>Segments sent again: by timeout, fast retransmit or partial ACK.</summary>
    public long Retransmissions => sender.Retransmissions;

    /// <summary>Losses repaired by fast retransmit (three duplicate ACKs).</summary>
    public long FastRetransmits => sender.FastRetransmits;

    /// <summary>Retransmission timer expirations.</summary>
    public long RetransmissionTimeouts => sender.RetransmissionTimeouts;

    /// <summary>Keep-alive probes sent (RFC 1122, 4.2.3.6; only with <see cref="TcpSettings.KeepAlive"/>).</summary>
    public long KeepAliveProbes { get; private set; }

    /// <summary>How long the sender was held back, and by what (RFC 4898's SndLimTime counters; Linux's <c>ss -i</c> shows them as rwnd_limited and sndbuf_limited): what limits a transfer's throughput.</summary>
    public TcpSendLimits SendLimits => sender.SendLimits;

    /// <summary>Segments sent again because of <paramref name="cause"/>; a timeout's go-back counts every segment it resends. The causes add up to <see cref="Retransmissions"/>.</summary>
    /// <param name="cause">Why the segments went out again.</param>
    /// <returns>The number of segments.</returns>
    public long GetRetransmissions(TcpRetransmitCause cause) => sender.GetRetransmissions(cause);

    /// <summary>Explicit Congestion Notification (RFC 3168) on this connection: whether it was negotiated (see <see cref="TcpSettings.Ecn"/>), CE marks received, ECEs received, window reductions for them and CWRs sent.</summary>
    public TcpEcnStatistics Ecn => sender.Ecn.Statistics;

    /// <summary>Zero-window probes sent (RFC 9293, 3.8.6.1).</summary>
    public long ZeroWindowProbes => sender.ZeroWindowProbes;

    /// <summary>Segments dropped by PAWS (RFC 7323, 5.3): old duplicates, whose timestamp was older than the last one taken; each got an ACK.</summary>
    public long PawsDrops => sender.PawsDrops;

    /// <summary>Whether the window scale option is in use: both SYNs carried it (RFC 7323, 2; see <see cref="TcpSettings.WindowScaling"/>).</summary>
    public bool WindowScaling => sender.WindowScaling;

    /// <summary>Whether the timestamps option is in use: both SYNs carried it (RFC 7323, 3; see <see cref="TcpSettings.Timestamps"/>).</summary>
    public bool Timestamps => sender.Timestamps;

    /// <summary>Whether selective acknowledgments are in use: both SYNs carried SACK-permitted (RFC 2018, 2; see <see cref="TcpSettings.SelectiveAcknowledgments"/>).</summary>
    public bool SelectiveAcknowledgments => sender.SelectiveAcknowledgments;

    /// <summary>SACK blocks received and ignored because they were empty or not within SND.UNA..SND.MAX (RFC 2018, 3).</summary>
    public long InvalidSackBlocks => sender.InvalidSackBlocks;

    /// <summary>Bytes above SND.UNA the peer's SACK blocks reported, as the scoreboard holds them (for tests).</summary>
    internal int SackedBytes => sender.SackedBytes;

    /// <summary>The receiver's out-of-order ranges now (for tests).</summary>
    internal (uint Start, uint End)[] OutOfOrderRanges() => receive.OutOfOrderRanges();

    /// <summary>The ranges the SACK scoreboard holds (for tests).</summary>
    internal int SackedRanges => sender.SackedRanges;

    /// <summary>The shift applied to the windows this end advertises after the SYN (RFC 7323, 2.2), 0 without window scaling.</summary>
    public int ReceiveWindowShift => sender.ReceiveWindowShift;

    /// <summary>The shift applied to the windows the peer advertises after its SYN (RFC 7323, 2.2), 0 without window scaling.</summary>
    public int SendWindowShift => sender.SendWindowShift;

    /// <summary>Raised after every change of state, with the states before and after. It runs inside the stack's processing: read the connection, do not call into it.</summary>
    public event EventHandler<TcpStateChange>? StateChanged;

    /// <summary>Raised after every change of the congestion window or threshold (to trace it). It runs inside the stack's processing: read the connection, do not call into it.</summary>
    /// <remarks><see cref="MetricsChanged"/> carries the values, RTT, RTO and bytes in flight too.</remarks>
    public event EventHandler? CongestionWindowChanged;

    /// <summary>The congestion window, threshold, smoothed RTT, RTO and bytes in flight as they are now.</summary>
    public TcpMetrics Metrics => new(CongestionWindow, SlowStartThreshold, SmoothedRoundTripTime, RetransmissionTimeout, BytesInFlight);

    /// <summary>
    /// Raised when any of the <see cref="Metrics"/> changed (after an ACK, a send, a timer), with
    /// their new values; not raised when none changed. It runs inside the stack's processing:
    /// read the connection, do not call into it. Nobody listening costs a null check.
    /// </summary>
    /// <remarks>To record one of them over time, use <see cref="Probe"/>.</remarks>
    public event EventHandler<TcpMetrics>? MetricsChanged
    {
        add
        {
            if (metricsChanged is null)
            {
                lastMetrics = Metrics; // the values may have changed while nobody listened: compare with now
            }

            metricsChanged += value;
        }

        remove => metricsChanged -= value;
    }

    /// <summary>
    /// Records <paramref name="metric"/> over time: its value now, then a point at every change
    /// of it (see <see cref="MetricsChanged"/>). Bytes for the windows and bytes in flight,
    /// seconds for the times.
    /// </summary>
    public TimeSeries Probe(TcpMetric metric, int capacity = TimeSeries.DefaultCapacity)
    {
        string unit = metric is TcpMetric.SmoothedRoundTripTime or TcpMetric.RetransmissionTimeout ? "s" : "bytes";
        var series = new TimeSeries(string.Create(CultureInfo.InvariantCulture, $"{LocalAddress}:{LocalPort} {metric}"), unit, capacity);
        double last = Read(Metrics, metric);
        series.Record(sim.Now, last);
        EventHandler<TcpMetrics> handler = (_, metrics) =>
        {
            double value = Read(metrics, metric);
            if (value != last)
            {
                last = value;
                series.Record(sim.Now, value);
            }
        };
        MetricsChanged += handler;
        series.Attach(() => MetricsChanged -= handler);
        return series;

        static double Read(in TcpMetrics metrics, TcpMetric metric) => metric switch
        {
            TcpMetric.CongestionWindow => metrics.CongestionWindow,
            TcpMetric.SlowStartThreshold => metrics.SlowStartThreshold,
            TcpMetric.SmoothedRoundTripTime => metrics.SmoothedRoundTripTime.TotalSeconds,
            TcpMetric.RetransmissionTimeout => metrics.RetransmissionTimeout.TotalSeconds,
            TcpMetric.BytesInFlight => metrics.BytesInFlight,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a TCP metric."),
        };
    }

    /// <summary>Why the connection ended (success for an orderly close); read by a waiting read.</summary>
    internal SocketError Error { get; private set; }

    /// <summary>Completes when the connection is CLOSED (after TIME-WAIT for the side that closed first, or a reset).</summary>
    public Task Closed => closed.Task;

    /// <summary>
    /// Opens a connection from <paramref name="node"/> to <paramref name="port"/> at
    /// <paramref name="address"/> (an active open: SYN, SYN-ACK, ACK) and completes, in
    /// simulated time, when it is established.
    /// </summary>
    /// <exception cref="SocketException">(From the task.) Refused by a reset (<see cref="SocketError.ConnectionRefused"/>), no route (<see cref="SocketError.NetworkUnreachable"/>), or no answer (<see cref="SocketError.TimedOut"/>).</exception>
    /// <param name="node">The node to connect from.</param>
    /// <param name="address">The peer's address.</param>
    /// <param name="port">The peer's port.</param>
    /// <param name="settings">Buffers, timers and congestion control; the defaults when null.</param>
    /// <param name="localPort">The local port; 0 (the default) picks a free ephemeral one.</param>
    public static Task<TcpConnection> ConnectAsync(IpNode node, Ipv4Address address, ushort port, TcpSettings? settings = null, ushort localPort = 0)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfZero(port);
        settings ??= TcpSettings.Default;
        settings.Validate();
        if (!node.TryRoute(address, out IpInterface egress, out _))
        {
            return Task.FromException<TcpConnection>(new SocketException((int)SocketError.NetworkUnreachable));
        }

        Tcp tcp = Tcp.On(node);
        var connection = new TcpConnection(tcp, null, settings, egress.Address, localPort != 0 ? localPort : tcp.AllocatePort(egress.Address, address, port), address, port, egress.Mtu);
        try
        {
            tcp.Register(connection);
        }
        catch (InvalidOperationException taken)
        {
            return Task.FromException<TcpConnection>(taken);
        }

        connection.SetState(TcpState.SynSent);
        connection.sender.SendSyn();
        return connection.connected.Task;
    }

    /// <summary>
    /// Writes <paramref name="data"/> into the send buffer, waiting in simulated time while
    /// it is full; completes when the last byte is in the buffer (not when it is acknowledged).
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection is not open for sending, or another write is waiting.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (State is not (TcpState.Established or TcpState.CloseWait) || sender.FinQueued || closeAfterWrite is not null)
        {
            return ValueTask.FromException(Error != SocketError.Success
                ? new SocketException((int)Error)
                : new InvalidOperationException($"{this} is {State}{(sender.FinQueued ? " and closing" : "")}: it cannot send."));
        }

        if (WriteWaiting)
        {
            throw new InvalidOperationException($"{this} already has a write waiting for buffer space.");
        }

        int copied = send.Write(data.Span);
        pendingWrite = data[copied..]; // before Output, so that it sees a write waiting for room
        sender.Output();
        if (pendingWrite.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        return (writeSource ??= new SimulationValueTaskSource<bool>(sim)).NextWithoutResult();
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> at once when the connection is open for sending,
    /// no write is waiting and the send buffer has room for it; otherwise writes nothing and
    /// returns false. For a server's last word from a timer, where nothing can wait.
    /// </summary>
    internal bool TryWrite(ReadOnlySpan<byte> data)
    {
        if (State is not (TcpState.Established or TcpState.CloseWait) || sender.FinQueued || closeAfterWrite is not null || WriteWaiting || send.Free < data.Length)
        {
            return false;
        }

        send.Write(data);
        sender.Output();
        return true;
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>'s length of received bytes, waiting in simulated
    /// time until some arrive. Returns 0 at the end of the stream (the peer closed).
    /// </summary>
    /// <exception cref="SocketException">(From the task.) The connection was reset.</exception>
    /// <exception cref="InvalidOperationException">Another read is waiting.</exception>
    public ValueTask<int> ReadAsync(Memory<byte> buffer) => reader.ReadAsync(buffer);

    /// <summary>
    /// A <see cref="Stream"/> over this connection, for code written against streams
    /// (<see cref="StreamReader"/>, <see cref="StreamWriter"/>); see <see cref="TcpStream"/>.
    /// Each call makes a new one.
    /// </summary>
    /// <param name="ownsConnection">Whether disposing the stream closes this side of the connection (true, as <c>TcpClient.GetStream</c>'s stream does).</param>
    public TcpStream GetStream(bool ownsConnection = true) => new(this, ownsConnection);

    /// <summary>A waiting read gives up (its token was cancelled), having taken no bytes.</summary>
    internal void CancelRead(CancellationToken token) => reader.Cancel(token);

    /// <summary>
    /// Closes this side (no more writes): the FIN follows the data still in the send buffer.
    /// Completes when the peer has acknowledged the FIN; the peer may still send until it
    /// closes too.
    /// </summary>
    public Task CloseAsync()
    {
        if (WriteWaiting && closeAfterWrite is null && State is TcpState.Established or TcpState.CloseWait)
        {
            // The FIN follows the last byte of the waiting write: close once it is all in the buffer.
            closeAfterWrite = State == TcpState.Established ? TcpState.FinWait1 : TcpState.LastAck;
            finAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return finAcknowledged.Task;
        }

        if (closeAfterWrite is not null)
        {
            return finAcknowledged!.Task;
        }

        switch (State)
        {
            case TcpState.Established or TcpState.SynReceived:
                RequestClose(TcpState.FinWait1);
                break;
            case TcpState.CloseWait:
                RequestClose(TcpState.LastAck);
                break;
            case TcpState.SynSent or TcpState.Listen:
                EnterClosed(SocketError.OperationAborted);
                return Task.CompletedTask;
            default:
                return finAcknowledged?.Task ?? Task.CompletedTask;
        }

        return finAcknowledged!.Task;
    }

    /// <summary>Aborts the connection: sends a reset and goes to CLOSED at once (RFC 9293, 3.10.5); waiting reads and writes fail.</summary>
    public void Abort()
    {
        if (State is TcpState.Closed or TcpState.Listen or TcpState.TimeWait)
        {
            EnterClosed(SocketError.OperationAborted);
            return;
        }

        if (State != TcpState.SynSent)
        {
            sender.Emit(sender.Max, TcpFlags.Rst | TcpFlags.Ack, 0, 0);
        }

        EnterClosed(SocketError.ConnectionAborted);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TCP {LocalAddress}:{LocalPort} -> {RemoteAddress}:{RemotePort} ({State})");

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        switch (kind)
        {
            case TimeWaitTimer:
                EnterClosed(SocketError.Success);
                break;
            case KeepAliveTimer:
                OnKeepAliveTimeout(argument);

                break;
        }
    }

    /// <summary>A passive open: <paramref name="syn"/> arrived at <paramref name="listener"/>; answer with SYN-ACK.</summary>
    internal static void Accept(TcpListener listener, Ipv4Address local, Ipv4Address remote, in TcpHeader syn)
    {
        Tcp tcp = Tcp.On(listener.Node);
        int mtu = listener.Node.TryRoute(remote, out IpInterface egress, out _) ? egress.Mtu : 576;
        var connection = new TcpConnection(tcp, listener, listener.Settings, local, listener.Port, remote, syn.SourcePort, mtu);
        tcp.Register(connection);
        connection.SetState(TcpState.SynReceived);
        connection.arrival.TakeSyn(syn);
        connection.sender.SendSyn();
    }

    /// <summary>An ICMP error quoting a segment of this connection (RFC 1122 4.2.3.9, RFC 5927).</summary>
    internal void OnIcmpError(in IcmpHeader icmp, Ipv4Address reporter, uint quotedSequence) => arrival.OnIcmpError(icmp, quotedSequence);

    /// <summary>A segment for this connection arrived (checksum verified), in a packet whose TOS byte is <paramref name="typeOfService"/> (its ECN field: RFC 3168): RFC 9293, 3.10.7.</summary>
    internal void OnSegment(in TcpHeader segment, ReadOnlySpan<byte> data, byte typeOfService = 0)
    {
        reader.InSegment = true;
        try
        {
            SegmentsReceived++;
            if (Tracer.IsOn)
            {
                Tracer.Raise(TraceEvent(TcpEventKind.SegmentReceived) with
                {
                    Sequence = segment.SequenceNumber,
                    Acknowledgment = segment.AcknowledgmentNumber,
                    Flags = segment.Flags,
                    Length = data.Length,
                    Window = segment.Window,
                });
            }

            keepAlive.OnSegmentReceived();
            arrival.OnSegment(segment, data, typeOfService);
        }
        finally
        {
            reader.InSegment = false;
        }
    }

    /// <summary>Whether a listener made this connection (a passive open).</summary>
    internal bool IsPassive => listener is not null;

    /// <summary>The handshake completed (RFC 9293 3.5): ESTABLISHED, keep-alive starts, a listener counts it, an ACK if <paramref name="acknowledge"/>, and the open completes.</summary>
    internal void OnEstablished(bool acknowledge)
    {
        SetState(TcpState.Established);
        keepAlive.Start();
        countedByListener = listener is not null;
        listener?.OnEstablished(this);
        if (acknowledge)
        {
            sender.SendAck();
        }

        connected.TrySetResult(this);
    }

    private void RequestClose(TcpState next)
    {
        sender.QueueFin();
        finAcknowledged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SetState(next);
        sender.Output();
    }

    /// <summary>The sender saw the FIN acknowledged.</summary>
    internal void OnFinAcknowledged()
    {
        finAcknowledged?.TrySetResult();
        switch (State)
        {
            case TcpState.FinWait1:
                SetState(TcpState.FinWait2);
                sim.Cancel(timeWaitTimer);
                timeWaitTimer = sim.Schedule(settings.MaximumSegmentLifetime * 2, this, TimeWaitTimer); // as Linux's tcp_fin_timeout: a peer that never closes does not hold us forever
                break;
            case TcpState.Closing:
                StartTimeWait();
                break;
            case TcpState.LastAck:
                EnterClosed(SocketError.Success);
                break;
        }
    }

    /// <summary>Enters TIME-WAIT, or restarts its 2 MSL timeout (RFC 9293 3.10.7.4, eighth).</summary>
    internal void StartTimeWait()
    {
        if (State != TcpState.TimeWait)
        {
            SetState(TcpState.TimeWait);
        }

        sender.StopTimers();
        sim.Cancel(timeWaitTimer);
        timeWaitTimer = sim.Schedule(settings.MaximumSegmentLifetime * 2, this, TimeWaitTimer);
    }

    /// <summary>Goes to CLOSED for <paramref name="reason"/> (success for an orderly close): timers stop, buffers go, waits complete or fail.</summary>
    internal void EnterClosed(SocketError reason)
    {
        if (State == TcpState.Closed && closed.Task.IsCompleted)
        {
            return;
        }

        bool halfOpen = State == TcpState.SynReceived;
        if (reason != SocketError.Success)
        {
            Error = reason;
        }

        sender.StopTimers();
        sim.Cancel(timeWaitTimer);
        keepAlive.Stop();
        SetState(TcpState.Closed);
        tcp.Unregister(this);
        if (halfOpen && listener is not null && !connected.Task.IsCompleted)
        {
            listener.OnHalfOpenFailed();
        }
        else if (countedByListener)
        {
            countedByListener = false;
            listener!.OnConnectionClosed();
        }

        // Every buffer goes when the connection ends; received bytes stay until they are read.
        send.Release();
        receive.Release();

        Exception failure = new SocketException((int)(reason == SocketError.Success ? SocketError.Shutdown : reason));
        connected.TrySetException(failure);
        if (reason == SocketError.Success)
        {
            finAcknowledged?.TrySetResult();
        }
        else
        {
            finAcknowledged?.TrySetException(failure); // the FIN was never acknowledged
        }
        if (WriteWaiting)
        {
            writeSource!.SetException(failure);
        }

        ContinueRead();
        closed.TrySetResult();
    }

    private void OnKeepAliveTimeout(long generation)
    {
        if (State is TcpState.Closed or TcpState.TimeWait or TcpState.SynSent or TcpState.SynReceived)
        {
            return;
        }

        switch (keepAlive.OnEvent(generation, SegmentsReceived, dataOutstanding: BytesInFlight > 0))
        {
            case KeepAliveAction.GiveUp:
                OnRetriesExhausted();
                break;
            case KeepAliveAction.Probe:
                KeepAliveProbes++;
                sender.SendKeepAliveProbe();
                keepAlive.ProbeSent();
                break;
        }
    }

    /// <summary>Changes the state and tells the observers.</summary>
    internal void SetState(TcpState next)
    {
        TcpState before = State;
        State = next;
        if (Tracer.IsOn)
        {
            Tracer.Raise(TraceEvent(TcpEventKind.StateChanged) with { PreviousState = before });
        }

        StateChanged?.Invoke(this, new TcpStateChange(before, next));
    }

    /// <summary>The sender freed buffer space: a waiting write goes on.</summary>
    internal void ContinueWrite()
    {
        if (!WriteWaiting)
        {
            return;
        }

        int copied = send.Write(pendingWrite.Span);
        pendingWrite = pendingWrite[copied..];
        if (pendingWrite.IsEmpty)
        {
            writeSource!.SetResult(true);
            if (closeAfterWrite is TcpState next)
            {
                closeAfterWrite = null;
                RequestClose(next);
            }
        }
    }

    /// <summary>Data or the end of the stream arrived: a waiting read completes.</summary>
    internal void ContinueRead() => reader.Continue();

    /// <summary>Whether the application's write waits for room in the send buffer.</summary>
    internal bool WriteWaiting => writeSource is { IsWaiting: true };

    /// <summary>Bytes of the application's write that did not fit in the send buffer yet.</summary>
    internal int PendingWriteLength => pendingWrite.Length;

    /// <summary>The retransmission timer or keep-alive ran out of retries: the connection times out, with the last ICMP error if there was one (RFC 1122, 4.2.3.9).</summary>
    internal void OnRetriesExhausted() => EnterClosed(arrival.SoftError != SocketError.Success ? arrival.SoftError : SocketError.TimedOut);

    /// <summary>The congestion window or threshold may have changed: tell the observers.</summary>
    internal void OnCongestionWindowChanged()
    {
        if (Tracer.IsOn)
        {
            Tracer.Raise(TraceEvent(TcpEventKind.WindowChanged));
        }

        CongestionWindowChanged?.Invoke(this, EventArgs.Empty);
        OnMetricsMayHaveChanged();
    }

    /// <summary>An ACK, a send or a timer may have changed the <see cref="Metrics"/>: tell the observers when they did.</summary>
    internal void OnMetricsMayHaveChanged()
    {
        if (metricsChanged is { } handlers)
        {
            TcpMetrics metrics = Metrics;
            if (metrics != lastMetrics)
            {
                lastMetrics = metrics;
                handlers(this, metrics);
            }
        }
    }

    /// <summary>The tracer of the node's network.</summary>
    internal Tracer Tracer => tcp.Node.Network.Tracer;

    /// <summary>A trace event of this connection, with its state and congestion window as they are now.</summary>
    internal TcpEvent TraceEvent(TcpEventKind kind) =>
        new(sim.Now, tcp.Node.Name, kind, LocalAddress, LocalPort, RemoteAddress, RemotePort)
        {
            State = State,
            CongestionWindow = CongestionWindow,
            SlowStartThreshold = SlowStartThreshold,
        };
}
