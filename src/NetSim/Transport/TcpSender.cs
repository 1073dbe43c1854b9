using NetSim.Engine;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// The sending half of a TCP connection: the send sequence space (RFC 9293 3.3.1: SND.UNA,
/// SND.NXT, SND.WND, SND.WL1, SND.WL2, and SND.MAX, the highest sequence number sent plus
/// one), what may be sent now (3.8.6: the smaller of the congestion and peer windows, no
/// small segment while a full one may soon fit, then the FIN), the ACK field of arriving
/// segments (3.10.7.4, fifth: SND.UNA, the window update, duplicate ACKs and NewReno's
/// recovery, RFC 5681 and RFC 6582), the retransmission timer (RFC 6298: after a timeout it
/// goes back to SND.UNA and sends again in slow start) and the persist timer with its
/// zero-window probes (3.8.6.1). It builds every segment the connection sends, ACKs and
/// resets included (<see cref="Emit"/>), and tells its connection when the FIN is
/// acknowledged, when buffer space is freed and when the retries run out.
/// </summary>
internal sealed class TcpSender : IEventTarget
{
    private const int RetransmitTimer = 1;
    private const int PersistTimer = 2;
    private const int DefaultPeerMss = 536; // RFC 9293, 3.7.1: without the option
    private const int MinimumMss = 64;
    private const int TimestampsOverhead = 12; // NOP, NOP and the 10-byte timestamps option
    private const long PicosecondsPerTimestampTick = 1_000_000_000; // a 1 ms timestamp clock, as Linux's (RFC 7323, 5.4: 1 ms to 1 s)
    private const int MinSackRanges = 4;
    private static readonly SimDuration PawsIdleLimit = SimDuration.FromSeconds(24L * 24 * 3600); // RFC 7323, 5.5: 24 days

    private readonly TcpConnection connection;
    private readonly Tcp tcp;
    private readonly Simulation sim;
    private readonly TcpSettings settings;
    private readonly TcpSendBuffer send;
    private readonly TcpReceiveBuffer receive;
    private readonly RttEstimator rtt;
    private readonly ICongestionControl congestion;
    private readonly DeadlineTimer retransmitTimer;
    private readonly TcpPersistTimer persistTimer;
    private readonly LossRecovery recovery = new(); // RFC 5681, RFC 6582
    private readonly ProportionalRateReduction prr = new(); // RFC 6937: the window during fast recovery
    private readonly SackScoreboard scoreboard = new(); // RFC 6675: what the peer's SACK blocks reported
    private readonly int localMss;
    private uint wl1; // SND.WL1: the sequence number of the segment that last updated the window
    private uint wl2; // SND.WL2: its acknowledgment number
    private int retries;
    private SimTime? lastDataSentAt; // when data last went out (RFC 5681 4.1's idle period)
    private bool synRetransmitted;
    private TcpRetransmitCause goBackCause; // why SND.NXT was last moved back below SND.MAX: what Output's sending of old data counts as
    private long retransmittedAfterTimeout, retransmittedFast, retransmittedPartialAck, retransmittedProbe, retransmittedSack;
    private TcpSendLimit sendLimit; // RFC 4898's SndLimState: what held the sender back since sendLimitSince
    private SimTime sendLimitSince;
    private SimDuration applicationLimited, sendBufferLimited, receiveWindowLimited, congestionWindowLimited;
    private bool windowScaling; // offered until the peer's SYN arrives, then whether both SYNs carried it (RFC 7323, 2.2)
    private int sendShift; // Snd.Wind.Shift: the peer's windows (after its SYN) are shifted left by it
    private bool timestamps; // offered until the peer's SYN arrives, then whether both SYNs carried it (RFC 7323, 3.2)
    private uint tsRecent; // TS.Recent (RFC 7323, 4.3): the timestamp to echo
    private SimTime tsRecentAt; // when TS.Recent was set, for PAWS's 24 days (5.5)
    private uint lastAckSent; // Last.ACK.sent (RFC 7323, 4.3)
    private bool sack; // offered until the peer's SYN arrives, then whether both SYNs carried SACK-permitted (RFC 2018, 2)

    /// <summary>Makes the sender of <paramref name="connection"/>, with <paramref name="iss"/> as its initial sequence number and the send buffer's first byte one past it.</summary>
    public TcpSender(TcpConnection connection, Tcp tcp, TcpSettings settings, TcpSendBuffer send, TcpReceiveBuffer receive, RttEstimator rtt, ICongestionControl congestion, int localMss, uint iss)
    {
        this.connection = connection;
        this.tcp = tcp;
        sim = tcp.Node.Simulation;
        this.settings = settings;
        this.send = send;
        this.receive = receive;
        this.rtt = rtt;
        this.congestion = congestion;
        this.localMss = localMss;
        retransmitTimer = new DeadlineTimer(sim, this, RetransmitTimer);
        persistTimer = new TcpPersistTimer(sim, this, PersistTimer);
        DelayedAck = new TcpDelayedAck(sim, this, receive, settings);
        Ecn = new TcpEcn(settings.Ecn);
        Mss = Math.Min(localMss, DefaultPeerMss);
        windowScaling = settings.WindowScaling;
        timestamps = settings.Timestamps;
        sack = settings.SelectiveAcknowledgments;
        Iss = iss;
        Una = iss;
        Nxt = iss;
        Max = iss;
    }

    /// <summary>The receiver's delayed ACKs: every segment this sender builds with the ACK field ends their wait.</summary>
    public TcpDelayedAck DelayedAck { get; }

    /// <summary>Explicit Congestion Notification (RFC 3168): the flags and codepoint of each segment built here, and the reaction to ECE.</summary>
    public TcpEcn Ecn { get; }

    /// <summary>ISS: the initial send sequence number.</summary>
    public uint Iss { get; }

    /// <summary>SND.UNA: the oldest sequence number not yet acknowledged.</summary>
    public uint Una { get; private set; }

    /// <summary>SND.NXT: the next sequence number to send (below <see cref="Max"/> after a timeout).</summary>
    public uint Nxt { get; private set; }

