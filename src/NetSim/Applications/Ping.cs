using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>How one echo request of a <see cref="Ping"/> ended.</summary>
public enum PingStatus
{
    /// <summary>The echo reply came back.</summary>
    Reply,

    /// <summary>Nothing came back within the timeout.</summary>
    Timeout,

    /// <summary>A router or the sender reported the destination unreachable (the code says why).</summary>
    Unreachable,

    /// <summary>The TTL ran out on the way (a router sent time exceeded).</summary>
    TimeExceeded,

    /// <summary>The request could not be sent: the sender has no route (see <see cref="PingResult.Message"/>).</summary>
    NoRoute,

    /// <summary>The request could not be sent: it is larger than the MTU and DF is set.</summary>
    MessageTooLong,
}

/// <summary>One line of ping's output: the fate of one echo request.</summary>
/// <param name="Sequence">The request's sequence number (from 1, as ping prints it as icmp_seq).</param>
/// <param name="Status">What happened.</param>
/// <param name="From">Who answered: the destination, or the router that reported an error.</param>
/// <param name="Bytes">The ICMP bytes of the reply.</param>
/// <param name="TimeToLive">The TTL of the reply as it arrived.</param>
/// <param name="RoundTripTime">From sending the request to the reply or error, in simulated time.</param>
/// <param name="Message">The line ping prints for it.</param>
public readonly record struct PingResult(ushort Sequence, PingStatus Status, Ipv4Address From, int Bytes, byte TimeToLive, SimDuration RoundTripTime, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>The summary ping prints at the end: sent, received, loss and round-trip times.</summary>
/// <param name="Destination">Who was pinged.</param>
/// <param name="Sent">Requests sent.</param>
/// <param name="Received">Replies received.</param>
/// <param name="Errors">Requests answered by an error (unreachable, time exceeded) or never sent.</param>
/// <param name="Minimum">The shortest round trip (zero without replies).</param>
/// <param name="Average">The mean round trip (zero without replies).</param>
/// <param name="Maximum">The longest round trip (zero without replies).</param>
public readonly record struct PingSummary(Ipv4Address Destination, int Sent, int Received, int Errors, SimDuration Minimum, SimDuration Average, SimDuration Maximum)
{
    /// <summary>The share of requests without a reply, from 0 to 100.</summary>
    public double LossPercent => Sent == 0 ? 100 : 100.0 * (Sent - Received) / Sent;

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"--- {Destination} ping statistics ---").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{Sent} packets transmitted, {Received} received, ");
        if (Errors > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"+{Errors} errors, ");
        }

        text.Append(CultureInfo.InvariantCulture, $"{LossPercent:0.#}% packet loss");
        if (Received > 0)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"rtt min/avg/max = {Minimum}/{Average}/{Maximum}");
        }

        return text.ToString();
    }
}

/// <summary>
/// ping (RFC 792 echo): sends <see cref="Count"/> echo requests from a node, one every
/// <see cref="Interval"/>, and reports each reply (sequence, TTL, round-trip time in
/// simulated time) or error, and a summary at the end. Start it, run the simulation,
/// then read <see cref="Results"/> and <see cref="Summary"/>.
/// </summary>
public sealed class Ping : IEventTarget, IEchoListener
{
    private const int SendEvent = 0;
    private const int TimeoutEvent = 1;

    private readonly IpNode source;
    private readonly List<PingResult> results = [];
    private readonly TaskCompletionSource<PingSummary> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SimTime[] sentAt = [];
    private bool[] done = [];
    private EventHandle[] timeouts = [];
    private ushort identifier;
    private int sent;

    /// <summary>Prepares a ping from <paramref name="source"/> to <paramref name="destination"/> (nothing is sent before <see cref="Start"/>).</summary>
    public Ping(IpNode source, Ipv4Address destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
        Destination = destination;
    }

    /// <summary>Who is pinged.</summary>
    public Ipv4Address Destination { get; }

    /// <summary>How many requests to send (default 4).</summary>
    public int Count { get; init; } = 4;

    /// <summary>The time between requests (default 1 s).</summary>
    public SimDuration Interval { get; init; } = SimDuration.FromSeconds(1);

