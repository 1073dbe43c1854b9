using System.Globalization;
using System.Net.Sockets;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// One end of a TCP connection (RFC 9293): the state machine from the three-way handshake
/// to TIME-WAIT, a byte stream each way through send and receive buffers, sliding-window
/// flow control with zero-window probes, cumulative ACKs, reassembly of out-of-order data,
/// the retransmission timer of RFC 6298 (SRTT, RTTVAR, Karn's rule, backoff), fast
/// retransmit and NewReno fast recovery (RFC 5681, RFC 6582), and congestion control
/// behind <see cref="ICongestionControl"/>. Open one with <see cref="ConnectAsync"/>, or
/// accept one from a <see cref="TcpListener"/>.
/// </summary>
/// <remarks>
/// Simplifications, all allowed by the RFCs: every segment is acknowledged at once (no
/// delayed ACKs), small segments are sent without waiting (no Nagle algorithm, as with
/// TCP_NODELAY), the FIN goes in a segment of its own, no window scaling, SACK or
/// timestamps, and DF is not set (no path MTU discovery; IPv4 fragments instead).
/// </remarks>
public sealed class TcpConnection : IEventTarget
{
    private const int RetransmitTimer = 1;
    private const int PersistTimer = 2;
    private const int TimeWaitTimer = 3;
    private const int KeepAliveTimer = 4;
    private const int DefaultPeerMss = 536; // RFC 9293, 3.7.1: without the option
    private const int MinimumMss = 64;

    private readonly Tcp tcp;
    private readonly Simulation sim;
    private readonly TcpListener? listener;
    private readonly TcpSettings settings;
    private readonly TcpSendBuffer send;
    private readonly TcpReceiveBuffer receive;
    private readonly int localMss;
    private readonly TaskCompletionSource<TcpConnection> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? finAcknowledged;

    // Send sequence space (RFC 9293, 3.3.1). sndMax is the highest sequence number sent plus
    // one: after a timeout sndNxt goes back to sndUna and climbs to sndMax again.
    private readonly uint iss;
    private uint sndUna;
    private uint sndNxt;
    private uint sndMax;
    private int sndWnd;
    private uint sndWl1;
    private uint sndWl2;
    private bool closeRequested;
    private uint finSeq;

    // Receive sequence space: RCV.NXT and the window are the receive buffer's.
    private bool finReceived;
    private uint? pendingFin;

    // Timers (RFC 6298).
    private readonly DeadlineTimer retransmitTimer;
    private EventHandle persistTimer;
    private EventHandle timeWaitTimer;
    private readonly TcpKeepAlive keepAlive;
    private bool countedByListener; // counted in the listener's OpenConnections until closed
    private readonly RttEstimator rtt;
    private int retries;
    private int persistBackoff;

    private readonly LossRecovery recovery = new(); // RFC 5681, RFC 6582
    private int mss;

    // The application's waits.
    private ReadOnlyMemory<byte> pendingWrite;
    private SimulationValueTaskSource<bool>? writeSource; // made at the first write that waits; reused
    private Memory<byte> pendingRead;
    private SimulationValueTaskSource<int>? readSource;
    private SocketError error;
    private SocketError softError; // from ICMP: reported only if the connection then times out (RFC 1122, 4.2.3.9)
    private bool synRetransmitted;
    private bool inSegment;
    private TcpState? closeAfterWrite;

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
        localMss = settings.MaximumSegmentSize != 0 ? settings.MaximumSegmentSize : egressMtu - Ipv4Header.MinLength - TcpHeader.MinLength;
        mss = Math.Min(localMss, DefaultPeerMss);
        CongestionControl = settings.CongestionControl();
        rtt = new RttEstimator(settings.InitialRetransmissionTimeout, settings.MinimumRetransmissionTimeout, settings.MaximumRetransmissionTimeout);
        iss = tcp.NewInitialSequenceNumber();
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        send = new TcpSendBuffer(settings.SendBufferSize, unchecked(iss + 1));
        receive = new TcpReceiveBuffer(settings.ReceiveBufferSize);
        retransmitTimer = new DeadlineTimer(sim, this, RetransmitTimer);
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

