using System.Globalization;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// A TCP segment the host sent, as the scripted peer saw it. <see cref="Seq"/> is relative
/// to the host's initial sequence number and <see cref="Ack"/> to the peer's (as Wireshark's
/// relative numbers): the SYN is 0, the first data byte 1, on both sides.
/// </summary>
/// <param name="At">When the host put it on the wire (the instant its TCP sent it, on an idle link).</param>
/// <param name="Seq">The sequence number, relative to the host's ISN.</param>
/// <param name="Ack">The acknowledgment number, relative to the peer's ISN (meaningful when ACK is set).</param>
/// <param name="Flags">The control bits.</param>
/// <param name="Window">The window the host advertised.</param>
/// <param name="Mss">The maximum segment size option, 0 for none.</param>
/// <param name="Payload">The data.</param>
/// <param name="Packet">The whole IPv4 packet, to quote in an ICMP error.</param>
internal sealed record SentSegment(SimTime At, uint Seq, uint Ack, TcpFlags Flags, ushort Window, ushort Mss, byte[] Payload, byte[] Packet)
{
    /// <summary>Bytes of data.</summary>
    public int Length => Payload.Length;

    /// <summary>The IPv4 header's TOS byte: its low two bits are the ECN field (RFC 3168 5).</summary>
    public byte TypeOfService => Packet[1];

    /// <summary>The window scale option, null for none.</summary>
    public byte? WindowScale { get; init; }

    /// <summary>The timestamps option, null for none.</summary>
    public TcpTimestampOption? Timestamps { get; init; }

    /// <summary>Whether the SACK-permitted option was present.</summary>
    public bool SackPermitted { get; init; }

    /// <summary>The SACK blocks, relative to the peer's ISS as <see cref="Ack"/> is.</summary>
    public TcpSackBlocks SackBlocks { get; init; }

    /// <summary>The TCP header's length, options included.</summary>
    public int HeaderLength { get; init; }

    /// <summary>The fields a test states, without the time: "Syn, Ack seq=0 ack=1 len=0".</summary>
    public string Shape => Describe(Seq, Ack, Flags, Length);

    public static string Describe(uint seq, uint ack, TcpFlags flags, int length) =>
        string.Create(CultureInfo.InvariantCulture, $"{flags} seq={seq} ack={ack} len={length}");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"at {At.Picoseconds} ps: {Shape} win={Window}{(Mss != 0 ? $" mss={Mss}" : "")}");
}

/// <summary>
/// A segment-level TCP harness, after smoltcp's <c>send!</c>/<c>recv!</c> tests: one NetSim
/// host (10.0.0.1), whose TCP is under test, cabled to a scripted peer (10.0.0.2, a bare
/// NIC). The test plays the peer: <see cref="Receive"/> puts a segment built with the Wire
/// types (real checksums) on the cable, and <see cref="ExpectSent"/> reads back, in order,
/// exactly what the host sent and when. Sequence numbers are relative on both sides (see
/// <see cref="SentSegment"/>). Only the public API is used: the host, its
/// <see cref="TcpConnection"/> and the Wire types.
/// </summary>
/// <remarks>
/// The cable carries 10^18 bits a second with no delay: every frame, in either direction,
/// arrives exactly <see cref="Lag"/> (1 ps) after it starts on the wire, so a segment the
/// test gives is processed 1 ps later (or at the instant asked for) and the host's answer is
/// sent at that instant. A segment's recorded time is when the host's TCP sent it (taken from
/// the network's trace of the NIC's sends), even when it waits a few picoseconds on the wire
/// behind a burst. Timers run on simulated time as ever: a test moves time with
/// <see cref="RunFor"/>, <see cref="RunUntil"/> and <see cref="RunUntilSent"/>.
/// </remarks>
internal sealed class TcpHarness : IFrameTap, ITraceListener
{
    /// <summary>How long every frame takes from one end of the cable to the other.</summary>
    public static readonly SimDuration Lag = SimDuration.FromPicoseconds(1);

    /// <summary>The port the peer listens on.</summary>
    public const ushort PeerPort = 80;

    /// <summary>The peer's initial sequence number: close to 2^32, so the peer's relative numbers wrap early.</summary>
    public const uint PeerIss = 4_294_967_000;

