using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>
/// One probe of a traceroute hop: who answered it, after how long, and with which ICMP
/// message (time exceeded from a router, an echo reply from the destination, or an error).
/// </summary>
/// <param name="From">Who answered; null when nothing came back in time (printed "*").</param>
/// <param name="RoundTripTime">From sending the probe to its answer; null when nothing came back.</param>
/// <param name="Type">The ICMP type of the answer; null when nothing came back.</param>
/// <param name="Code">The ICMP code of the answer.</param>
/// <param name="NextHopMtu">The next-hop MTU of a "fragmentation needed" answer.</param>
public readonly record struct TracerouteProbe(Ipv4Address? From, SimDuration? RoundTripTime, IcmpType? Type = null, byte Code = 0, ushort NextHopMtu = 0)
{
    /// <summary>True when an answer came back.</summary>
    public bool IsAnswered => From is not null;

    /// <summary>
    /// True when the answer ends the trace: anything but "time to live exceeded in transit"
    /// (an echo reply, an unreachable, a reassembly timeout), as traceroute decides.
    /// </summary>
    public bool IsFinal => Type is { } type && !(type == IcmpType.TimeExceeded && Code == 0);

    /// <summary>
    /// What Linux traceroute prints after the time (its parse_icmp_res): "" for time exceeded
    /// and for an echo reply or port unreachable (the destination was reached); "!N", "!H",
    /// "!P", "!S", "!X", "!V", "!C" for network, host or protocol unreachable, source route
    /// failed, communication administratively prohibited, host precedence violation and
    /// precedence cutoff; "!F-1500" for fragmentation needed with the next-hop MTU; "!&lt;13&gt;"
    /// for another unreachable code and "!&lt;11-1&gt;" (type-code) for another message.
    /// </summary>
    public string Marker => Type switch
    {
        null or IcmpType.EchoReply => "",
        IcmpType.TimeExceeded when Code == 0 => "",
        IcmpType.DestinationUnreachable => Code switch
        {
            0 or 6 or 8 or 11 => "!N", // net, net unknown, source isolated, net for TOS
            1 or 7 or 12 => "!H", // host, host unknown, host for TOS
            9 or 10 or 13 => "!X", // net or host administratively prohibited, filtered (RFC 1812, 5.2.7.1)
            3 => "", // port unreachable: the destination was reached
            2 => "!P",
            4 => string.Create(CultureInfo.InvariantCulture, $"!F-{NextHopMtu}"),
            5 => "!S",
            14 => "!V",
            15 => "!C",
            _ => string.Create(CultureInfo.InvariantCulture, $"!<{Code}>"),
        },
        { } type => string.Create(CultureInfo.InvariantCulture, $"!<{(int)type}-{Code}>"),
    };
}

/// <summary>One line of traceroute: the probes sent with one TTL and what answered them.</summary>
/// <param name="TimeToLive">The TTL of the probes: the hop's distance.</param>
/// <param name="Probes">One entry per probe, in the order they were sent.</param>
public sealed record TracerouteHop(int TimeToLive, IReadOnlyList<TracerouteProbe> Probes)
{
    /// <summary>Who answered first (a router's time exceeded or error, or the destination's reply); null when no probe was answered.</summary>
    public Ipv4Address? Address => Probes.FirstOrDefault(p => p.IsAnswered).From;

    /// <summary>One entry per probe: its round trip, or null for a probe that timed out (printed "*").</summary>
    public IReadOnlyList<SimDuration?> RoundTripTimes => [.. Probes.Select(p => p.RoundTripTime)];