    /// <summary>SND.MAX: the highest sequence number sent, plus one.</summary>
    public uint Max { get; private set; }

    /// <summary>SND.WND: the window the peer last advertised.</summary>
    public int Window { get; private set; }

    /// <summary>The segment size for sending: the smaller of the peer's MSS and ours, less the 12 bytes of the timestamps option when it is in use.</summary>
    public int Mss { get; private set; }

    /// <summary>Whether the application closed: the FIN follows the data in the send buffer.</summary>
    public bool FinQueued { get; private set; }

    /// <summary>Segments sent (retransmissions included).</summary>
    public long SegmentsSent { get; private set; }

    /// <summary>Segments sent again: by timeout, fast retransmit or partial ACK.</summary>
    public long Retransmissions { get; private set; }

    /// <summary>Bytes sent and not yet acknowledged.</summary>
    public int InFlight => TcpSequence.Difference(Max, Una);

    /// <summary>The congestion window: the congestion control's, or during fast recovery Proportional Rate Reduction's (RFC 6937).</summary>
    public int CongestionWindow => prr.IsActive ? prr.CongestionWindow : congestion.CongestionWindow;

    /// <summary>Data bytes the peer acknowledged.</summary>
    public long BytesAcknowledged { get; private set; }

    /// <summary>Losses repaired by fast retransmit.</summary>
    public long FastRetransmits { get; private set; }

    /// <summary>Retransmission timer expirations.</summary>
    public long RetransmissionTimeouts { get; private set; }

    /// <summary>Zero-window probes sent.</summary>
    public long ZeroWindowProbes { get; private set; }

    /// <summary>Segments dropped by PAWS (RFC 7323, 5.3): their timestamp was older than TS.Recent.</summary>
    public long PawsDrops { get; private set; }

    /// <summary>Whether the window scale option was negotiated (both SYNs carried it).</summary>
    public bool WindowScaling => windowScaling && negotiated;

    /// <summary>Whether the timestamps option was negotiated (both SYNs carried it).</summary>
    public bool Timestamps => timestamps && negotiated;

    /// <summary>Whether selective acknowledgments were negotiated (both SYNs carried SACK-permitted, RFC 2018 2).</summary>
    public bool SelectiveAcknowledgments => sack && negotiated;

    /// <summary>SACK blocks ignored (outside SND.UNA..SND.MAX, or empty).</summary>
    public long InvalidSackBlocks => scoreboard.InvalidBlocks;

    /// <summary>The SACK scoreboard's ranges now (for tests).</summary>
    internal int SackedRanges => scoreboard.RangeCount;

    /// <summary>Bytes above SND.UNA the peer's SACK blocks reported (for tests).</summary>
    internal int SackedBytes => scoreboard.SackedBytes;

    /// <summary>The shift applied to the peer's windows (0 without window scaling).</summary>
    public int SendWindowShift => sendShift;

    /// <summary>The shift applied to the windows this end advertises (0 without window scaling).</summary>
    public int ReceiveWindowShift { get; private set; }

    private bool negotiated; // the peer's SYN arrived: windowScaling and timestamps say what was agreed

    /// <summary>
    /// The window scale shift for a receive buffer of <paramref name="bufferSize"/> bytes: the
    /// smallest that makes it fit in the 16-bit window field, at most 14 (RFC 7323, 2.3; as
    /// Linux's tcp_select_initial_window).
    /// </summary>
    public static int WindowShiftFor(int bufferSize)
    {
        int shift = 0;
        while (shift < TcpHeader.MaxWindowScale && bufferSize >> shift > ushort.MaxValue)
        {
            shift++;
        }

        return shift;
    }

    /// <summary>The most ranges the SACK scoreboard keeps: as many as the peer's window can hold segments, halved (a range needs a hole beside it).</summary>
    private int MaxSackRanges => Math.Max(MinSackRanges, (int)Math.Min(OutOfOrderRanges.MaxRanges * 16L, (((long)Window / Math.Max(Mss, 1)) + 1) / 2));

    /// <summary>The timestamp clock (RFC 7323, 5.4): simulated milliseconds, from 0 at the start, wrapping at 2^32.</summary>
    private uint TimestampNow => unchecked((uint)(sim.Now.Picoseconds / PicosecondsPerTimestampTick));

