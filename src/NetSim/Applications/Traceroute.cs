using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>One line of traceroute: the node that answered the probes with one TTL, and their round trips.</summary>
/// <param name="TimeToLive">The TTL of the probes: the hop's distance.</param>
/// <param name="Address">Who answered (a router's time exceeded, or the destination's reply); null when no probe was answered.</param>
/// <param name="RoundTripTimes">One entry per probe: its round trip, or null for a probe that timed out (printed "*").</param>
public sealed record TracerouteHop(int TimeToLive, Ipv4Address? Address, IReadOnlyList<SimDuration?> RoundTripTimes)
{
    /// <summary>The line traceroute prints: " 2  10.0.2.1  0.112 ms  0.108 ms  0.108 ms".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{TimeToLive,2}  {(Address is { } address ? address.ToString() : "*")}");
        foreach (SimDuration? rtt in RoundTripTimes)
        {
            text.Append("  ").Append(rtt is { } time ? time.ToString() : "*");
        }

        return text.ToString();
    }
}

/// <summary>
/// traceroute with ICMP echo probes (like <c>traceroute -I</c> and Windows' tracert): sends
/// probes with TTL 1, 2, 3, ... Each router where a probe's TTL runs out answers with ICMP
/// time exceeded, which names it; the destination answers with an echo reply, and the
/// trace stops there. Probes go one at a time, each waiting for its answer or timeout.
/// </summary>
public sealed class Traceroute : IEventTarget, IEchoListener
{
    private readonly IpNode source;
    private readonly List<TracerouteHop> hops = [];
    private readonly List<SimDuration?> currentTimes = [];
    private readonly TaskCompletionSource<IReadOnlyList<TracerouteHop>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Ipv4Address? currentAddress;
    private ushort identifier;
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

    /// <summary>How long to wait for each probe's answer (default 2 s).</summary>
    public SimDuration Timeout { get; init; } = SimDuration.FromSeconds(2);

    /// <summary>Data bytes per probe (default 32, as tracert).</summary>
    public int PayloadSize { get; init; } = 32;

    /// <summary>Called with each hop when its probes are done (to print it live).</summary>
    public Action<TracerouteHop>? HopCompleted { get; set; }

    /// <summary>The hops so far.</summary>
    public IReadOnlyList<TracerouteHop> Hops => hops;

    /// <summary>True when the destination answered.</summary>
    public bool ReachedDestination => reached && IsComplete;

    /// <summary>True when the trace is over: the destination answered, or <see cref="MaxHops"/> was tried, or no probe could be sent.</summary>
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

    /// <summary>The first line traceroute prints.</summary>
    public string Banner => string.Create(CultureInfo.InvariantCulture, $"traceroute to {Destination}, {MaxHops} hops max, {PayloadSize + IcmpHeader.Length + Ipv4Header.MinLength} byte packets");

    /// <summary>Sends the first probe.</summary>
    /// <exception cref="InvalidOperationException">The trace was already started.</exception>
    public void Start()
    {
        if (identifier != 0)
        {
            throw new InvalidOperationException($"This traceroute to {Destination} was already started.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHops, 1, nameof(MaxHops));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxHops, 255, nameof(MaxHops));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProbesPerHop, 1, nameof(ProbesPerHop));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProbesPerHop, 10, nameof(ProbesPerHop)); // as traceroute -q
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadSize, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PayloadSize, ushort.MaxValue - Ipv4Header.MinLength - IcmpHeader.Length, nameof(PayloadSize));
        identifier = source.AddEchoListener(this);
        ttl = 1;
        SendProbe();
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (argument == sequence && !IsComplete)
        {
            ProbeDone(null, null, reachedDestination: false, final: false);
        }
    }

    /// <inheritdoc/>
    void IEchoListener.OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data)
    {
        if (icmp.SequenceNumber == sequence && !IsComplete && header.Source == Destination)
        {
            ProbeDone(header.Source, source.Simulation.Now - sentAt, reachedDestination: true, final: true);
        }
    }

    /// <inheritdoc/>
    void IEchoListener.OnEchoError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort probe)
    {
        if (probe == sequence && !IsComplete)
        {
            // Time exceeded names a router on the way; anything else (unreachable) ends the trace
            // there, at the destination only when the destination itself says so.
            bool final = icmp.Type != IcmpType.TimeExceeded;
            ProbeDone(reporter, source.Simulation.Now - sentAt, reachedDestination: final && reporter == Destination, final);
        }
    }

    private void SendProbe()
    {
        sequence++; // at most 255 hops of 10 probes
        sentAt = source.Simulation.Now;
        Span<byte> message = PayloadSize <= 1024 ? stackalloc byte[IcmpHeader.Length + PayloadSize] : new byte[IcmpHeader.Length + PayloadSize];
        new IcmpHeader(IcmpType.EchoRequest, 0, identifier, sequence).Emit(message);
        SendResult result = source.Send(Destination, IpProtocol.Icmp, message, checked((byte)ttl));
        if (result != SendResult.Sent)
        {
            Failure = result == SendResult.NoRoute ? source.ExplainNoRoute(Destination) : "the probe is larger than the MTU";
            End();
            return;
        }

        timeout = source.Simulation.Schedule(Timeout, this, 0, sequence);
    }

    private void ProbeDone(Ipv4Address? from, SimDuration? rtt, bool reachedDestination, bool final)
    {
        source.Simulation.Cancel(timeout);
        currentAddress ??= from;
        currentTimes.Add(rtt);
        reached |= reachedDestination;
        stop |= final;
        if (currentTimes.Count == ProbesPerHop)
        {
            var hop = new TracerouteHop(ttl, currentAddress, [.. currentTimes]);
            hops.Add(hop);
            currentTimes.Clear();
            currentAddress = null;
            HopCompleted?.Invoke(hop);
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
        source.RemoveEchoListener(identifier);
        completion.TrySetResult(hops);
    }
}