    public static readonly Ipv4Address HostAddress = Ipv4Address.Parse("10.0.0.1");
    public static readonly Ipv4Address PeerAddress = Ipv4Address.Parse("10.0.0.2");

    private readonly List<SentSegment> sent = [];
    private readonly Queue<SimTime> handedToNic = new(); // when the host's frames were sent, in the order they reach the wire
    private readonly TcpSettings? settings;
    private int read; // segments of `sent` already taken by ExpectSent
    private bool stopAtSend;
    private uint? hostIss;
    private ushort hostPort;
    private uint written; // bytes the harness has written into the host's connection
    private long taken; // bytes the harness has read out of it
    private Task<TcpConnection>? connect;

    /// <summary>Builds the host and the peer; nothing is sent until <see cref="Connect"/>.</summary>
    public TcpHarness(TcpSettings? settings = null, ulong seed = 1)
    {
        this.settings = settings;
        Simulation = new Simulation(seed);
        Network = new Network(Simulation);
        Host = new Host(Network, "host", "10.0.0.1/24");
        Peer = new Nic(Network, "peer");
        _ = new Cable(Host.Port, Peer.Port, DataRate.FromBitsPerSecond(1_000_000_000_000_000_000), SimDuration.Zero);
        Host.Interfaces[0].Arp.AddStatic(PeerAddress, Peer.Mac); // no ARP exchange in the segment timings
        Host.Port.AddTap(this);
        _ = Network.Tracer.Subscribe(this);
        Peer.Received += OnPeerFrame;
    }

    public Simulation Simulation { get; }

    public Network Network { get; }

    /// <summary>The host whose TCP is under test.</summary>
    public Host Host { get; }

    /// <summary>The scripted peer's NIC.</summary>
    public Nic Peer { get; }

    public SimTime Now => Simulation.Now;

    /// <summary>The connection under test, once established (the public API hands it out then).</summary>
    public TcpConnection Connection => ConnectTask.IsCompletedSuccessfully ? ConnectTask.Result : throw new InvalidOperationException($"The connection is not established: {ConnectTask.Status}.");

    /// <summary>The host's connect, to see how it ends.</summary>
    public Task<TcpConnection> ConnectTask => connect ?? throw new InvalidOperationException("Connect first.");

    /// <summary>The host's initial sequence number, from its SYN (raw, not relative).</summary>
    public uint HostIss => hostIss ?? throw new InvalidOperationException("The host has sent no SYN yet.");

    /// <summary>Every TCP segment the host sent, in order.</summary>
    public IReadOnlyList<SentSegment> Sent => sent;

    /// <summary>Frames the host sent that were not TCP (ARP, ICMP).</summary>
    public int OtherFramesSent { get; private set; }