    /// <summary>The bytes of data after the ICMP header (default 56, as ping sends: 64 ICMP bytes).</summary>
    public int PayloadSize { get; init; } = 56;

    /// <summary>How long to wait for each reply (default 2 s).</summary>
    public SimDuration Timeout { get; init; } = SimDuration.FromSeconds(2);

    /// <summary>The TTL of the requests (default 64).</summary>
    public byte TimeToLive { get; init; } = IpNode.DefaultTimeToLive;

    /// <summary>Sets DF on the requests (ping -M do), to find the path MTU.</summary>
    public bool DontFragment { get; init; }

    /// <summary>Called with each result as it happens (to print it live).</summary>
    public Action<PingResult>? ResultReceived { get; set; }

    /// <summary>The results so far, in the order they happened.</summary>
    public IReadOnlyList<PingResult> Results => results;

    /// <summary>True when every request has been answered, has failed or has timed out.</summary>
    public bool IsComplete => sent == Count && results.Count == Count;

    /// <summary>The summary of the results so far.</summary>
    public PingSummary Summary
    {
        get
        {
            var rtts = results.Where(r => r.Status == PingStatus.Reply).Select(r => r.RoundTripTime.Picoseconds).ToList();
            return new PingSummary(
                Destination,
                results.Count(r => r.Status is not (PingStatus.NoRoute or PingStatus.MessageTooLong)),
                rtts.Count,
                results.Count(r => r.Status is not (PingStatus.Reply or PingStatus.Timeout)),
                rtts.Count == 0 ? SimDuration.Zero : SimDuration.FromPicoseconds(rtts.Min()),
                rtts.Count == 0 ? SimDuration.Zero : SimDuration.FromPicoseconds(rtts.Sum() / rtts.Count),
                rtts.Count == 0 ? SimDuration.Zero : SimDuration.FromPicoseconds(rtts.Max()));
        }
    }

    /// <summary>Completes, in simulated time, with the summary when every request has been answered or has failed.</summary>
    public Task<PingSummary> Completion => completion.Task;

    /// <summary>Starts the ping and returns <see cref="Completion"/>: <c>PingSummary summary = await ping.RunAsync();</c> in application code.</summary>
    public Task<PingSummary> RunAsync()
    {
        Start();
        return Completion;
    }

    /// <summary>The line ping prints first: "PING 192.168.1.2 56(84) bytes of data."</summary>
    public string Banner => string.Create(CultureInfo.InvariantCulture, $"PING {Destination} {PayloadSize}({PayloadSize + IcmpHeader.Length + Ipv4Header.MinLength}) bytes of data.");

