using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>What one line of a <see cref="Ping"/>'s output reports.</summary>
public enum PingStatus
{
    /// <summary>An echo reply came back.</summary>
    Reply,

    /// <summary>
    /// No reply yet to the previous request when the next one went out ("no answer yet for
    /// icmp_seq=N"). Reported only with <see cref="Ping.ReportOutstanding"/> (ping -O); a reply
    /// or error may still come later in the run.
    /// </summary>
    Timeout,

    /// <summary>A router or the sender reported the destination unreachable (the code says why).</summary>
    Unreachable,

    /// <summary>The TTL ran out on the way, or reassembly timed out (a router or the destination sent time exceeded).</summary>
    TimeExceeded,

    /// <summary>The request could not be sent: the sender has no route (see <see cref="PingResult.Message"/>).</summary>
    NoRoute,

    /// <summary>The request could not be sent: it is larger than the MTU and DF is set.</summary>
    MessageTooLong,

    /// <summary>A second reply to a request that already had one ("(DUP!)").</summary>
    Duplicate,
}

/// <summary>One line of ping's output, as iputils ping prints it.</summary>
/// <param name="Sequence">The request's sequence number (from 1, as ping prints it as icmp_seq).</param>
/// <param name="Status">What happened.</param>
/// <param name="From">Who answered: the destination, or the router that reported an error.</param>
/// <param name="Bytes">The ICMP bytes of the reply.</param>
/// <param name="TimeToLive">The TTL of the reply as it arrived.</param>
/// <param name="RoundTripTime">From sending the request to the reply or error, in simulated time.</param>
/// <param name="Message">The line ping prints for it.</param>
/// <param name="Error">The ICMP error that came back (type, code, next-hop MTU), for <see cref="PingStatus.Unreachable"/> and <see cref="PingStatus.TimeExceeded"/>.</param>
public readonly record struct PingResult(ushort Sequence, PingStatus Status, Ipv4Address From, int Bytes, byte TimeToLive, SimDuration RoundTripTime, string Message, IcmpHeader? Error = null)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>The statistics ping prints at the end, in iputils ping's words.</summary>
/// <param name="Destination">Who was pinged.</param>
/// <param name="Sent">Requests transmitted.</param>
/// <param name="Received">Requests answered by an echo reply (duplicates not counted).</param>
/// <param name="Errors">ICMP errors received about the requests, and requests that could not be sent.</param>
/// <param name="Minimum">The shortest round trip (zero without replies).</param>
/// <param name="Average">The mean round trip (zero without replies).</param>
/// <param name="Maximum">The longest round trip (zero without replies).</param>
/// <param name="Duplicates">Replies that came again for a request already answered.</param>
/// <param name="StandardDeviation">ping's "mdev": the standard deviation of the round trips (zero without replies).</param>
/// <param name="Elapsed">ping's "time": from the first request to the last one sent.</param>
/// <param name="Pipe">ping's "pipe": the most requests outstanding when one was answered (printed when above 1).</param>
public readonly record struct PingSummary(
    Ipv4Address Destination,
    int Sent,
    int Received,
    int Errors,
    SimDuration Minimum,
    SimDuration Average,
    SimDuration Maximum,
    int Duplicates = 0,
    SimDuration StandardDeviation = default,
    SimDuration Elapsed = default,
    int Pipe = 0)
{
    /// <summary>The share of requests without a reply, from 0 to 100.</summary>
    public double LossPercent => Sent == 0 ? 100 : 100.0 * (Sent - Received) / Sent;

    /// <summary>
    /// The statistics as iputils ping prints them, without the empty line ping prints before:
    /// "--- 10.0.0.2 ping statistics ---", "5 packets transmitted, 0 received, +5 errors, 100%
    /// packet loss, time 4000ms", then "rtt min/avg/max/mdev = 0.017/0.019/0.027/0.004 ms"
    /// when replies came, and "pipe N" when more than one request was outstanding.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"--- {Destination} ping statistics ---").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{Sent} packets transmitted, {Received} received");
        if (Duplicates > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", +{Duplicates} duplicates");
        }

        if (Errors > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", +{Errors} errors");
        }

        if (Sent > 0)
        {
            // iputils prints the loss with %g of a float, and the time rounded to the millisecond.
            float loss = (float)(100.0 * (Sent - Received) / Sent);
            long milliseconds = ((Elapsed.Picoseconds / 1000) + 500_000) / 1_000_000;
            text.Append(CultureInfo.InvariantCulture, $", {loss.ToString("G6", CultureInfo.InvariantCulture)}% packet loss, time {milliseconds}ms");
        }

        string separator = Environment.NewLine;
        if (Received > 0)
        {
            text.Append(separator).Append(CultureInfo.InvariantCulture,
                $"rtt min/avg/max/mdev = {PingText.Milliseconds(Minimum)}/{PingText.Milliseconds(Average)}/{PingText.Milliseconds(Maximum)}/{PingText.Milliseconds(StandardDeviation)} ms");
            separator = ", ";
        }

        if (Pipe > 1)
        {
            text.Append(separator).Append(CultureInfo.InvariantCulture, $"pipe {Pipe}");
        }

        return text.ToString();
    }
}