    /// <summary>The congestion window in bytes.</summary>
    public int CongestionWindow => CongestionControl.CongestionWindow;

    /// <summary>The slow start threshold in bytes.</summary>
    public int SlowStartThreshold => CongestionControl.SlowStartThreshold;

    /// <summary>The window the peer last advertised, in bytes.</summary>
    public int SendWindow => sndWnd;

    /// <summary>Bytes sent and not yet acknowledged.</summary>
    public int BytesInFlight => TcpSequence.Difference(sndMax, sndUna);

    /// <summary>The segment size used for sending: the smaller of the peer's MSS and ours.</summary>
    public int MaximumSegmentSize => mss;

    /// <summary>The smoothed round-trip time (RFC 6298), zero before the first measurement.</summary>
    public SimDuration SmoothedRoundTripTime => rtt.SmoothedRoundTripTime;

    /// <summary>The current retransmission timeout (RFC 6298), backoff included.</summary>
    public SimDuration RetransmissionTimeout => rtt.RetransmissionTimeout;

    /// <summary>Segments sent (retransmissions included).</summary>
    public long SegmentsSent { get; private set; }

    /// <summary>Segments received.</summary>
    public long SegmentsReceived { get; private set; }

    /// <summary>Data bytes the peer acknowledged.</summary>
    public long BytesAcknowledged { get; private set; }

    /// <summary>Data bytes received in order (handed, or ready to hand, to the application).</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Segments sent again: by timeout, fast retransmit or partial ACK.</summary>
    public long Retransmissions { get; private set; }

    /// <summary>Losses repaired by fast retransmit (three duplicate ACKs).</summary>
    public long FastRetransmits { get; private set; }

    /// <summary>Retransmission timer expirations.</summary>
    public long RetransmissionTimeouts { get; private set; }

    /// <summary>Keep-alive probes sent (RFC 1122, 4.2.3.6; only with <see cref="TcpSettings.KeepAlive"/>).</summary>
    public long KeepAliveProbes { get; private set; }

    /// <summary>Zero-window probes sent (RFC 9293, 3.8.6.1).</summary>
    public long ZeroWindowProbes { get; private set; }

    /// <summary>Called after every change of state, with the state before. It runs inside the stack's processing: read the connection, do not call into it.</summary>
    public Action<TcpConnection, TcpState>? StateChanged { get; set; }