    /// <summary>Sends the first request now and schedules the others.</summary>
    /// <exception cref="InvalidOperationException">The ping was already started.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (count below 1, payload above 65,507 bytes).</exception>
    public void Start()
    {
        if (identifier != 0)
        {
            throw new InvalidOperationException($"This ping to {Destination} was already started.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 1, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Count, ushort.MaxValue, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadSize, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PayloadSize, ushort.MaxValue - Ipv4Header.MinLength - IcmpHeader.Length, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfZero(TimeToLive, nameof(TimeToLive));
        ArgumentOutOfRangeException.ThrowIfLessThan(Interval, SimDuration.Zero, nameof(Interval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, SimDuration.Zero, nameof(Timeout));
        identifier = source.AddEchoListener(this);
        sentAt = new SimTime[Count + 1];
        done = new bool[Count + 1];
        timeouts = new EventHandle[Count + 1];
        for (int i = 0; i < Count; i++)
        {
            source.Simulation.Schedule(Interval * i, this, SendEvent, i + 1);
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        ushort sequence = checked((ushort)argument);
        if (kind == SendEvent)
        {
            SendRequest(sequence);
        }
        else if (!done[sequence])
        {
            Finish(new PingResult(sequence, PingStatus.Timeout, Destination, 0, 0, Timeout, string.Create(CultureInfo.InvariantCulture, $"Request timeout for icmp_seq {sequence}")));
        }
    }

    /// <inheritdoc/>
    void IEchoListener.OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data)
    {
        ushort sequence = icmp.SequenceNumber;
        if (sequence == 0 || sequence > sent || done[sequence] || header.Source != Destination)
        {
            return; // a duplicate, or a reply to someone else's request
        }

        SimDuration rtt = source.Simulation.Now - sentAt[sequence];
        int bytes = IcmpHeader.Length + data.Length;
        Finish(new PingResult(sequence, PingStatus.Reply, header.Source, bytes, header.TimeToLive, rtt,
            string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes from {header.Source}: icmp_seq={sequence} ttl={header.TimeToLive} time={rtt}")));
    }

    /// <inheritdoc/>
    void IEchoListener.OnEchoError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence)
    {
        if (sequence == 0 || sequence > sent || done[sequence])
        {
            return;
        }

        SimDuration rtt = source.Simulation.Now - sentAt[sequence];
        (PingStatus status, string what) = Describe(icmp);
        Finish(new PingResult(sequence, status, reporter, 0, 0, rtt, string.Create(CultureInfo.InvariantCulture, $"From {reporter} icmp_seq={sequence} {what}")));
    }

    /// <summary>What ping prints for an ICMP error.</summary>
    internal static (PingStatus Status, string Text) Describe(in IcmpHeader icmp) => icmp.Type switch
    {
        IcmpType.TimeExceeded => (PingStatus.TimeExceeded, icmp.Code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded"),
        IcmpType.DestinationUnreachable => (PingStatus.Unreachable, (UnreachableCode)icmp.Code switch
        {
            UnreachableCode.Network => "Destination Net Unreachable",
            UnreachableCode.Host => "Destination Host Unreachable",
            UnreachableCode.Protocol => "Destination Protocol Unreachable",
            UnreachableCode.Port => "Destination Port Unreachable",
            UnreachableCode.FragmentationNeeded => string.Create(CultureInfo.InvariantCulture, $"Frag needed and DF set (mtu = {icmp.NextHopMtu})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"Destination Unreachable, code {icmp.Code}"),
        }),
        _ => (PingStatus.Unreachable, string.Create(CultureInfo.InvariantCulture, $"ICMP type {(int)icmp.Type} code {icmp.Code}")),
    };

    private void SendRequest(ushort sequence)
    {
        sent = sequence;
        sentAt[sequence] = source.Simulation.Now;
        Span<byte> message = PayloadSize <= 1024 ? stackalloc byte[IcmpHeader.Length + PayloadSize] : new byte[IcmpHeader.Length + PayloadSize];
        for (int i = IcmpHeader.Length; i < message.Length; i++)
        {
            message[i] = unchecked((byte)i); // a recognizable pattern, as ping's
        }

        new IcmpHeader(IcmpType.EchoRequest, 0, identifier, sequence).Emit(message);
        SendResult result = source.Send(Destination, IpProtocol.Icmp, message, TimeToLive, DontFragment);
        switch (result)
        {
            case SendResult.Sent:
                timeouts[sequence] = source.Simulation.Schedule(Timeout, this, TimeoutEvent, sequence);
                break;
            case SendResult.NoRoute:
                Finish(new PingResult(sequence, PingStatus.NoRoute, source.Interfaces.Count > 0 ? source.Interfaces[0].Address : Ipv4Address.Any, 0, 0, SimDuration.Zero,
                    $"ping: connect: Network is unreachable ({source.ExplainNoRoute(Destination)})"));
                break;
            default:
                Finish(new PingResult(sequence, PingStatus.MessageTooLong, Ipv4Address.Any, 0, 0, SimDuration.Zero,
                    string.Create(CultureInfo.InvariantCulture, $"ping: sendmsg: Message too long ({IcmpHeader.Length + PayloadSize + Ipv4Header.MinLength} bytes with DF set)")));
                break;
        }
    }

    private void Finish(PingResult result)
    {
        done[result.Sequence] = true;
        source.Simulation.Cancel(timeouts[result.Sequence]); // nothing left to wait for (a no-op for the timeout itself)
        results.Add(result);
        ResultReceived?.Invoke(result);
        if (IsComplete)
        {
            source.RemoveEchoListener(identifier);
            completion.TrySetResult(Summary);
        }
    }
}