    /// <summary>Segments sent again because of <paramref name="cause"/> (a timeout's go-back counts every segment it resends).</summary>
    public long GetRetransmissions(TcpRetransmitCause cause) => cause switch
    {
        TcpRetransmitCause.Timeout => retransmittedAfterTimeout,
        TcpRetransmitCause.FastRetransmit => retransmittedFast,
        TcpRetransmitCause.PartialAcknowledgment => retransmittedPartialAck,
        TcpRetransmitCause.Probe => retransmittedProbe,
        TcpRetransmitCause.SackRecovery => retransmittedSack,
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "not a retransmission cause"),
    };

    /// <summary>How long each limit held the sender back so far, the current stretch included.</summary>
    public TcpSendLimits SendLimits
    {
        get
        {
            SimDuration current = sendLimit == TcpSendLimit.None ? SimDuration.Zero : sim.Now - sendLimitSince;
            return new TcpSendLimits(
                applicationLimited + (sendLimit == TcpSendLimit.Application ? current : SimDuration.Zero),
                sendBufferLimited + (sendLimit == TcpSendLimit.SendBuffer ? current : SimDuration.Zero),
                receiveWindowLimited + (sendLimit == TcpSendLimit.ReceiveWindow ? current : SimDuration.Zero),
                congestionWindowLimited + (sendLimit == TcpSendLimit.CongestionWindow ? current : SimDuration.Zero));
        }
    }

    /// <summary>
    /// How many data bytes the next segment may carry (0: none now), given the segment size,
    /// the bytes buffered and not yet sent, the bytes of the application's write still waiting
    /// for room in the buffer, the congestion and peer windows, and the bytes in flight.
    /// RFC 9293 3.8.6.2.1: no segment smaller than <paramref name="mss"/> while more data is
    /// waiting (in the buffer or in the write) and data is in flight, since a full one may soon fit.
    /// </summary>
    public static int SendableLength(int mss, int unsent, int waitingToBuffer, int congestionWindow, int sendWindow, int inFlight)
    {
        int room = Math.Min(congestionWindow, sendWindow) - inFlight;
        int length = Math.Min(Math.Min(mss, unsent), room);
        return length <= 0 || (length < mss && length < (long)unsent + waitingToBuffer && inFlight > 0) ? 0 : length;
    }

    /// <summary>Whether <paramref name="seq"/> is in what was sent and not acknowledged (in SYN-SENT, only the SYN).</summary>
    public bool IsOutstanding(uint seq, bool synSent) =>
        !TcpSequence.LessThan(seq, Una) && TcpSequence.LessThan(seq, synSent ? TcpSequence.Add(Iss, 1) : TcpSequence.Add(Max, 1));

    /// <summary>
    /// The peer's SYN arrived: its MSS option (at least 64 bytes), its window (never scaled,
    /// RFC 7323 2.2), and the options both sides then use: window scaling and timestamps
    /// when both SYNs carry them (ours are offered when the settings say so).
    /// </summary>
    public void TakeSyn(in TcpHeader syn)
    {
        int peerMss = syn.MaximumSegmentSize != 0 ? syn.MaximumSegmentSize : DefaultPeerMss;
        Mss = Math.Min(localMss, Math.Max(peerMss, MinimumMss)); // a tiny announced MSS would make an event storm (Linux: tcp_min_snd_mss)
        negotiated = true;
        windowScaling = settings.WindowScaling && syn.WindowScale is not null;
        sendShift = windowScaling ? Math.Min((int)syn.WindowScale!.Value, TcpHeader.MaxWindowScale) : 0; // RFC 7323, 2.3: above 14 is taken as 14
        ReceiveWindowShift = windowScaling ? WindowShiftFor(settings.ReceiveBufferSize) : 0;
        receive.SetWindowShift(ReceiveWindowShift);
        sack = settings.SelectiveAcknowledgments && syn.SackPermitted;
        timestamps = settings.Timestamps && syn.Timestamps is not null;
        if (timestamps)
        {
            tsRecent = syn.Timestamps!.Value.Value;
            tsRecentAt = sim.Now;
            Mss -= TimestampsOverhead; // RFC 6691: the MSS counts no options; the 12 bytes of timestamps in every segment come out of the data (as Linux's mss_cache)
        }

        Window = syn.Window;
        wl1 = syn.SequenceNumber;
        wl2 = syn.AcknowledgmentNumber;
        Ecn.OnSyn(syn.Flags);
    }

    /// <summary>
    /// Builds and sends one segment, acknowledging RCV.NXT and offering the receive window;
    /// <paramref name="offset"/> and <paramref name="length"/> locate its data in the send
    /// buffer. <paramref name="newData"/>: data never sent before and not a window probe, which
    /// goes as ECT(0) once ECN is agreed (RFC 3168 6.1.1, 6.1.5); the ECN flags are added here.
    /// <paramref name="cause"/>: why it goes again, when it is a retransmission (it starts below
    /// SND.MAX and carries data, a SYN or a FIN); a retransmission without one is a bug.
    /// </summary>
    public void Emit(uint seq, TcpFlags flags, int offset, int length, TcpRetransmitCause? cause = null, bool withMss = false, bool newData = false)
    {
        flags |= Ecn.OnSending(flags, newData, synRetransmitted);
        bool again = TcpSequence.LessThan(seq, Max) && (length > 0 || (flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0);
        if (again)
        {
            Retransmissions++;
            _ = cause switch
            {
                TcpRetransmitCause.Timeout => ++retransmittedAfterTimeout,
                TcpRetransmitCause.FastRetransmit => ++retransmittedFast,
                TcpRetransmitCause.PartialAcknowledgment => ++retransmittedPartialAck,
                TcpRetransmitCause.Probe => ++retransmittedProbe,
                TcpRetransmitCause.SackRecovery => ++retransmittedSack,
                _ => throw new InvalidOperationException("A segment is sent again without a cause."),
            };
        }

        bool syn = (flags & TcpFlags.Syn) != 0;
        var header = new TcpHeader(
            connection.LocalPort,
            connection.RemotePort,
            seq,
            (flags & TcpFlags.Ack) != 0 ? receive.Next : 0,
            flags,
            receive.Advertise(Mss, syn),
            withMss ? checked((ushort)localMss) : (ushort)0)
        {
            // RFC 7323: the window scale only in a SYN (2.2); timestamps in every segment but a reset once agreed (3.2), TSecr 0 in a SYN.
            WindowScale = syn && windowScaling ? (byte)WindowShiftFor(settings.ReceiveBufferSize) : null,
            Timestamps = timestamps && (flags & TcpFlags.Rst) == 0 ? new TcpTimestampOption(TimestampNow, (flags & TcpFlags.Ack) != 0 ? tsRecent : 0) : null,
            SackPermitted = syn && sack, // RFC 2018, 2: in a SYN; in a SYN-ACK only when the SYN carried it (TakeSyn cleared it otherwise)
            SackBlocks = SackBlocksFor(flags, length),
        };
        int headerLength = header.EmittedLength;
        Span<byte> segment = tcp.Scratch(headerLength + length);
        send.CopyTo(offset, segment.Slice(headerLength, length));
        header.Emit(segment, connection.LocalAddress, connection.RemoteAddress);
        if ((flags & TcpFlags.Ack) != 0)
        {
            lastAckSent = header.AcknowledgmentNumber;
            DelayedAck.OnAckSent(header.AcknowledgmentNumber); // it acknowledges all received: a delayed ACK is carried (piggybacked)
        }

        SegmentsSent++;
        if (connection.Tracer.IsOn)
        {
            connection.Tracer.Raise(connection.TraceEvent(again ? TcpEventKind.Retransmitted : TcpEventKind.SegmentSent) with
            {
                Sequence = seq,
                Acknowledgment = header.AcknowledgmentNumber,
                Flags = flags,
                Length = length,
                Window = header.Window,
                Cause = again ? cause : null,
            });
        }

        tcp.Node.Send(connection.RemoteAddress, IpProtocol.Tcp, segment, IpNode.DefaultTimeToLive, dontFragment: false, connection.LocalAddress, newData && Ecn.IsActive ? TcpEcn.Ect0 : (byte)0);
    }

    /// <summary>
    /// The SACK blocks a segment carries (RFC 2018, 4): on every ACK but a SYN's or a reset's once
    /// SACK is agreed and data is held out of order, the block of the latest segment first, at
    /// most 3 beside timestamps (4 without) in the 40 option bytes; on a segment with data, only
    /// as many as fit in the segment size beside it (as Linux's tcp_current_mss counts them).
    /// </summary>
    private TcpSackBlocks SackBlocksFor(TcpFlags flags, int length)
    {
        if (!SelectiveAcknowledgments || (flags & (TcpFlags.Ack | TcpFlags.Syn | TcpFlags.Rst)) != TcpFlags.Ack || receive.OutOfOrderRangeCount == 0)
        {
            return default;
        }

        int blocks = Timestamps ? 3 : TcpSackBlocks.MaxCount;
        if (length > 0)
        {
            blocks = Math.Min(blocks, Math.Max(0, (Mss - length - 4) / 8)); // NOP NOP, kind, length: 4 bytes, then 8 per block
        }

        return blocks > 0 ? receive.SackBlocks(blocks) : default;
    }

    /// <summary>Sends an ACK at SND.MAX, the highest sequence number sent: after a go-back SND.NXT is lower, and the peer would find an ACK there unacceptable.</summary>
    public void SendAck() => Emit(Max, TcpFlags.Ack, 0, 0);

    /// <summary>The delayed-ACK timer ran with an ACK owed: it goes, if the connection still acknowledges.</summary>
    public void SendDelayedAck()
    {
        if (connection.State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait or TcpState.Closing or TcpState.LastAck)
        {
            SendAck();
        }
    }

    /// <summary>Sends a keep-alive probe: no data, one sequence number below the next (RFC 1122 4.2.3.6), which the peer answers with an ACK.</summary>
    public void SendKeepAliveProbe() => Emit(TcpSequence.Add(Nxt, -1), TcpFlags.Ack, 0, 0);

    /// <summary>Sends the SYN (in SYN-SENT) or the SYN-ACK, from ISS.</summary>
    public void SendSyn()
    {
        Nxt = Iss;
        Emit(Iss, connection.State == TcpState.SynSent ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack, 0, 0, TcpRetransmitCause.Timeout, withMss: true); // sent again only by the retransmission timer
        Advance(1);
    }

    /// <summary>Whether <paramref name="ack"/>, in SYN-RECEIVED, acknowledges our SYN (RFC 9293 3.10.7.4, fifth).</summary>
    public bool AcknowledgesSyn(uint ack) => TcpSequence.LessThan(Una, ack) && TcpSequence.LessOrEqual(ack, Max);

    /// <summary>Our SYN was acknowledged: the window, the first RTT sample, the congestion control's first window.</summary>
    public void OnSynAcknowledged(in TcpHeader segment)
    {
        Una = segment.AcknowledgmentNumber;
        if (TcpSequence.LessThan(Nxt, Una))
        {
            Nxt = Una;
        }

        Window = PeerWindow(segment);
        wl1 = segment.SequenceNumber;
        wl2 = segment.AcknowledgmentNumber;
        SimDuration? sample = TimestampSample(segment);
        if (sample is SimDuration echoed)
        {
            rtt.Add(echoed); // RFC 7323, 4.1
        }
        else if (rtt.TryMeasure(segment.AcknowledgmentNumber, sim.Now, out SimDuration measured))
        {
            sample = measured;
        }

        rtt.StopTiming();
        retries = 0;
        retransmitTimer.Stop();
        CongestionSignal signal = Signal(sample);
        congestion.Initialize(signal, handshakeRetransmitted: synRetransmitted);
        if (synRetransmitted)
        {
            rtt.OnHandshakeRetransmitted();
        }

        connection.OnCongestionWindowChanged();
    }

    /// <summary>The ACK field of a segment in a synchronized state (RFC 9293 3.10.7.4, fifth). False when the segment is to be dropped.</summary>
    public bool OnAck(in TcpHeader segment, int dataLength)
    {
        uint ack = segment.AcknowledgmentNumber;
        if (TcpSequence.LessThan(Max, ack))
        {
            SendAck(); // it acknowledges something not yet sent
            return false;
        }

        bool windowUpdate = TcpSequence.LessThan(wl1, segment.SequenceNumber) || (wl1 == segment.SequenceNumber && TcpSequence.LessOrEqual(wl2, ack));
        bool echo = Ecn.OnAck(segment.Flags, ack, inRecovery: prr.IsActive); // RFC 3168 6.1.2: reduce for ECE, once per window
        if (TcpSequence.LessThan(Una, ack))
        {
            if (windowUpdate)
            {
                UpdateWindow(segment);
            }

            OnNewAck(ack, echo, TimestampSample(segment), segment.SackBlocks);
        }
        else if (ack == Una)
        {
            int newlySacked = SelectiveAcknowledgments ? scoreboard.Update(Una, Max, segment.SackBlocks, MaxSackRanges) : 0;
            // RFC 5681, 2: no data, no SYN or FIN, the same window, data outstanding. Not while the
            // window is zero: the answers to zero-window probes look the same and mean no loss.
            bool duplicate = dataLength == 0 && (segment.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && PeerWindow(segment) == Window && Max != Una && Window != 0;
            if (windowUpdate)
            {
                UpdateWindow(segment);
            }

            if (echo)
            {
                ReduceForEcn(Signal(null));
                connection.OnCongestionWindowChanged();
            }

            if (SelectiveAcknowledgments)
            {
                // RFC 6675, 2: with SACK, a duplicate ACK is one at SND.UNA that SACKs data not SACKed before.
                if (newlySacked > 0 && Max != Una)
                {
                    OnSackDuplicateAck(newlySacked);
                }
                else
                {
                    Output();
                }
            }
            else if (duplicate)
            {
                OnDuplicateAck();
            }
            else
            {
                Output();
            }
        }

        connection.OnMetricsMayHaveChanged();
        return true;
    }

    /// <summary>The application closed: the FIN goes after the last byte now in the send buffer.</summary>
    public void QueueFin()
    {
        FinQueued = true;
        FinSequence = send.End;
    }

    /// <summary>The FIN's sequence number, once <see cref="FinQueued"/>.</summary>
    public uint FinSequence { get; private set; }

    /// <summary>Sends what the windows allow: new or (after a timeout) old data, then the FIN.</summary>
    public void Output()
    {
        if (connection.State is not (TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck))
        {
            return;
        }

        RestartAfterIdle();
        bool sackRecovery = SelectiveAcknowledgments && recovery.InRecovery;
        if (sackRecovery)
        {
            SackRecoveryOutput(); // RFC 6675: holes and new data by NextSeg
        }

        while (true)
        {
            int inFlight = prr.Pipe(TcpSequence.Difference(Nxt, Una)); // in recovery, less what the duplicate ACKs said arrived (RFC 6937)
            int unsent = send.Count - SentData();
            if (unsent > 0)
            {
                if (sackRecovery)
                {
                    break;
                }

                int length = SendableLength(Mss, unsent, connection.PendingWriteLength, CongestionWindow, Window, inFlight);
                if (length == 0)
                {
                    break;
                }

                SendData(Nxt, length, goBackCause);
                Advance(length);
                continue;
            }

            if (FinQueued && Nxt == FinSequence)
            {
                Emit(FinSequence, TcpFlags.Fin | TcpFlags.Ack, 0, 0, goBackCause);
                Advance(1);
            }

            break;
        }

        int waiting = send.Count - SentData();
        if (Window == 0 && waiting > 0 && Nxt == Una)
        {
            persistTimer.Start(rtt.RetransmissionTimeout);
        }

        // RFC 4898 (SndLimTimeRwin, SndLimTimeCwnd, SndLimTimeSnd): what stopped this round of sending.
        // Data waiting in the buffer: the smaller window stopped it, unless the windows had room for
        // it and it is a tail shorter than a segment, kept for the write that waits for buffer room.
        // The buffer full (of sent data and such a tail) and the application's write waiting: the
        // send buffer, unless the peer's window is full too.
        int flight = TcpSequence.Difference(Nxt, Una);
        bool tailAwaitsWrite = waiting > 0 && waiting < Mss && connection.PendingWriteLength > 0 && Math.Min(CongestionWindow, Window) - prr.Pipe(flight) >= waiting;
        TcpSendLimit limit = waiting > 0 && !tailAwaitsWrite ? (Window <= CongestionWindow ? TcpSendLimit.ReceiveWindow : TcpSendLimit.CongestionWindow)
            : connection.PendingWriteLength > 0 ? (flight + waiting >= Window ? TcpSendLimit.ReceiveWindow : TcpSendLimit.SendBuffer)
            : Max != Una ? TcpSendLimit.Application : TcpSendLimit.None;
        EnterSendLimit(limit);
        connection.OnMetricsMayHaveChanged();
    }

    /// <summary>
    /// RFC 5681 4.1: data waits, nothing is in flight and no data went out for longer than the
    /// RTO: the congestion control restarts from at most the initial window (RFC 6928; Linux's
    /// tcp_slow_start_after_idle, on by default).
    /// </summary>
    private void RestartAfterIdle()
    {
        if (lastDataSentAt is not SimTime last || Max != Una || send.Count <= SentData() || sim.Now - last <= rtt.RetransmissionTimeout)
        {
            return;
        }

        lastDataSentAt = sim.Now; // once per idle period, even if nothing can be sent now
        int cwndBefore = congestion.CongestionWindow;
        congestion.OnIdleRestart(Signal(null));
        if (congestion.CongestionWindow != cwndBefore)
        {
            connection.OnCongestionWindowChanged();
        }
    }

    private void EnterSendLimit(TcpSendLimit limit)
    {
        if (limit == sendLimit)
        {
            return;
        }

        SimDuration spent = sim.Now - sendLimitSince;
        switch (sendLimit)
        {
            case TcpSendLimit.Application:
                applicationLimited += spent;
                break;
            case TcpSendLimit.SendBuffer:
                sendBufferLimited += spent;
                break;
            case TcpSendLimit.ReceiveWindow:
                receiveWindowLimited += spent;
                break;
            case TcpSendLimit.CongestionWindow:
                congestionWindowLimited += spent;
                break;
        }

        sendLimit = limit;
        sendLimitSince = sim.Now;
    }

    /// <summary>The connection is in TIME-WAIT or closed: nothing more is sent again.</summary>
    public void StopTimers()
    {
        retransmitTimer.Stop();
        persistTimer.Stop();
        DelayedAck.Stop();
        EnterSendLimit(TcpSendLimit.None);
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (kind == RetransmitTimer)
        {
            if (retransmitTimer.OnEvent())
            {
                OnRetransmitTimeout();
            }
        }
        else
        {
            OnPersistTimeout();
        }

        connection.OnMetricsMayHaveChanged();
    }

    private void UpdateWindow(in TcpHeader segment)
    {
        int window = PeerWindow(segment);
        bool opened = Window == 0 && window > 0;
        Window = window;
        wl1 = segment.SequenceNumber;
        wl2 = segment.AcknowledgmentNumber;
        if (opened)
        {
            persistTimer.Reset();
            Nxt = Una; // a probe byte that may not have been taken goes again as ordinary data
            goBackCause = TcpRetransmitCause.Probe;
        }
    }

    private void OnNewAck(uint ack, bool echo, SimDuration? timestampSample, in TcpSackBlocks blocks)
    {
        int acknowledged = TcpSequence.Difference(ack, Una);
        bool cwndLimited = InFlight + Mss > CongestionWindow; // RFC 7661: the window held the sender back
        int cwndBefore = CongestionWindow;
        int ssthreshBefore = congestion.SlowStartThreshold;

        // Free the acknowledged bytes of the send buffer (the FIN, if acknowledged, is not in it).
        BytesAcknowledged += send.Acknowledge(ack);
        Una = ack;
        int newlySacked = SelectiveAcknowledgments ? scoreboard.Update(Una, Max, blocks, MaxSackRanges) : 0;
        SimDuration? sample;
        if (timestampSample is SimDuration echoed)
        {
            rtt.Add(echoed); // RFC 7323 4.1: every ACK of new data, retransmissions too (the echo names the transmission, 4.2)
            sample = echoed;
        }
        else
        {
            sample = rtt.TryMeasure(ack, sim.Now, out SimDuration measured) ? measured : null; // Karn: only segments never retransmitted are timed
        }

        retries = 0;
        bool sackRecovery = SelectiveAcknowledgments && recovery.InRecovery;
        RecoveryAction action = recovery.OnNewAck(ack);
        CongestionSignal signal = Signal(sample, acknowledged, action == RecoveryAction.PartialAck && !sackRecovery ? FirstSegmentLength() : 0, cwndLimited);
        switch (action)
        {
            case RecoveryAction.RecoveryEnd:
                prr.Stop();
                congestion.OnRecoveryEnd(signal);
                break;
            case RecoveryAction.PartialAck when sackRecovery:
                // RFC 6675, 5, step C: the scoreboard says what to send (Output's NextSeg); PRR how much,
                // from DeliveredData = the change in SND.UNA plus the change in SACKed bytes (RFC 6937, 3).
                congestion.OnPartialAck(signal);
                prr.OnSackAck(acknowledged + newlySacked, scoreboard.Pipe(Una, Max, Mss));
                break;
            case RecoveryAction.PartialAck:
                congestion.OnPartialAck(signal);
                prr.OnPartialAck(acknowledged, InFlight, lost: signal.BytesLost);
                RetransmitFirstSegment(TcpRetransmitCause.PartialAcknowledgment); // RFC 6582, 3.2, step 5
                break;
            default:
                if (echo)
                {
                    ReduceForEcn(signal); // instead of growing, as Linux enters CWR
                }
                else
                {
                    congestion.OnAcknowledged(signal);
                }

                break;
        }

        if (TcpSequence.LessThan(Nxt, Una))
        {
            Nxt = Una;
        }

        if (action == RecoveryAction.Acknowledged && SelectiveAcknowledgments && scoreboard.SackedBytes > 0)
        {
            TryEnterSackRecovery(acknowledged + newlySacked); // RFC 6675, 5: loss can show on an ACK that advances SND.UNA too (IsLost(HighACK + 1))
        }

        if (Una == Max)
        {
            retransmitTimer.Stop(); // RFC 6298, 5.2
        }
        else
        {
            retransmitTimer.Restart(rtt.RetransmissionTimeout); // RFC 6298, 5.3
        }

        if (FinQueued && TcpSequence.LessThan(FinSequence, ack))
        {
            connection.OnFinAcknowledged();
        }

        if (CongestionWindow != cwndBefore || congestion.SlowStartThreshold != ssthreshBefore)
        {
            connection.OnCongestionWindowChanged();
        }

        connection.ContinueWrite();
        Output();
    }

    private void OnDuplicateAck()
    {
        RecoveryAction action = recovery.OnDuplicateAck(Una, Max);
        if (action == RecoveryAction.DuplicateInRecovery)
        {
            CongestionSignal signal = Signal(null);
            congestion.OnDuplicateAckInRecovery(signal);
            prr.OnDuplicateAck(InFlight); // RFC 6937: one more segment delivered
            connection.OnCongestionWindowChanged();
            Output();
        }
        else if (action == RecoveryAction.FastRetransmit)
        {
            FastRetransmits++;
            rtt.StopTiming(); // Karn's rule
            CongestionSignal signal = Signal(null, lost: FirstSegmentLength());
            if (!Ecn.ReducedInWindow(Una))
            {
                congestion.OnFastRetransmit(signal); // RFC 3168 6.1.2: not again when ECE reduced the window for this window of data
                Ecn.OnReduced(Max, forEcn: false);
            }

            prr.Start(InFlight, recovery.DuplicateAcks, congestion.SlowStartThreshold, Mss, lost: signal.BytesLost);
            if (connection.Tracer.IsOn)
            {
                connection.Tracer.Raise(connection.TraceEvent(TcpEventKind.FastRetransmit));
            }

            connection.OnCongestionWindowChanged();
            RetransmitFirstSegment(TcpRetransmitCause.FastRetransmit);
            Output();
        }
    }

    /// <summary>
    /// A duplicate ACK with SACK (RFC 6675, 2: it SACKed <paramref name="newlySacked"/> bytes not
    /// SACKed before): in recovery, PRR counts them delivered and NextSeg fills the window; outside,
    /// recovery may begin.
    /// </summary>
    private void OnSackDuplicateAck(int newlySacked)
    {
        recovery.CountDuplicateAck();
        if (recovery.InRecovery)
        {
            congestion.OnDuplicateAckInRecovery(Signal(null));
            prr.OnSackAck(newlySacked, scoreboard.Pipe(Una, Max, Mss));
            connection.OnCongestionWindowChanged();
            Output();
            return;
        }

        TryEnterSackRecovery(newlySacked);
        Output();
    }

    /// <summary>
    /// RFC 6675, 5: loss recovery begins when DupThresh duplicate ACKs arrived or the first
    /// unacknowledged byte is lost by the scoreboard (IsLost(HighACK + 1)), and SND.UNA is past
    /// the previous recovery's RecoveryPoint; RecoveryPoint becomes SND.MAX. The congestion
    /// control reduces (unless ECE did in this window, RFC 3168 6.1.2), PRR starts from the
    /// scoreboard's pipe (RFC 6937) and the first segment goes again at once (step 4.3).
    /// </summary>
    private void TryEnterSackRecovery(int deliveredData)
    {
        if (recovery.InRecovery || Max == Una || (recovery.DuplicateAcks < LossRecovery.DuplicateThreshold && !scoreboard.IsFirstLost(Una, Mss))
            || !recovery.TryEnter(Una, Max))
        {
            return;
        }

        FastRetransmits++;
        rtt.StopTiming(); // Karn's rule
        scoreboard.StartRecovery(Una);
        int lost = FirstSegmentLength();
        CongestionSignal signal = Signal(null, lost: lost);
        if (!Ecn.ReducedInWindow(Una))
        {
            congestion.OnFastRetransmit(signal);
            Ecn.OnReduced(Max, forEcn: false);
        }

        prr.StartWithPipe(InFlight, congestion.SlowStartThreshold, Mss, deliveredData, scoreboard.Pipe(Una, Max, Mss), lost);
        if (connection.Tracer.IsOn)
        {
            connection.Tracer.Raise(connection.TraceEvent(TcpEventKind.FastRetransmit));
        }

        connection.OnCongestionWindowChanged();
        RetransmitFirstSegment(TcpRetransmitCause.FastRetransmit);
        scoreboard.OnRetransmitted(Una, lost);
    }

    /// <summary>
    /// RFC 6675, 4, NextSeg, with the segment's length: rule 1, a lost hole; rule 2, new data
    /// (the peer's window permitting, whole segments unless it is the last of the data); rule 3, a
    /// hole with SACKed data above it; rule 4, the rescue retransmission. False: nothing to send.
    /// </summary>
    private bool NextSegment(out uint seq, out int length, out NextSegmentKind kind)
    {
        kind = NextSegmentKind.Hole;
        if (scoreboard.NextHole(Una, Mss, lostOnly: true, out seq, out length))
        {
            return true;
        }

        int unsent = send.Count - SentData();
        if (unsent > 0 && Nxt == Max)
        {
            length = Math.Min(Math.Min(Mss, unsent), Window - TcpSequence.Difference(Max, Una));
            if (length > 0 && (length == Mss || length == unsent + connection.PendingWriteLength))
            {
                seq = Nxt;
                kind = NextSegmentKind.NewData;
                return true;
            }
        }

        if (scoreboard.NextHole(Una, Mss, lostOnly: false, out seq, out length))
        {
            return true;
        }

        kind = NextSegmentKind.Rescue;
        uint dataMax = FinQueued && TcpSequence.LessThan(FinSequence, Max) ? FinSequence : Max; // the rescue carries data, never the FIN's sequence number
        return scoreboard.RescueSegment(Una, dataMax, Mss, out seq, out length);
    }

    /// <summary>RFC 6675, 5, step C: while the pipe leaves room in PRR's window, send what NextSeg names.</summary>
    private void SackRecoveryOutput()
    {
        while (NextSegment(out uint seq, out int length, out NextSegmentKind kind))
        {
            if (scoreboard.Pipe(Una, Max, Mss) + length > CongestionWindow)
            {
                break;
            }

            switch (kind)
            {
                case NextSegmentKind.NewData:
                    SendData(Nxt, length, null);
                    Advance(length);
                    break;
                case NextSegmentKind.Rescue:
                    SendData(seq, length, TcpRetransmitCause.SackRecovery);
                    scoreboard.OnRescued(recovery.RecoveryPoint); // HighRxt stays (RFC 6675, 4, rule 4)
                    break;
                default:
                    SendData(seq, length, TcpRetransmitCause.SackRecovery);
                    scoreboard.OnRetransmitted(seq, length);
                    break;
            }
        }
    }

    private void OnRetransmitTimeout()
    {
        TcpState state = connection.State;
        if (state == TcpState.Closed || (state is not (TcpState.SynSent or TcpState.SynReceived) && Una == Max))
        {
            return;
        }

        RetransmissionTimeouts++;
        int limit = state switch
        {
            TcpState.SynSent => settings.SynRetries,
            TcpState.SynReceived => settings.SynAckRetries,
            _ => settings.MaxRetransmissions,
        };
        if (++retries > limit)
        {
            connection.OnRetriesExhausted();
            return;
        }

        rtt.BackOff(); // RFC 6298, 5.5, and Karn's rule
        if (state is TcpState.SynSent or TcpState.SynReceived)
        {
            TraceTimeout();
            synRetransmitted = true;
            SendSyn();
            return;
        }

        CongestionSignal signal = Signal(null, lost: InFlight);
        congestion.OnRetransmissionTimeout(signal);
        Ecn.OnReduced(Max, forEcn: false);
        prr.Stop(); // a timeout ends fast recovery: the loss window applies
        TraceTimeout();
        connection.OnCongestionWindowChanged();
        recovery.OnRetransmissionTimeout(Max); // RFC 6582, 4, and RFC 6675, 5.1: no fast retransmit for what was sent before the timeout
        scoreboard.Clear(Una); // RFC 6675, 5.1: the receiver may have reneged; Linux clears its SACK marks too
        Nxt = Una; // go back: resend from the first unacknowledged byte, in slow start
        goBackCause = TcpRetransmitCause.Timeout;
        Output();
        retransmitTimer.Restart(rtt.RetransmissionTimeout);
    }

    private void OnPersistTimeout()
    {
        int unsent = send.Count - SentData();
        bool outstanding = Max != Una;
        if (Window != 0 || connection.State == TcpState.Closed || send.Count == 0 || (unsent <= 0 && !outstanding))
        {
            return;
        }

        // RFC 9293, 3.8.6.1: probe the zero window with one byte (again, if the last probe was
        // refused), backing off like the retransmission timer; it runs until the window opens.
        ZeroWindowProbes++;
        SendData(Una, 1, TcpRetransmitCause.Probe, probe: true);
        if (Nxt == Una)
        {
            Nxt = TcpSequence.Add(Una, 1);
            if (TcpSequence.LessThan(Max, Nxt))
            {
                Max = Nxt;
            }
        }

        persistTimer.ProbeSent(rtt.RetransmissionTimeout, settings.MaximumRetransmissionTimeout);
    }

    private void TraceTimeout()
    {
        if (connection.Tracer.IsOn)
        {
            connection.Tracer.Raise(connection.TraceEvent(TcpEventKind.RetransmissionTimeoutFired) with { RetransmissionTimeout = rtt.RetransmissionTimeout });
        }
    }

    private int SentData() => Math.Clamp(TcpSequence.Difference(Nxt, send.Start), 0, send.Count);

    private void Advance(int count)
    {
        uint start = Nxt;
        Nxt = TcpSequence.Add(Nxt, count);
        if (TcpSequence.LessThan(Max, Nxt))
        {
            if (!rtt.IsTiming && start == Max)
            {
                rtt.StartTiming(Nxt, sim.Now); // time one new segment per round trip (RFC 6298, 3)
            }

            Max = Nxt;
        }

        if (!retransmitTimer.IsRunning)
        {
            retransmitTimer.Restart(rtt.RetransmissionTimeout); // RFC 6298, 5.1
        }
    }

    private void RetransmitFirstSegment(TcpRetransmitCause cause)
    {
        if (FinQueued && Una == FinSequence)
        {
            Emit(FinSequence, TcpFlags.Fin | TcpFlags.Ack, 0, 0, cause);
            return;
        }

        int length = FirstSegmentLength();
        if (length > 0)
        {
            SendData(Una, length, cause);
        }
    }

    /// <summary>The data bytes <see cref="RetransmitFirstSegment"/> sends: one segment from SND.UNA, never past what was sent.</summary>
    private int FirstSegmentLength()
    {
        int available = send.Count - Math.Max(0, TcpSequence.Difference(Una, send.Start));
        return Math.Max(0, Math.Min(Math.Min(Mss, available), TcpSequence.Difference(Max, Una)));
    }

    private void SendData(uint seq, int length, TcpRetransmitCause? cause, bool probe = false)
    {
        int offset = TcpSequence.Difference(seq, send.Start);
        bool last = offset + length == send.Count;
        lastDataSentAt = sim.Now;
        prr.OnSent(length); // RFC 6937's prr_out, during recovery
        Emit(seq, TcpFlags.Ack | (last ? TcpFlags.Psh : 0), offset, length, cause, newData: !probe && !TcpSequence.LessThan(seq, Max)); // RFC 3168 6.1.5, 6.1.6: no ECT on retransmissions and probes
    }

    /// <summary>
    /// RFC 3168 6.1.2: an ECE asks for the same reduction as a loss, without retransmitting
    /// anything; CWR goes on the next new data. The congestion control decides how much
    /// (<see cref="ICongestionControl.OnCongestionExperienced"/>).
    /// </summary>
    private void ReduceForEcn(in CongestionSignal signal)
    {
        congestion.OnCongestionExperienced(signal);
        Ecn.OnReduced(Max, forEcn: true);
        if (connection.Tracer.IsOn)
        {
            connection.Tracer.Raise(connection.TraceEvent(TcpEventKind.EcnWindowReduction));
        }
    }

    /// <summary>The window a segment advertises, in bytes: shifted by the peer's scale, except in a SYN (RFC 7323, 2.2).</summary>
    private int PeerWindow(in TcpHeader segment) => (segment.Flags & TcpFlags.Syn) != 0 ? segment.Window : segment.Window << sendShift;

    /// <summary>
    /// The round trip a segment's timestamp echo measures (RFC 7323, 4.1): now less its
    /// TSecr, in whole milliseconds, at least 1 (as Linux); null without timestamps, without
    /// the option or with a zero echo (RFC 7323 4.2 does not forbid 0, but it is what a peer
    /// that has nothing to echo sends), or when the echo is from the future. The caller takes
    /// it only from an ACK that acknowledges new data.
    /// </summary>
    private SimDuration? TimestampSample(in TcpHeader segment)
    {
        if (!Timestamps || segment.Timestamps is not TcpTimestampOption option || option.EchoReply == 0)
        {
            return null;
        }

        int ticks = unchecked((int)(TimestampNow - option.EchoReply));
        return ticks < 0 ? null : SimDuration.FromMilliseconds(Math.Max(ticks, 1));
    }

    /// <summary>
    /// PAWS (RFC 7323, 5.3 R1): whether a segment is an old duplicate, to be dropped (after an
    /// ACK, unless it is a reset): it carries a timestamp older than TS.Recent, and TS.Recent
    /// is still valid (set within the last 24 days, 5.5). Counted in <see cref="PawsDrops"/>.
    /// </summary>
    public bool RejectedByPaws(in TcpHeader segment)
    {
        if (!Timestamps || (segment.Flags & TcpFlags.Rst) != 0 || segment.Timestamps is not TcpTimestampOption option
            || unchecked((int)(option.Value - tsRecent)) >= 0 || sim.Now - tsRecentAt > PawsIdleLimit)
        {
            return false;
        }

        PawsDrops++;
        return true;
    }

    /// <summary>
    /// An acceptable segment arrived (RFC 7323, 4.3 and 5.3 R3): its TSval becomes TS.Recent
    /// when it is not older and the segment starts at or before Last.ACK.sent (so that the
    /// echo is of the earliest segment a delayed ACK covers), or when TS.Recent is over 24 days old.
    /// </summary>
    public void TakeTimestamp(in TcpHeader segment)
    {
        if (!Timestamps || segment.Timestamps is not TcpTimestampOption option || TcpSequence.LessThan(lastAckSent, segment.SequenceNumber))
        {
            return;
        }

        if (unchecked((int)(option.Value - tsRecent)) >= 0 || sim.Now - tsRecentAt > PawsIdleLimit)
        {
            tsRecent = option.Value;
            tsRecentAt = sim.Now;
        }
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
        BytesInFlight = InFlight,
        SendWindow = Window,
        MaximumSegmentSize = Mss,
        IsCongestionWindowLimited = cwndLimited,
        InitialWindow = settings.InitialWindowSegments * Mss,
    };
}

/// <summary>What RFC 6675's NextSeg chose.</summary>
internal enum NextSegmentKind
{
    /// <summary>A hole: lost (rule 1) or with SACKed data above it (rule 3).</summary>
    Hole,

    /// <summary>New data (rule 2).</summary>
    NewData,

    /// <summary>The rescue retransmission (rule 4).</summary>
    Rescue,
}