/// <summary>
/// ping (RFC 792 echo), as iputils ping behaves: sends <see cref="Count"/> echo requests from a
/// node, one every <see cref="Interval"/>, and reports every reply (sequence, TTL, round-trip
/// time in simulated time) and every ICMP error about a request whenever it arrives during the
/// run, then the statistics. The run ends when each request has had a reply or an error, or,
/// after the last request, when the wait described at <see cref="Timeout"/> is over. Start it,
/// run the simulation, then read <see cref="Results"/> and <see cref="Summary"/>.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "The socket lives from Start to the end, which closes it; the user waits for the end, not for a Dispose.")]
public sealed class Ping : IEventTarget, IIcmpReceiver
{
    private const int SendEvent = 0;
    private const int EndEvent = 1;

    private readonly IpNode source;
    private readonly List<PingResult> results = [];
    private readonly TaskCompletionSource<PingSummary> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SimTime[] sentAt = [];
    private bool[] replied = [];
    private EventHandle end;
    private SimTime startedAt;
    private SimTime lastSentAt;
    private IcmpSocket? socket; // opened at Start, closed at the end
    private int transmitted;
    private int failed;
    private int received;
    private int duplicates;
    private int errors;
    private int pipe;
    private long minimumRtt = long.MaxValue;
    private long maximumRtt;
    private Int128 rttSum;
    private Int128 rttSquares;
    private bool ended;

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

    /// <summary>
    /// How long ping waits after the last request when no reply has come by then (ping -W;
    /// default 10 s, as iputils). When replies have come it waits twice the longest round
    /// trip, and at least one <see cref="Interval"/>. There is no deadline per request: a reply
    /// or error that arrives before the run ends is reported however late it is.
    /// </summary>
    public SimDuration Timeout { get; init; } = SimDuration.FromSeconds(10);

    /// <summary>The TTL of the requests (default 64).</summary>
    public byte TimeToLive { get; init; } = IpNode.DefaultTimeToLive;

    /// <summary>Sets DF on the requests (ping -M do), to find the path MTU.</summary>
    public bool DontFragment { get; init; }

    /// <summary>
    /// Reports the previous request as <see cref="PingStatus.Timeout"/> ("no answer yet for
    /// icmp_seq=N") when the next one goes out without a reply to it (ping -O; off by default,
    /// as in ping, which then says nothing about a request that got no answer).
    /// </summary>
    public bool ReportOutstanding { get; init; }

    /// <summary>Raised with each result as it happens (to print it live).</summary>
    public event EventHandler<PingResult>? ResultReceived;

    /// <summary>The lines ping printed so far (replies, errors, and requests that could not be sent), in the order they happened.</summary>
    public IReadOnlyList<PingResult> Results => results;