    /// <summary>
    /// The line Linux traceroute prints (with -n): " 2  10.0.2.1  0.112 ms  0.108 ms  0.108 ms",
    /// " 3  * * *", or " 4  10.0.3.1  0.214 ms !N  0.201 ms !N  0.199 ms !N". An address is
    /// printed before a probe's time when it differs from the previous answer in the line.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{TimeToLive,2} ");
        Ipv4Address? previous = null;
        foreach (TracerouteProbe probe in Probes)
        {
            if (probe.From is not { } from)
            {
                text.Append(" *");
                continue;
            }

            if (previous != from)
            {
                text.Append(' ').Append(from.ToString());
                previous = from;
            }

            if (probe.RoundTripTime is { } rtt)
            {
                long us = rtt.Picoseconds / 1_000_000; // traceroute's "%.3f ms" of a time in whole microseconds
                text.Append(CultureInfo.InvariantCulture, $"  {us / 1000}.{us % 1000:000} ms");
            }

            if (probe.Marker is { Length: > 0 } marker)
            {
                text.Append(' ').Append(marker);
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// traceroute with ICMP echo probes (like <c>traceroute -I</c> and Windows' tracert): sends
/// probes with TTL 1, 2, 3, ... Each router where a probe's TTL runs out answers with ICMP
/// time exceeded, which names it; the destination answers with an echo reply, and the
/// trace stops there. Any other answer (an unreachable, printed with its marker such as
/// "!N" or "!H") also ends the trace after the probes of its hop, as Linux traceroute does.
/// Probes go one at a time, each waiting for its answer or <see cref="Timeout"/>.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "The socket lives from Start to the end, which closes it; the user waits for the end, not for a Dispose.")]
public sealed class Traceroute : IEventTarget, IIcmpReceiver
{
    private readonly IpNode source;
    private readonly List<TracerouteHop> hops = [];
    private readonly List<TracerouteProbe> currentProbes = [];
    private readonly TaskCompletionSource<IReadOnlyList<TracerouteHop>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IcmpSocket? socket; // opened at Start, closed at the end
    private ushort sequence;
    private int ttl;
    private bool reached;
    private bool stop;
    private SimTime sentAt;
    private EventHandle timeout;

    /// <summary>Prepares a trace from <paramref name="source"/> to <paramref name="destination"/> (nothing is sent before <see cref="Start"/>).</summary>
    public Traceroute(IpNode source, Ipv4Address destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
        Destination = destination;
    }

    /// <summary>The destination.</summary>
    public Ipv4Address Destination { get; }

    /// <summary>The largest TTL tried (default 30).</summary>
    public int MaxHops { get; init; } = 30;

    /// <summary>Probes per hop (default 3).</summary>
    public int ProbesPerHop { get; init; } = 3;

    /// <summary>How long to wait for each probe's answer (default 5 s, as traceroute -w).</summary>
    public SimDuration Timeout { get; init; } = SimDuration.FromSeconds(5);

    /// <summary>Data bytes per probe (default 32, as tracert).</summary>
    public int PayloadSize { get; init; } = 32;

    /// <summary>Raised with each hop when its probes are done (to print it live).</summary>
    public event EventHandler<TracerouteHop>? HopCompleted;

    /// <summary>The hops so far.</summary>
    public IReadOnlyList<TracerouteHop> Hops => hops;

    /// <summary>True when the destination itself answered (an echo reply, or an error it sent).</summary>
    public bool ReachedDestination => reached && IsComplete;

    /// <summary>True when the trace is over: the destination answered, an error ended it, <see cref="MaxHops"/> was tried, or no probe could be sent.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Why no probe could be sent, when that happened.</summary>
    public string? Failure { get; private set; }

    /// <summary>Completes, in simulated time, with the hops when the trace is over.</summary>
    public Task<IReadOnlyList<TracerouteHop>> Completion => completion.Task;

    /// <summary>Starts the trace and returns <see cref="Completion"/>, for application code.</summary>
    public Task<IReadOnlyList<TracerouteHop>> RunAsync()
    {
        Start();
        return Completion;
    }

    /// <summary>The first line traceroute prints: "traceroute to 10.0.4.10 (10.0.4.10), 30 hops max, 60 byte packets".</summary>
    public string Banner => string.Create(CultureInfo.InvariantCulture, $"traceroute to {Destination} ({Destination}), {MaxHops} hops max, {PayloadSize + IcmpHeader.Length + Ipv4Header.MinLength} byte packets");

    /// <summary>Sends the first probe.</summary>
    /// <exception cref="InvalidOperationException">The trace was already started.</exception>
    public void Start()
    {
        if (socket is not null)
        {
            throw new InvalidOperationException($"This traceroute to {Destination} was already started.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHops, 1, nameof(MaxHops));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxHops, 255, nameof(MaxHops));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProbesPerHop, 1, nameof(ProbesPerHop));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProbesPerHop, 10, nameof(ProbesPerHop)); // as traceroute -q
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadSize, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PayloadSize, ushort.MaxValue - Ipv4Header.MinLength - IcmpHeader.Length, nameof(PayloadSize));
        socket = new IcmpSocket(source, this);
        ttl = 1;
        SendProbe();
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (argument == sequence && !IsComplete)
        {
            ProbeDone(default);
        }
    }

    /// <inheritdoc/>
    void IIcmpReceiver.OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data)
    {
        if (icmp.SequenceNumber == sequence && !IsComplete && header.Source == Destination)
        {
            ProbeDone(new TracerouteProbe(header.Source, source.Simulation.Now - sentAt, IcmpType.EchoReply));
        }
    }

    /// <inheritdoc/>
    void IIcmpReceiver.OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort probe)
    {
        if (probe == sequence && !IsComplete)
        {
            // Time exceeded names a router on the way; anything else (unreachable) ends the trace
            // after this hop, at the destination only when the destination itself says so.
            ProbeDone(new TracerouteProbe(reporter, source.Simulation.Now - sentAt, icmp.Type, icmp.Code, icmp.NextHopMtu));
        }
    }

    private void SendProbe()
    {
        sequence++; // at most 255 hops of 10 probes
        sentAt = source.Simulation.Now;
        Span<byte> data = PayloadSize <= 1024 ? stackalloc byte[PayloadSize] : new byte[PayloadSize];
        SendResult result = socket!.SendEchoRequest(Destination, sequence, data, checked((byte)ttl));
        if (result != SendResult.Sent)
        {
            Failure = result == SendResult.NoRoute ? source.ExplainNoRoute(Destination) : "the probe is larger than the MTU";
            End();
            return;
        }

        timeout = source.Simulation.Schedule(Timeout, this, 0, sequence);
    }

    private void ProbeDone(TracerouteProbe probe)
    {
        source.Simulation.Cancel(timeout);
        currentProbes.Add(probe);
        reached |= probe.IsFinal && probe.From == Destination;
        stop |= probe.IsFinal;
        if (currentProbes.Count == ProbesPerHop)
        {
            var hop = new TracerouteHop(ttl, [.. currentProbes]);
            hops.Add(hop);
            currentProbes.Clear();
            HopCompleted?.Invoke(this, hop);
            if (stop || ttl == MaxHops)
            {
                End();
                return;
            }

            ttl++;
        }

        SendProbe();
    }

    private void End()
    {
        IsComplete = true;
        socket?.Dispose();
        completion.TrySetResult(hops);
    }
}