    /// <summary>
    /// A harness whose host has an established connection to the peer: the host's SYN at 0,
    /// the peer's SYN-ACK (window <paramref name="peerWindow"/>, MSS option
    /// <paramref name="peerMss"/>) arriving at <paramref name="handshakeRtt"/> (default: at
    /// once, after the lag), which is the connection's first RTT sample, and the host's ACK.
    /// The handshake segments are already taken.
    /// </summary>
    public static TcpHarness Established(TcpSettings? settings = null, ushort peerMss = 1000, ushort peerWindow = 65535, SimDuration? handshakeRtt = null)
    {
        var h = new TcpHarness(settings);
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, TcpFlags.Syn, at: SimTime.Zero);
        h.Receive(seq: 0, ack: 1, TcpFlags.Syn | TcpFlags.Ack, window: peerWindow, mss: peerMss, at: SimTime.Zero + (handshakeRtt ?? Lag));
        h.ExpectSent(seq: 1, ack: 1, TcpFlags.Ack);
        h.Connection.State.Should().Be(TcpState.Established);
        return h;
    }

    /// <summary>The host opens a connection to the peer's port 80; its SYN goes out now.</summary>
    public Task<TcpConnection> Connect()
    {
        connect = TcpConnection.ConnectAsync(Host, PeerAddress, PeerPort, settings);
        return connect;
    }

    /// <summary>
    /// The peer sends a segment to the host (relative <paramref name="seq"/> and
    /// <paramref name="ack"/>; <paramref name="ack"/> is taken as it is without ACK); runs the
    /// simulation until it has arrived and been processed: <see cref="Lag"/> from now, or at
    /// exactly <paramref name="at"/> when given. Without <paramref name="payload"/>,
    /// <paramref name="length"/> bytes of the peer's stream at <paramref name="seq"/>
    /// (<see cref="PeerByte"/>) are sent.
    /// </summary>
    /// <returns>When the segment arrived: the time of the host's immediate answers.</returns>
    public SimTime Receive(uint seq, uint ack, TcpFlags flags = TcpFlags.Ack, ushort window = 65535, int length = 0, ushort mss = 0, byte[]? payload = null, SimTime? at = null, byte typeOfService = 0, byte? windowScale = null, TcpTimestampOption? timestamps = null, bool sackPermitted = false, TcpSackBlocks sackBlocks = default)
    {
        TcpSackBlocks absolute = default; // the blocks name the host's sequence numbers, relative here
        for (int i = 0; i < sackBlocks.Count; i++)
        {
            absolute = TcpSackBlocks.Create([.. Blocks(absolute), new TcpSackBlock(unchecked(HostIss + sackBlocks[i].Left), unchecked(HostIss + sackBlocks[i].Right))]);
        }

        if (at is SimTime arrival)
        {
            RunUntil(arrival - Lag);
        }

        payload ??= Stream(PeerByte, seq, length);
        var header = new TcpHeader(
            PeerPort,
            hostPort,
            unchecked(PeerIss + seq),
            (flags & TcpFlags.Ack) != 0 ? unchecked(HostIss + ack) : ack,
            flags,
            window,
            mss)
        {
            WindowScale = windowScale,
            Timestamps = timestamps,
            SackPermitted = sackPermitted,
            SackBlocks = absolute,
        };
        byte[] segment = new byte[header.EmittedLength + payload.Length];
        payload.CopyTo(segment, header.EmittedLength);
        header.Emit(segment, PeerAddress, HostAddress);
        SimTime arrived = SendIp(PeerAddress, IpProtocol.Tcp, segment, typeOfService);
        if (at is SimTime expected)
        {
            arrived.Should().Be(expected, "the segment should arrive at the time asked for (the peer's link was busy)");
        }

        return arrived;
    }

    /// <summary>
    /// An ICMP error about <paramref name="about"/> (quoting its IP header and the first 8
    /// bytes of the segment, as RFC 792 does) arrives from <paramref name="from"/> (default:
    /// a router at 10.0.0.254); runs until it has been processed.
    /// </summary>
    public SimTime ReceiveIcmp(IcmpType type, byte code, SentSegment about, Ipv4Address? from = null)
    {
        int quoted = Ipv4Header.MinLength + IcmpHeader.ErrorDataLength;
        byte[] icmp = new byte[IcmpHeader.Length + quoted];
        about.Packet.AsSpan(0, quoted).CopyTo(icmp.AsSpan(IcmpHeader.Length));
        new IcmpHeader(type, code).Emit(icmp);
        return SendIp(from ?? Ipv4Address.Parse("10.0.0.254"), IpProtocol.Icmp, icmp);
    }

    /// <summary>The application on the host writes the next <paramref name="count"/> bytes of the host's stream (<see cref="HostByte"/>).</summary>
    public Task Write(int count)
    {
        byte[] data = Stream(HostByte, written + 1, count);
        written += (uint)count;
        return Connection.WriteAsync(data).AsTask();
    }

    /// <summary>The application on the host reads every byte received in order and not yet read.</summary>
    public byte[] Read()
    {
        int available = checked((int)(Connection.BytesReceived - taken));
        if (available == 0)
        {
            return [];
        }

        byte[] buffer = new byte[available];
        Task<int> reading = Connection.ReadAsync(buffer).AsTask();
        reading.IsCompletedSuccessfully.Should().BeTrue("bytes received in order are read at once");
        reading.Result.Should().Be(available);
        taken += available;
        return buffer;
    }

    /// <summary>The application on the host closes its side.</summary>
    public Task Close() => Connection.CloseAsync();

    public void RunFor(SimDuration duration) => Simulation.RunFor(duration);

    public void RunUntil(SimTime time) => Simulation.RunUntil(time);

    /// <summary>
    /// Runs until the host sends a TCP segment (not run at all when one is already waiting to
    /// be read), at most <paramref name="limit"/> (default 10 minutes); <see cref="Now"/> is
    /// then the instant it was sent.
    /// </summary>
    public void RunUntilSent(SimDuration? limit = null)
    {
        if (read < sent.Count)
        {
            return;
        }

        stopAtSend = true;
        try
        {
            Simulation.RunUntil(Now + (limit ?? SimDuration.FromSeconds(600)));
        }
        finally
        {
            stopAtSend = false;
        }

        read.Should().BeLessThan(sent.Count, "the host should have sent a segment by {0}", Now);
    }

    /// <summary>
    /// Takes the next segment the host sent and checks it: flags, relative sequence and
    /// acknowledgment numbers, data length (and that the data is the host's stream at that
    /// sequence number), and, when given, the window, the MSS option and the time.
    /// </summary>
    public SentSegment ExpectSent(uint seq, uint ack, TcpFlags flags, int length = 0, ushort? window = null, ushort? mss = null, SimTime? at = null)
    {
        Drain();
        read.Should().BeLessThan(sent.Count, "the host should have sent {0} (at {1})", SentSegment.Describe(seq, ack, flags, length), Now);
        SentSegment segment = sent[read++];
        segment.Shape.Should().Be(SentSegment.Describe(seq, ack, flags, length), "segment #{0} of the host: {1}", read, segment);
        if (window is ushort w)
        {
            segment.Window.Should().Be(w, "the window of {0}", segment);
        }

        if (mss is ushort m)
        {
            segment.Mss.Should().Be(m, "the MSS option of {0}", segment);
        }

        if (at is SimTime time)
        {
            segment.At.Should().Be(time, "the time of {0}", segment);
        }

        segment.Payload.Should().Equal(Stream(HostByte, seq, length), "the data of {0} is the host's stream at its sequence number", segment);
        return segment;
    }

    /// <summary>Checks that the host sent nothing since the last segment taken.</summary>
    public void ExpectNothingSent()
    {
        Drain();
        sent.Skip(read).Should().BeEmpty("the host should have sent nothing more by {0}", Now);
    }

    /// <summary>
    /// Lets the frames waiting in the host's egress queue go onto the wire: a burst goes out
    /// one frame every 2 ps (1 ps on the wire, 1 ps of gap), and a segment's bytes are seen
    /// when it starts (its time is when the host sent it, not that). So <see cref="Now"/>
    /// moves on by a few picoseconds while the host's answer to a segment is read: compare
    /// times with the one <see cref="Receive"/> returns.
    /// </summary>
    private void Drain()
    {
        CableDirection egress = Host.Port.Cable!.FromA;
        while (egress.QueuedFrames > 0)
        {
            RunFor(Lag);
        }
    }

    /// <summary>The blocks of <paramref name="blocks"/>, as an array.</summary>
    public static TcpSackBlock[] Blocks(TcpSackBlocks blocks)
    {
        var list = new TcpSackBlock[blocks.Count];
        for (int i = 0; i < blocks.Count; i++)
        {
            list[i] = blocks[i];
        }

        return list;
    }

    /// <summary>SACK blocks made relative to <paramref name="iss"/>.</summary>
    public static TcpSackBlocks Relative(TcpSackBlocks blocks, uint iss)
    {
        TcpSackBlock[] list = Blocks(blocks);
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new TcpSackBlock(unchecked(list[i].Left - iss), unchecked(list[i].Right - iss));
        }

        return TcpSackBlocks.Create(list);
    }

    /// <summary>The byte of the host's stream at relative sequence number <paramref name="seq"/> (1 is the first).</summary>
    public static byte HostByte(uint seq) => (byte)(seq % 251);

    /// <summary>The byte of the peer's stream at relative sequence number <paramref name="seq"/> (1 is the first).</summary>
    public static byte PeerByte(uint seq) => (byte)((seq * 7) % 253);

    /// <summary><paramref name="count"/> bytes of a stream from relative sequence number <paramref name="seq"/>.</summary>
    public static byte[] Stream(Func<uint, byte> stream, uint seq, int count)
    {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = stream(unchecked(seq + (uint)i));
        }

        return bytes;
    }

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        if (traceEvent.Kind == FrameEventKind.Sent && traceEvent.Device == Host.Interfaces[0].Nic.Name)
        {
            handedToNic.Enqueue(traceEvent.Time); // the frame waits in the egress queue behind any earlier ones
        }
    }

    /// <inheritdoc/>
    void IFrameTap.OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
    {
        if (!outgoing)
        {
            return;
        }

        SimTime sentAt = handedToNic.Dequeue();
        EthernetHeader.TryParse(frame, out EthernetHeader ethernet).Should().Be(WireError.None);
        ReadOnlySpan<byte> packet = frame[ethernet.Length..];
        if (ethernet.PayloadType != EtherType.IPv4
            || Ipv4Header.TryParse(packet, out Ipv4Header ip) != WireError.None
            || ip.Protocol != IpProtocol.Tcp)
        {
            OtherFramesSent++;
            return;
        }

        packet = packet[..ip.TotalLength];
        ReadOnlySpan<byte> bytes = packet[ip.HeaderLength..];
        TcpHeader.TryParse(bytes, out TcpHeader tcp).Should().Be(WireError.None);
        TcpHeader.VerifyChecksum(bytes, ip.Source, ip.Destination).Should().BeTrue("the host's checksums are real");
        ip.Source.Should().Be(HostAddress);
        ip.Destination.Should().Be(PeerAddress);
        tcp.DestinationPort.Should().Be(PeerPort);
        if (hostIss is null && (tcp.Flags & TcpFlags.Syn) != 0)
        {
            hostIss = tcp.SequenceNumber;
            hostPort = tcp.SourcePort;
        }

        uint iss = hostIss ?? 0;
        sent.Add(new SentSegment(
            sentAt,
            unchecked(tcp.SequenceNumber - iss),
            (tcp.Flags & TcpFlags.Ack) != 0 ? unchecked(tcp.AcknowledgmentNumber - PeerIss) : tcp.AcknowledgmentNumber,
            tcp.Flags,
            tcp.Window,
            tcp.MaximumSegmentSize,
            bytes[tcp.HeaderLength..].ToArray(),
            packet.ToArray())
        {
            WindowScale = tcp.WindowScale,
            Timestamps = tcp.Timestamps,
            SackPermitted = tcp.SackPermitted,
            SackBlocks = Relative(tcp.SackBlocks, PeerIss),
            HeaderLength = tcp.HeaderLength,
        });
        if (stopAtSend)
        {
            Simulation.Stop();
        }
    }

    private SimTime SendIp(Ipv4Address source, IpProtocol protocol, byte[] payload, byte typeOfService = 0)
    {
        byte[] packet = new byte[Ipv4Header.MinLength + payload.Length];
        new Ipv4Header(source, HostAddress, protocol, 64, packet.Length, TypeOfService: typeOfService).Emit(packet);
        payload.CopyTo(packet, Ipv4Header.MinLength);
        FrameHandle frame = Peer.CreateFrame(Host.Interfaces[0].Mac, EtherType.IPv4, packet.Length);
        packet.CopyTo(Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
        Peer.Send(frame);

        // Run until it has arrived: after any frames before it on the peer's wire, then the lag.
        CableDirection egress = Host.Port.Cable!.FromB;
        while (egress.QueuedFrames > 0)
        {
            RunFor(Lag);
        }

        RunFor(Lag);
        return Now;
    }

    /// <summary>The peer answers ARP requests for its address (the host has a static entry, but may ask anyway).</summary>
    private void OnPeerFrame(Nic nic, ReadOnlySpan<byte> bytes)
    {
        if (EthernetHeader.TryParse(bytes, out EthernetHeader ethernet) == WireError.None
            && ethernet.PayloadType == EtherType.Arp
            && ArpHeader.TryParse(bytes[ethernet.Length..], out ArpHeader arp) == WireError.None
            && arp.Operation == ArpOperation.Request
            && arp.TargetIp == PeerAddress)
        {
            FrameHandle reply = nic.CreateFrame(arp.SenderMac, EtherType.Arp, ArpHeader.Length);
            arp.ReplyFrom(nic.Mac).Emit(Network.Frames.GetSpan(reply)[EthernetFrame.HeaderLength..]);
            nic.Send(reply);
        }
    }
}