    /// <summary>True when the run is over: every request has had a reply or an error, or the wait after the last request has passed.</summary>
    public bool IsComplete => ended;

    /// <summary>The statistics so far.</summary>
    public PingSummary Summary
    {
        get
        {
            int samples = received + duplicates; // as iputils, duplicates count in the round-trip times
            SimDuration minimum = SimDuration.Zero, average = SimDuration.Zero, maximum = SimDuration.Zero, deviation = SimDuration.Zero;
            if (samples > 0)
            {
                minimum = SimDuration.FromPicoseconds(minimumRtt);
                maximum = SimDuration.FromPicoseconds(maximumRtt);
                average = SimDuration.FromPicoseconds((long)(rttSum / samples));
                Int128 variance = (rttSquares - (rttSum * rttSum / samples)) / samples;
                deviation = SimDuration.FromPicoseconds((long)Math.Sqrt((double)variance));
            }

            return new PingSummary(Destination, transmitted - failed, received, errors + failed, minimum, average, maximum,
                duplicates, deviation, lastSentAt - startedAt, pipe);
        }
    }

    /// <summary>Completes, in simulated time, with the statistics when the run is over.</summary>
    public Task<PingSummary> Completion => completion.Task;

    /// <summary>Starts the ping and returns <see cref="Completion"/>: <c>PingSummary summary = await ping.RunAsync();</c> in application code.</summary>
    public Task<PingSummary> RunAsync()
    {
        Start();
        return Completion;
    }

    /// <summary>The line ping prints first: "PING 192.168.1.2 (192.168.1.2) 56(84) bytes of data."</summary>
    public string Banner => string.Create(CultureInfo.InvariantCulture, $"PING {Destination} ({Destination}) {PayloadSize}({PayloadSize + IcmpHeader.Length + Ipv4Header.MinLength}) bytes of data.");