    /// <summary>Called after every change of the congestion window or threshold (to trace it). It runs inside the stack's processing: read the connection, do not call into it.</summary>
    public Action<TcpConnection>? CongestionWindowChanged { get; set; }

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
        connection.SendSyn();
        return connection.connected.Task;
    }

    /// <summary>
    /// Writes <paramref name="data"/> into the send buffer, waiting in simulated time while
    /// it is full; completes when the last byte is in the buffer (not when it is acknowledged).
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection is not open for sending, or another write is waiting.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (State is not (TcpState.Established or TcpState.CloseWait) || closeRequested || closeAfterWrite is not null)
        {
            return ValueTask.FromException(error != SocketError.Success
                ? new SocketException((int)error)
                : new InvalidOperationException($"{this} is {State}{(closeRequested ? " and closing" : "")}: it cannot send."));
        }

        if (WriteWaiting)
        {
            throw new InvalidOperationException($"{this} already has a write waiting for buffer space.");
        }

        int copied = send.Write(data.Span);
        Output();
        if (copied == data.Length)
        {
            return ValueTask.CompletedTask;
        }

        pendingWrite = data[copied..];
        return (writeSource ??= new SimulationValueTaskSource<bool>(sim)).NextWithoutResult();
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> at once when the connection is open for sending,
    /// no write is waiting and the send buffer has room for it; otherwise writes nothing and
    /// returns false. For a server's last word from a timer, where nothing can wait.
    /// </summary>
    internal bool TryWrite(ReadOnlySpan<byte> data)
    {
        if (State is not (TcpState.Established or TcpState.CloseWait) || closeRequested || closeAfterWrite is not null || WriteWaiting || send.Free < data.Length)
        {
            return false;
        }

        send.Write(data);
        Output();
        return true;
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>'s length of received bytes, waiting in simulated
    /// time until some arrive. Returns 0 at the end of the stream (the peer closed).
    /// </summary>
    /// <exception cref="SocketException">(From the task.) The connection was reset.</exception>
    /// <exception cref="InvalidOperationException">Another read is waiting.</exception>
    public ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        if (ReadWaiting)
        {
            throw new InvalidOperationException($"{this} already has a read waiting.");
        }

        if (receive.Count > 0 || buffer.IsEmpty)
        {
            return new ValueTask<int>(ReadFromReceiveBuffer(buffer.Span));
        }

        if (finReceived)
        {
            return new ValueTask<int>(0);
        }

        if (State == TcpState.Closed)
        {
            return error is SocketError.Success or SocketError.Shutdown ? new ValueTask<int>(0) : ValueTask.FromException<int>(new SocketException((int)error));
        }

        pendingRead = buffer;
        return (readSource ??= new SimulationValueTaskSource<int>(sim)).Next();
    }

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
            Send(sndMax, TcpFlags.Rst | TcpFlags.Ack, 0, 0);
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
            case RetransmitTimer:
                if (retransmitTimer.OnEvent())
                {
                    OnRetransmitTimeout();
                }

                break;
            case PersistTimer:
                OnPersistTimeout();
                break;
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
        connection.TakeSyn(syn);
        connection.SendSyn();
    }

    internal void OnIcmpError(in IcmpHeader icmp, Ipv4Address reporter, uint quotedSequence)
    {
        // RFC 5927 4.1, as Linux's tcp_v4_err: an error about a segment we did not send (its
        // sequence number is not in SND.UNA..SND.MAX) is stale or forged, and ignored.
        if (TcpSequence.LessThan(quotedSequence, sndUna) || !TcpSequence.LessThan(quotedSequence, State == TcpState.SynSent ? TcpSequence.Add(iss, 1) : TcpSequence.Add(sndMax, 1)))
        {
            return;
        }

        // RFC 1122, 4.2.3.9: port and protocol unreachable are hard errors; the others are soft.
        bool unreachable = icmp.Type == IcmpType.DestinationUnreachable && icmp.Code != (byte)UnreachableCode.FragmentationNeeded;
        bool hard = unreachable && icmp.Code is (byte)UnreachableCode.Port or (byte)UnreachableCode.Protocol;
        SocketError reported = hard ? SocketError.ConnectionRefused
            : unreachable && icmp.Code == (byte)UnreachableCode.Network ? SocketError.NetworkUnreachable
            : SocketError.HostUnreachable;
        if (State == TcpState.SynSent && (unreachable || icmp.Type == IcmpType.TimeExceeded))
        {
            // As Linux's tcp_v4_err: a connect in SYN-SENT fails at the first unreachable or
            // time exceeded, rather than retrying for minutes toward a host known not to answer.
            EnterClosed(reported);
        }
        else if (hard && State == TcpState.SynReceived)
        {
            EnterClosed(SocketError.ConnectionRefused);
        }
        else if (unreachable)
        {
            softError = reported;
        }
    }

    /// <summary>A segment for this connection arrived (checksum verified): RFC 9293, 3.10.7.</summary>
    internal void OnSegment(in TcpHeader segment, ReadOnlySpan<byte> data)
    {
        inSegment = true;
        try
        {
            ProcessSegment(segment, data);
        }
        finally
        {
            inSegment = false;
        }
    }

    private void ProcessSegment(in TcpHeader segment, ReadOnlySpan<byte> data)
    {
        SegmentsReceived++;
        keepAlive.OnSegmentReceived();
        if (State == TcpState.SynSent)
        {
            OnSegmentInSynSent(segment);
            return;
        }

        if (State == TcpState.Closed)
        {
            return;
        }

        TcpFlags flags = segment.Flags;
        uint seq = segment.SequenceNumber;
        int length = data.Length + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        if (!receive.IsAcceptable(seq, length))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                if (State == TcpState.TimeWait && (flags & TcpFlags.Fin) != 0 && TcpSequence.Add(seq, length) == receive.Next)
                {
                    StartTimeWait(); // the peer's FIN again (it ends just before RCV.NXT, so fails the test above): restart the 2 MSL timeout (RFC 9293, 3.10.7.4)
                }

                SendAck(); // RFC 9293, 3.10.7.4, first: an unacceptable segment gets an ACK
            }

            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seq == receive.Next)
            {
                EnterClosed(State == TcpState.SynReceived && listener is not null ? SocketError.Success : SocketError.ConnectionReset);
            }
            else
            {
                SendAck(); // RFC 5961, 3.2: a challenge ACK for a reset that is in the window but not exact
            }

            return;
        }

        if ((flags & TcpFlags.Syn) != 0)
        {
            SendAck(); // RFC 5961, 4.2: a SYN on a synchronized connection gets a challenge ACK
            return;
        }

        if ((flags & TcpFlags.Ack) == 0)
        {
            return;
        }

        if (!OnAck(segment, data.Length))
        {
            return;
        }

        bool acknowledge = false;
        if (State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 && (data.Length > 0 || (flags & TcpFlags.Fin) != 0))
        {
            acknowledge = true;
            if (!data.IsEmpty)
            {
                int inOrder = receive.Take(seq, data);
                if (inOrder > 0)
                {
                    BytesReceived += inOrder;
                    ContinueRead();
                }
            }

            if ((flags & TcpFlags.Fin) != 0)
            {
                pendingFin = TcpSequence.Add(seq, data.Length);
            }

            TakeFinIfInOrder();
        }
        else if ((flags & TcpFlags.Fin) != 0 && State is TcpState.CloseWait or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait)
        {
            acknowledge = true; // a retransmitted FIN: its ACK was lost
            if (State == TcpState.TimeWait)
            {
                StartTimeWait(); // RFC 9293, 3.10.7.4, eighth: restart the 2 MSL timeout
            }
        }

        if (acknowledge)
        {
            SendAck();
        }
    }

    private void OnSegmentInSynSent(in TcpHeader segment)
    {
        TcpFlags flags = segment.Flags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        if (hasAck && (TcpSequence.LessOrEqual(segment.AcknowledgmentNumber, iss) || TcpSequence.LessThan(sndMax, segment.AcknowledgmentNumber)))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                Send(segment.AcknowledgmentNumber, TcpFlags.Rst, 0, 0);
            }

            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (hasAck)
            {
                EnterClosed(SocketError.ConnectionRefused); // RFC 9293, 3.10.7.3: "connection reset"
            }

            return;
        }

        if ((flags & TcpFlags.Syn) == 0)
        {
            return;
        }

        TakeSyn(segment);
        if (hasAck)
        {
            OnSynAcknowledged(segment);
            SetState(TcpState.Established);
            keepAlive.Start();
            SendAck();
            connected.TrySetResult(this);
            Output();
        }
        else
        {
            SetState(TcpState.SynReceived); // a simultaneous open (RFC 9293, 3.5, figure 8)
            Send(iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, withMss: true);
        }
    }

    private void TakeSyn(in TcpHeader syn)
    {
        receive.Synchronize(syn.SequenceNumber);
        int peerMss = syn.MaximumSegmentSize != 0 ? syn.MaximumSegmentSize : DefaultPeerMss;
        mss = Math.Min(localMss, Math.Max(peerMss, MinimumMss)); // a tiny announced MSS would make an event storm (Linux: tcp_min_snd_mss)
        sndWnd = syn.Window;
        sndWl1 = syn.SequenceNumber;
        sndWl2 = syn.AcknowledgmentNumber;
    }

    private void OnSynAcknowledged(in TcpHeader segment)
    {
        sndUna = segment.AcknowledgmentNumber;
        if (TcpSequence.LessThan(sndNxt, sndUna))
        {
            sndNxt = sndUna;
        }

        sndWnd = segment.Window;
        sndWl1 = segment.SequenceNumber;
        sndWl2 = segment.AcknowledgmentNumber;
        SimDuration? sample = rtt.TryMeasure(segment.AcknowledgmentNumber, sim.Now, out SimDuration measured) ? measured : null;
        rtt.StopTiming();
        retries = 0;
        retransmitTimer.Stop();
        CongestionSignal signal = Signal(sample);
        CongestionControl.Initialize(signal, handshakeRetransmitted: synRetransmitted);
        if (synRetransmitted)
        {
            rtt.OnHandshakeRetransmitted();
        }

        CongestionWindowChanged?.Invoke(this);
    }

    /// <summary>The ACK field of a segment in a synchronized state. False when the segment is to be dropped.</summary>
    private bool OnAck(in TcpHeader segment, int dataLength)
    {
        uint ack = segment.AcknowledgmentNumber;
        if (State == TcpState.SynReceived)
        {
            if (TcpSequence.LessThan(sndUna, ack) && TcpSequence.LessOrEqual(ack, sndMax))
            {
                OnSynAcknowledged(segment);
                SetState(TcpState.Established);
                keepAlive.Start();
                countedByListener = listener is not null;
                listener?.OnEstablished(this);
                connected.TrySetResult(this);
            }
            else
            {
                Send(ack, TcpFlags.Rst, 0, 0);
                return false;
            }
        }

        if (TcpSequence.LessThan(sndMax, ack))
        {
            SendAck(); // it acknowledges something not yet sent
            return false;
        }

        bool windowUpdate = TcpSequence.LessThan(sndWl1, segment.SequenceNumber) || (sndWl1 == segment.SequenceNumber && TcpSequence.LessOrEqual(sndWl2, ack));
        if (TcpSequence.LessThan(sndUna, ack))
        {
            if (windowUpdate)
            {
                UpdateSendWindow(segment);
            }

            OnNewAck(ack);
        }
        else if (ack == sndUna)
        {
            // RFC 5681, 2: no data, no SYN or FIN, the same window, data outstanding. Not while the
            // window is zero: the answers to zero-window probes look the same and mean no loss.
            bool duplicate = dataLength == 0 && (segment.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && segment.Window == sndWnd && sndMax != sndUna && sndWnd != 0;
            if (windowUpdate)
            {
                UpdateSendWindow(segment);
            }

            if (duplicate)
            {
                OnDuplicateAck();
            }
            else
            {
                Output();
            }
        }

        return true;
    }

    private void UpdateSendWindow(in TcpHeader segment)
    {
        bool opened = sndWnd == 0 && segment.Window > 0;
        sndWnd = segment.Window;
        sndWl1 = segment.SequenceNumber;
        sndWl2 = segment.AcknowledgmentNumber;
        if (opened)
        {
            sim.Cancel(persistTimer);
            persistBackoff = 0;
            sndNxt = sndUna; // a probe byte that may not have been taken goes again as ordinary data
        }
    }

    private void OnNewAck(uint ack)
    {
        int acknowledged = TcpSequence.Difference(ack, sndUna);
        bool cwndLimited = BytesInFlight + mss > CongestionWindow; // RFC 7661: the window held the sender back
        int cwndBefore = CongestionWindow;
        int ssthreshBefore = SlowStartThreshold;

        // Free the acknowledged bytes of the send buffer (the FIN, if acknowledged, is not in it).
        BytesAcknowledged += send.Acknowledge(ack);
        sndUna = ack;
        SimDuration? sample = rtt.TryMeasure(ack, sim.Now, out SimDuration measured) ? measured : null; // Karn: only segments never retransmitted are timed
        retries = 0;
        RecoveryAction action = recovery.OnNewAck(ack);
        CongestionSignal signal = Signal(sample, acknowledged, action == RecoveryAction.PartialAck ? FirstSegmentLength() : 0, cwndLimited);
        switch (action)
        {
            case RecoveryAction.RecoveryEnd:
                CongestionControl.OnRecoveryEnd(signal);
                break;
            case RecoveryAction.PartialAck:
                CongestionControl.OnPartialAck(signal);
                RetransmitFirstSegment(); // RFC 6582, 3.2, step 5
                break;
            default:
                CongestionControl.OnAcknowledged(signal);
                break;
        }

        if (TcpSequence.LessThan(sndNxt, sndUna))
        {
            sndNxt = sndUna;
        }

        if (sndUna == sndMax)
        {
            retransmitTimer.Stop(); // RFC 6298, 5.2
        }
        else
        {
            retransmitTimer.Restart(rtt.RetransmissionTimeout); // RFC 6298, 5.3
        }

        if (closeRequested && TcpSequence.LessThan(finSeq, ack))
        {
            OnFinAcknowledged();
        }

        if (CongestionWindow != cwndBefore || SlowStartThreshold != ssthreshBefore)
        {
            CongestionWindowChanged?.Invoke(this);
        }

        ContinueWrite();
        Output();
    }

    private void OnDuplicateAck()
    {
        RecoveryAction action = recovery.OnDuplicateAck(sndUna, sndMax);
        if (action == RecoveryAction.DuplicateInRecovery)
        {
            CongestionSignal signal = Signal(null);
            CongestionControl.OnDuplicateAckInRecovery(signal); // RFC 5681, 3.2, step 4
            CongestionWindowChanged?.Invoke(this);
            Output();
        }
        else if (action == RecoveryAction.FastRetransmit)
        {
            FastRetransmits++;
            rtt.StopTiming(); // Karn's rule
            CongestionSignal signal = Signal(null, lost: FirstSegmentLength());
            CongestionControl.OnFastRetransmit(signal);
            CongestionWindowChanged?.Invoke(this);
            RetransmitFirstSegment();
            Output();
        }
    }

    private void OnRetransmitTimeout()
    {
        if (State == TcpState.Closed || (State is not (TcpState.SynSent or TcpState.SynReceived) && sndUna == sndMax))
        {
            return;
        }

        RetransmissionTimeouts++;
        int limit = State switch
        {
            TcpState.SynSent => settings.SynRetries,
            TcpState.SynReceived => settings.SynAckRetries,
            _ => settings.MaxRetransmissions,
        };
        if (++retries > limit)
        {
            EnterClosed(softError != SocketError.Success ? softError : SocketError.TimedOut);
            return;
        }

        rtt.BackOff(); // RFC 6298, 5.5, and Karn's rule
        if (State is TcpState.SynSent or TcpState.SynReceived)
        {
            synRetransmitted = true;
            SendSyn();
            return;
        }

        CongestionSignal signal = Signal(null, lost: BytesInFlight);
        CongestionControl.OnRetransmissionTimeout(signal);
        CongestionWindowChanged?.Invoke(this);
        recovery.OnRetransmissionTimeout(sndMax); // RFC 6582, 4: no fast retransmit for what was sent before the timeout
        sndNxt = sndUna; // go back: resend from the first unacknowledged byte, in slow start
        Output();
        retransmitTimer.Restart(rtt.RetransmissionTimeout);
    }

    private void OnPersistTimeout()
    {
        int unsent = send.Count - SentData();
        bool outstanding = sndMax != sndUna;
        if (sndWnd != 0 || State == TcpState.Closed || send.Count == 0 || (unsent <= 0 && !outstanding))
        {
            return;
        }

        // RFC 9293, 3.8.6.1: probe the zero window with one byte (again, if the last probe was
        // refused), backing off like the retransmission timer; it runs until the window opens.
        ZeroWindowProbes++;
        SendData(sndUna, 1);
        if (sndNxt == sndUna)
        {
            sndNxt = TcpSequence.Add(sndUna, 1);
            if (TcpSequence.LessThan(sndMax, sndNxt))
            {
                sndMax = sndNxt;
            }
        }

        persistBackoff = Math.Min(persistBackoff + 1, 6);
        persistTimer = sim.Schedule(Min(rtt.RetransmissionTimeout * (1L << persistBackoff), settings.MaximumRetransmissionTimeout), this, PersistTimer);
    }

    /// <summary>Sends what the windows allow: new or (after a timeout) old data, then the FIN.</summary>
    private void Output()
    {
        if (State is not (TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck))
        {
            return;
        }

        while (true)
        {
            int inFlight = TcpSequence.Difference(sndNxt, sndUna);
            int unsent = send.Count - SentData();
            if (unsent > 0)
            {
                int room = Math.Min(CongestionWindow, sndWnd) - inFlight;
                int length = Math.Min(Math.Min(mss, unsent), room);
                if (length <= 0 || (length < mss && length < unsent && inFlight > 0))
                {
                    break; // RFC 9293, 3.8.6.2.1: no small segment while a full one may soon fit
                }

                SendData(sndNxt, length);
                AdvanceSndNxt(length);
                continue;
            }

            if (closeRequested && sndNxt == finSeq)
            {
                Send(finSeq, TcpFlags.Fin | TcpFlags.Ack, 0, 0);
                AdvanceSndNxt(1);
            }

            break;
        }

        if (sndWnd == 0 && send.Count - SentData() > 0 && sndNxt == sndUna && !sim.IsPending(persistTimer))
        {
            persistTimer = sim.Schedule(rtt.RetransmissionTimeout, this, PersistTimer);
        }
    }

    private int SentData() => Math.Clamp(TcpSequence.Difference(sndNxt, send.Start), 0, send.Count);

    private void AdvanceSndNxt(int count)
    {
        uint start = sndNxt;
        sndNxt = TcpSequence.Add(sndNxt, count);
        if (TcpSequence.LessThan(sndMax, sndNxt))
        {
            if (!rtt.IsTiming && start == sndMax)
            {
                rtt.StartTiming(sndNxt, sim.Now); // time one new segment per round trip (RFC 6298, 3)
            }

            sndMax = sndNxt;
        }

        if (!retransmitTimer.IsRunning)
        {
            retransmitTimer.Restart(rtt.RetransmissionTimeout); // RFC 6298, 5.1
        }
    }

    private void RetransmitFirstSegment()
    {
        if (closeRequested && sndUna == finSeq)
        {
            Send(finSeq, TcpFlags.Fin | TcpFlags.Ack, 0, 0);
            return;
        }

        int length = FirstSegmentLength();
        if (length > 0)
        {
            SendData(sndUna, length);
        }
    }

    /// <summary>The data bytes <see cref="RetransmitFirstSegment"/> sends: one segment from SND.UNA, never past what was sent.</summary>
    private int FirstSegmentLength()
    {
        int available = send.Count - Math.Max(0, TcpSequence.Difference(sndUna, send.Start));
        return Math.Max(0, Math.Min(Math.Min(mss, available), TcpSequence.Difference(sndMax, sndUna)));
    }

    /// <summary>The connection as its congestion control sees it now.</summary>
    private CongestionSignal Signal(SimDuration? sample, int acknowledged = 0, int lost = 0, bool cwndLimited = false) => new()
    {
        Now = sim.Now,
        RoundTripTimeSample = sample,
        SmoothedRoundTripTime = rtt.SmoothedRoundTripTime,
        MinimumRoundTripTime = rtt.MinimumRoundTripTime,
        BytesAcknowledged = acknowledged,
        BytesLost = lost,
        BytesInFlight = BytesInFlight,
        SendWindow = sndWnd,
        MaximumSegmentSize = mss,
        IsCongestionWindowLimited = cwndLimited,
    };

    private void SendData(uint seq, int length)
    {
        int offset = TcpSequence.Difference(seq, send.Start);
        bool last = offset + length == send.Count;
        Send(seq, TcpFlags.Ack | (last ? TcpFlags.Psh : 0), offset, length);
    }

    private void SendSyn()
    {
        sndNxt = iss;
        if (State == TcpState.SynSent)
        {
            Send(iss, TcpFlags.Syn, 0, 0, withMss: true);
        }
        else
        {
            Send(iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, withMss: true);
        }

        AdvanceSndNxt(1);
    }

    // At SND.MAX, the highest sequence number sent: after a go-back SND.NXT is lower, and the peer would find an ACK there unacceptable.
    private void SendAck() => Send(sndMax, TcpFlags.Ack, 0, 0);

    /// <summary>Builds and sends one segment; <paramref name="offset"/> and <paramref name="length"/> locate its data in the send buffer.</summary>
    private void Send(uint seq, TcpFlags flags, int offset, int length, bool withMss = false)
    {
        if (TcpSequence.LessThan(seq, sndMax) && (length > 0 || (flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0))
        {
            Retransmissions++;
        }

        var header = new TcpHeader(
            LocalPort,
            RemotePort,
            seq,
            (flags & TcpFlags.Ack) != 0 ? receive.Next : 0,
            flags,
            checked((ushort)receive.Advertise(mss)),
            withMss ? checked((ushort)localMss) : (ushort)0);
        int headerLength = header.EmittedLength;
        Span<byte> segment = tcp.Scratch(headerLength + length);
        send.CopyTo(offset, segment.Slice(headerLength, length));
        header.Emit(segment, LocalAddress, RemoteAddress);
        SegmentsSent++;
        Node.Send(RemoteAddress, IpProtocol.Tcp, segment, IpNode.DefaultTimeToLive, dontFragment: false, LocalAddress);
    }

    private void TakeFinIfInOrder()
    {
        if (pendingFin is not uint fin || fin != receive.Next || finReceived)
        {
            return;
        }

        finReceived = true;
        receive.TakeFin();
        switch (State)
        {
            case TcpState.Established:
                SetState(TcpState.CloseWait);
                break;
            case TcpState.FinWait1:
                SetState(TcpState.Closing); // the FINs crossed (RFC 9293, 3.6, figure 13)
                break;
            case TcpState.FinWait2:
                StartTimeWait();
                break;
        }

        ContinueRead();
    }

    private void RequestClose(TcpState next)
    {
        closeRequested = true;
        finSeq = send.End;
        finAcknowledged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SetState(next);
        Output();
    }

    private void OnFinAcknowledged()
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

    private void StartTimeWait()
    {
        if (State != TcpState.TimeWait)
        {
            SetState(TcpState.TimeWait);
        }

        retransmitTimer.Stop();
        sim.Cancel(persistTimer);
        sim.Cancel(timeWaitTimer);
        timeWaitTimer = sim.Schedule(settings.MaximumSegmentLifetime * 2, this, TimeWaitTimer);
    }

    private void EnterClosed(SocketError reason)
    {
        if (State == TcpState.Closed && closed.Task.IsCompleted)
        {
            return;
        }

        bool halfOpen = State == TcpState.SynReceived;
        if (reason != SocketError.Success)
        {
            error = reason;
        }

        retransmitTimer.Stop();
        sim.Cancel(persistTimer);
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
                EnterClosed(softError != SocketError.Success ? softError : SocketError.TimedOut);
                break;
            case KeepAliveAction.Probe:
                // No data, one sequence number below the next (RFC 1122 4.2.3.6), which the peer answers with an ACK.
                KeepAliveProbes++;
                Send(TcpSequence.Add(sndNxt, -1), TcpFlags.Ack, 0, 0);
                keepAlive.ProbeSent();
                break;
        }
    }

    private void SetState(TcpState next)
    {
        TcpState before = State;
        State = next;
        StateChanged?.Invoke(this, before);
    }

    private int ReadFromReceiveBuffer(Span<byte> destination)
    {
        int count = receive.Read(destination);
        if (count == 0)
        {
            return 0;
        }

        if (receive.Count == 0 && State == TcpState.Closed)
        {
            receive.Release(); // all read after the end: nothing will arrive any more
        }

        // Tell the sender when the window has opened enough to matter (after a zero window, say).
        if (!inSegment && receive.WindowWorthUpdating(mss) && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            SendAck();
        }

        return count;
    }

    private void ContinueWrite()
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

    private void ContinueRead()
    {
        if (!ReadWaiting || (receive.Count == 0 && !finReceived && State != TcpState.Closed))
        {
            return;
        }

        SimulationValueTaskSource<int> reader = readSource!;
        Memory<byte> destination = pendingRead;
        pendingRead = default;
        if (receive.Count > 0)
        {
            reader.SetResult(ReadFromReceiveBuffer(destination.Span));
        }
        else if (error is SocketError.Success or SocketError.Shutdown || finReceived)
        {
            reader.SetResult(0);
        }
        else
        {
            reader.SetException(new SocketException((int)error));
        }
    }

    private bool WriteWaiting => writeSource is { IsWaiting: true };

    private bool ReadWaiting => readSource is { IsWaiting: true };

    private static SimDuration Min(SimDuration a, SimDuration b) => a < b ? a : b;
}