    /// <summary>Sends the first request now and schedules the others.</summary>
    /// <exception cref="InvalidOperationException">The ping was already started.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (count below 1, payload above 65,507 bytes).</exception>
    public void Start()
    {
        if (socket is not null)
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
        socket = new IcmpSocket(source, this);
        sentAt = new SimTime[Count + 1];
        replied = new bool[Count + 1];
        startedAt = source.Simulation.Now;
        lastSentAt = startedAt;
        for (int i = 0; i < Count; i++)
        {
            source.Simulation.Schedule(Interval * i, this, SendEvent, i + 1);
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (ended)
        {
            return;
        }

        if (kind == SendEvent)
        {
            SendRequest(checked((ushort)argument));
        }
        else
        {
            End();
        }
    }

    /// <inheritdoc/>
    void IIcmpReceiver.OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data)
    {
        ushort sequence = icmp.SequenceNumber;
        if (ended || sequence == 0 || sequence > transmitted || header.Source != Destination)
        {
            return; // a reply to someone else's request
        }

        long rtt = (source.Simulation.Now - sentAt[sequence]).Picoseconds;
        minimumRtt = Math.Min(minimumRtt, rtt);
        maximumRtt = Math.Max(maximumRtt, rtt);
        rttSum += rtt;
        rttSquares += (Int128)rtt * rtt;
        Acknowledge(sequence);
        bool duplicate = replied[sequence];
        if (duplicate)
        {
            duplicates++;
        }
        else
        {
            replied[sequence] = true;
            received++;
        }

        int bytes = IcmpHeader.Length + data.Length;
        SimDuration time = SimDuration.FromPicoseconds(rtt);
        Report(new PingResult(sequence, duplicate ? PingStatus.Duplicate : PingStatus.Reply, header.Source, bytes, header.TimeToLive, time,
            string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes from {header.Source}: icmp_seq={sequence} ttl={header.TimeToLive} time={PingText.ReplyTime(time)} ms{(duplicate ? " (DUP!)" : "")}")));
        EndWhenAllAnswered();
    }

    /// <inheritdoc/>
    void IIcmpReceiver.OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence)
    {
        if (ended || sequence == 0 || sequence > transmitted || quoted.Destination != Destination)
        {
            return;
        }

        errors++;
        Acknowledge(sequence);
        (PingStatus status, string what) = Describe(icmp);
        Report(new PingResult(sequence, status, reporter, 0, 0, source.Simulation.Now - sentAt[sequence],
            string.Create(CultureInfo.InvariantCulture, $"From {reporter} icmp_seq={sequence} {what}"), icmp));
        EndWhenAllAnswered();
    }

    /// <summary>What iputils ping prints for an ICMP message (its pr_icmph), and the status it means here.</summary>
    internal static (PingStatus Status, string Text) Describe(in IcmpHeader icmp) => icmp.Type switch
    {
        IcmpType.DestinationUnreachable => (PingStatus.Unreachable, icmp.Code switch
        {
            0 => "Destination Net Unreachable",
            1 => "Destination Host Unreachable",
            2 => "Destination Protocol Unreachable",
            3 => "Destination Port Unreachable",
            4 => string.Create(CultureInfo.InvariantCulture, $"Frag needed and DF set (mtu = {icmp.NextHopMtu})"),
            5 => "Source Route Failed",
            6 => "Destination Net Unknown",
            7 => "Destination Host Unknown",
            8 => "Source Host Isolated",
            9 => "Destination Net Prohibited",
            10 => "Destination Host Prohibited",
            11 => "Destination Net Unreachable for Type of Service",
            12 => "Destination Host Unreachable for Type of Service",
            13 => "Packet filtered",
            14 => "Precedence Violation",
            15 => "Precedence Cutoff",
            _ => string.Create(CultureInfo.InvariantCulture, $"Dest Unreachable, Bad Code: {icmp.Code}"),
        }),
        IcmpType.TimeExceeded => (PingStatus.TimeExceeded, icmp.Code switch
        {
            0 => "Time to live exceeded",
            1 => "Frag reassembly time exceeded",
            _ => string.Create(CultureInfo.InvariantCulture, $"Time exceeded, Bad Code: {icmp.Code}"),
        }),

        // The stack hands ping only the two errors above; the rest are worded for completeness.
        (IcmpType)4 => (PingStatus.Unreachable, "Source Quench"),
        (IcmpType)5 => (PingStatus.Unreachable, DescribeRedirect(icmp)),
        (IcmpType)12 => (PingStatus.Unreachable, string.Create(CultureInfo.InvariantCulture, $"Parameter problem: pointer = {icmp.Identifier >> 8}")),
        _ => (PingStatus.Unreachable, string.Create(CultureInfo.InvariantCulture, $"Bad ICMP type: {(int)icmp.Type}")),
    };

    /// <summary>"Redirect Host(New nexthop: 10.0.0.254)": pr_icmph's wording, without a space.</summary>
    private static string DescribeRedirect(in IcmpHeader icmp)
    {
        string kind = icmp.Code switch
        {
            0 => "Redirect Network",
            1 => "Redirect Host",
            2 => "Redirect Type of Service and Network",
            3 => "Redirect Type of Service and Host",
            _ => string.Create(CultureInfo.InvariantCulture, $"Redirect, Bad Code: {icmp.Code}"),
        };
        var gateway = Ipv4Address.FromUInt32(((uint)icmp.Identifier << 16) | icmp.SequenceNumber); // RFC 792: the gateway address
        return string.Create(CultureInfo.InvariantCulture, $"{kind}(New nexthop: {gateway})");
    }

    private void SendRequest(ushort sequence)
    {
        if (ReportOutstanding && sequence > 1 && !replied[sequence - 1])
        {
            ushort previous = (ushort)(sequence - 1);
            Report(new PingResult(previous, PingStatus.Timeout, Destination, 0, 0, source.Simulation.Now - sentAt[previous],
                string.Create(CultureInfo.InvariantCulture, $"no answer yet for icmp_seq={previous}")));
        }

        transmitted = sequence;
        sentAt[sequence] = source.Simulation.Now;
        lastSentAt = sentAt[sequence];
        Span<byte> data = PayloadSize <= 1024 ? stackalloc byte[PayloadSize] : new byte[PayloadSize];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = unchecked((byte)(i + IcmpHeader.Length)); // a recognizable pattern, as ping's
        }

        SendResult result = socket!.SendEchoRequest(Destination, sequence, data, TimeToLive, DontFragment);
        if (result == SendResult.NoRoute)
        {
            failed++;
            Report(new PingResult(sequence, PingStatus.NoRoute, source.Interfaces.Count > 0 ? source.Interfaces[0].Address : Ipv4Address.Any, 0, 0, SimDuration.Zero,
                $"ping: connect: Network is unreachable ({source.ExplainNoRoute(Destination)})"));
        }
        else if (result != SendResult.Sent)
        {
            failed++;
            Report(new PingResult(sequence, PingStatus.MessageTooLong, Ipv4Address.Any, 0, 0, SimDuration.Zero,
                string.Create(CultureInfo.InvariantCulture, $"ping: sendmsg: Message too long ({IcmpHeader.Length + PayloadSize + Ipv4Header.MinLength} bytes with DF set)")));
        }

        if (!EndWhenAllAnswered() && sequence == Count)
        {
            // iputils' wait after the last request: twice the longest round trip (at least one
            // interval) once replies have come, else the -W timeout.
            SimDuration wait = received > 0
                ? Max(SimDuration.FromPicoseconds(maximumRtt) * 2, Interval)
                : Timeout;
            end = source.Simulation.Schedule(wait, this, EndEvent);
        }
    }

    private static SimDuration Max(SimDuration a, SimDuration b) => a > b ? a : b;

    /// <summary>Notes how many requests were outstanding when <paramref name="sequence"/> was answered (ping's "pipe").</summary>
    private void Acknowledge(ushort sequence) => pipe = Math.Max(pipe, transmitted - sequence + 1);

    /// <summary>Ends the run once every request has had its answer (iputils: received + errors reach the count).</summary>
    private bool EndWhenAllAnswered()
    {
        if (received + errors + failed >= Count)
        {
            End();
            return true;
        }

        return false;
    }

    private void Report(PingResult result)
    {
        results.Add(result);
        ResultReceived?.Invoke(this, result);
    }

    private void End()
    {
        if (ended)
        {
            return;
        }

        ended = true;
        source.Simulation.Cancel(end);
        socket?.Dispose();
        completion.TrySetResult(Summary);
    }
}

/// <summary>Times as iputils ping writes them: milliseconds from whole microseconds.</summary>
internal static class PingText
{
    private const long PicosecondsPerMicrosecond = 1_000_000;

    /// <summary>"0.123", "1.23", "12.3" or "123": the precision ping gives a reply's time.</summary>
    public static string ReplyTime(SimDuration rtt)
    {
        long us = rtt.Picoseconds / PicosecondsPerMicrosecond;
        return us switch
        {
            >= 100_000 - 50 => string.Create(CultureInfo.InvariantCulture, $"{(us + 500) / 1000}"),
            >= 10_000 - 5 => string.Create(CultureInfo.InvariantCulture, $"{(us + 50) / 1000}.{(us + 50) % 1000 / 100}"),
            >= 1000 => string.Create(CultureInfo.InvariantCulture, $"{(us + 5) / 1000}.{(us + 5) % 1000 / 10:00}"),
            _ => Milliseconds(rtt),
        };
    }

    /// <summary>"0.123": milliseconds with three decimals, as in ping's statistics.</summary>
    public static string Milliseconds(SimDuration time)
    {
        long us = time.Picoseconds / PicosecondsPerMicrosecond;
        return string.Create(CultureInfo.InvariantCulture, $"{us / 1000}.{us % 1000:000}");
    }
}
