using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// Tells what happened in a run, one sentence per trace event, saying what the device did and
/// why, in the words of a networking course: "sw flooded the frame out of ports 1-3:
/// 02:00:00:00:00:03 is not in its MAC table yet". It writes each sentence, after the
/// simulated time, to a <see cref="TextWriter"/> or to logging (category "NetSim.Narrator",
/// level Information, with the time, device, layer, kind and sentence as structured values).
/// The <c>Explain</c> methods give one event's sentence to any other code.
/// </summary>
public sealed class TraceNarrator : ITraceListener, IDisposable
{
    /// <summary>The logging category the narrator writes under.</summary>
    public const string Category = "NetSim.Narrator";

    private readonly TextWriter? writer;
    private readonly ILogger? logger;
    private readonly TraceLayers layers;
    private readonly HashSet<string>? devices;
    private readonly IDisposable? subscription;

    /// <summary>Starts telling the events of <paramref name="tracer"/> (a network's <c>Tracer</c>) to <paramref name="writer"/>, one line each: the time, then the sentence.</summary>
    public TraceNarrator(Tracer tracer, TextWriter writer, TraceNarratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(writer);
        this.writer = writer;
        (layers, devices) = Filter(options);
        subscription = tracer.Subscribe(this);
    }

    /// <summary>
    /// Starts telling the events of <paramref name="tracer"/> through <paramref name="loggerFactory"/>,
    /// under <see cref="Category"/> at Information. When that level is off, it does not subscribe,
    /// so the run pays nothing.
    /// </summary>
    public TraceNarrator(Tracer tracer, ILoggerFactory loggerFactory, TraceNarratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        logger = loggerFactory.CreateLogger(Category);
        (layers, devices) = Filter(options);
        if (logger.IsEnabled(LogLevel.Information))
        {
            subscription = tracer.Subscribe(this);
        }
    }

    /// <summary>True while the narrator listens (always with a writer; with logging, when its category logs at Information).</summary>
    public bool IsListening => subscription is not null;

    /// <summary>Stops telling.</summary>
    public void Dispose() => subscription?.Dispose();

    /// <summary>The sentence that tells <paramref name="traceEvent"/> (any of the six event types), without its time.</summary>
    /// <exception cref="ArgumentException">An event type the library does not raise.</exception>
    public static string Explain(ITraceEvent traceEvent) => traceEvent switch
    {
        FrameEvent e => Explain(e),
        ArpEvent e => Explain(e),
        IpEvent e => Explain(e),
        UdpEvent e => Explain(e),
        TcpEvent e => Explain(e),
        ApplicationEvent e => Explain(e),
        null => throw new ArgumentNullException(nameof(traceEvent)),
        _ => throw new ArgumentException($"Not a NetSim trace event: {traceEvent.GetType().Name}.", nameof(traceEvent)),
    };

    /// <summary>The sentence that tells a layer-2 event, without its time.</summary>
    public static string Explain(in FrameEvent e)
    {
        string d = e.Device;
        MacAddress to = e.Destination;
        return e.Kind switch
        {
            FrameEventKind.Sent => S($"{d} sent a {e.Length}-byte frame to {to}: {(to.IsBroadcast ? "the broadcast address, so every station on the LAN gets it" : to.IsMulticast ? "a multicast group" : "the MAC address of the next hop")}"),
            FrameEventKind.Received => S($"{d} accepted the frame from {e.Source}: {(to.IsBroadcast ? S($"it is a broadcast ({to}), which every station takes in") : to.IsMulticast ? S($"it is for the multicast group {to}") : S($"it is addressed to {to}, which it takes in (its own MAC, or any MAC in promiscuous mode)"))}"),
            FrameEventKind.Dropped => S($"{d}{OnPort(d, e.Port)} dropped the frame from {e.Source} to {to}: {Why(e.Reason, e.Port, to)}"),
            FrameEventKind.Learned => S($"{d} learned that {e.Source} is on port {e.Port}: a frame from it came in there"),
            FrameEventKind.Flooded => S($"{d} flooded the frame out of {Ports(e.OutPorts, e.Port)}: {WhyFlood(to)}"),
            FrameEventKind.Forwarded => S($"{d} forwarded the frame out of port {e.Port} only: its MAC table says {to} is there"),
            FrameEventKind.Filtered => IsReserved(to)
                ? S($"{d} filtered the frame from port {e.Port}: {to} is a reserved 802.1D address that a bridge never relays")
                : S($"{d} filtered the frame from port {e.Port}: its MAC table says {to} is on that same port, so the frame is already there"),
            FrameEventKind.AgedOut => S($"{d} forgot {e.Source}: its MAC table entry was too old (aged out), so frames for it are flooded until it is heard again"),
            FrameEventKind.Repeated => S($"{d} repeated the frame from port {e.Port} out of {Ports(e.OutPorts, e.Port)}: a hub copies every bit to every other port, whatever the address"),
            FrameEventKind.Collided => S($"{d} saw its frame collide on the shared medium: another station transmitted at the same time"),
            FrameEventKind.BackedOff => S($"{d} waits a random backoff before sending again: CSMA/CD after a collision"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <summary>The sentence that tells an ARP event, without its time.</summary>
    public static string Explain(in ArpEvent e)
    {
        string d = e.Device;
        return e.Kind switch
        {
            ArpEventKind.RequestSent => S($"{d} broadcast an ARP request{(e.Attempt > 1 ? S($" (attempt {e.Attempt})") : "")}: who has {e.Address}? It needs that MAC address to send to it"),
            ArpEventKind.ReplySent => S($"{d} answered the ARP request of {e.Address} ({e.Mac}): it asked for this interface's address"),
            ArpEventKind.Resolved => S($"{d} learned that {e.Address} is at {e.Mac}: the packets waiting for it can go"),
            ArpEventKind.Failed => S($"{d} gave up on {e.Address}: no ARP reply after the last request, so {Count(e.Waiting, "waiting packet")} dropped as host unreachable"),
            ArpEventKind.PacketQueued => S($"{d} holds a packet for {e.Address} ({e.Waiting} waiting): it does not know its MAC address yet"),
            ArpEventKind.Expired => S($"{d} forgot that {e.Address} is at {e.Mac}: the ARP entry's lifetime ended"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <summary>The sentence that tells an IPv4 event, without its time.</summary>
    public static string Explain(in IpEvent e)
    {
        string d = e.Device;
        string what = Packet(e);
        string via = Local(d, e.Interface);
        return e.Kind switch
        {
            IpEventKind.Sent => S($"{d} {WhySent(e, via)} ({what})"),
            IpEventKind.Received => S($"{d} took in the packet from {e.Source}: {(e.Destination.IsBroadcast || e.Destination.IsMulticast ? S($"{e.Destination} is for every host") : S($"{e.Destination} is its own address"))} ({what})"),
            IpEventKind.Forwarded => S($"{d} rewrote the MACs and kept the IPs: next hop {e.NextHop} via {via}, TTL {e.TimeToLive + 1} -> {e.TimeToLive}; {Matched(e)} ({what})"),
            IpEventKind.Dropped => S($"{d} dropped the packet from {e.Source} to {e.Destination}: {Why(e)} ({what})"),
            IpEventKind.Fragmented => S($"{d} split the packet for {e.Destination} into {e.Fragments} fragments: it is larger than the MTU of {via} ({what})"),
            IpEventKind.Reassembled => S($"{d} joined {e.Fragments} fragments from {e.Source} back into one datagram: the packet was split on the way ({what})"),
            IpEventKind.TimeToLiveExpired => S($"{d} dropped the packet from {e.Source} to {e.Destination}: its TTL ran out (TTL {e.TimeToLive} on arrival), so a router may not pass it on; a router answers with ICMP time exceeded unless the packet was itself an ICMP error ({what})"),
            IpEventKind.IcmpSent => S($"{d} sent {Icmp(e.IcmpType, e.IcmpCode)} to {e.Source} about its packet to {e.Destination}: {WhyIcmp(e.IcmpType, e.IcmpCode)}"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <summary>The sentence that tells a UDP event, without its time.</summary>
    public static string Explain(in UdpEvent e)
    {
        string d = e.Device;
        return e.Kind switch
        {
            UdpEventKind.Sent => S($"{d} sent a UDP datagram from port {e.SourcePort} to {e.Destination}:{e.DestinationPort}: UDP sends at once, with no connection and no acknowledgment ({e.Length} bytes of data)"),
            UdpEventKind.Delivered => S($"{d} delivered the UDP datagram from {e.Source}:{e.SourcePort} to its application: a socket is bound to port {e.DestinationPort} ({e.Length} bytes of data)"),
            UdpEventKind.PortUnreachable => S($"{d} refused the UDP datagram from {e.Source}:{e.SourcePort}: no socket is bound to port {e.DestinationPort}, so an ICMP port unreachable goes back"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <summary>The sentence that tells a TCP event, without its time.</summary>
    public static string Explain(in TcpEvent e)
    {
        string d = e.Device;
        string peer = S($"{e.RemoteAddress}:{e.RemotePort}");
        return e.Kind switch
        {
            TcpEventKind.StateChanged => S($"{d}'s connection with {peer} went from {Name(e.PreviousState)} to {Name(e.State)}: {WhyState(e.PreviousState, e.State)}"),
            TcpEventKind.SegmentSent => S($"{d} sent {Segment(e)} to {peer}: {WhySegment(e, sent: true)}"),
            TcpEventKind.SegmentReceived => S($"{d} received {Segment(e)} from {peer}: {WhySegment(e, sent: false)}"),
            TcpEventKind.Retransmitted => S($"{d} sent {Segment(e)} to {peer} again: {WhyRetransmit(e.Cause)}"),
            TcpEventKind.RetransmissionTimeoutFired => S($"{d}'s retransmission timer for {peer} fired: {WhyTimeout(e)}"),
            TcpEventKind.FastRetransmit => S($"{d} got a third duplicate ACK from {peer}: a segment is lost, so it retransmits it at once and enters fast recovery (cwnd {e.CongestionWindow}, {Threshold(e.SlowStartThreshold)})"),
            TcpEventKind.EcnWindowReduction => S($"{d} got an ACK from {peer} with ECE set: a router on the path marked a packet congestion experienced instead of dropping it, so it reduces its window as for a loss, without retransmitting anything, and sets CWR on its next new segment (cwnd {e.CongestionWindow}, {Threshold(e.SlowStartThreshold)})"),
            TcpEventKind.WindowChanged => S($"{d}'s congestion window toward {peer} is now {e.CongestionWindow} bytes ({Threshold(e.SlowStartThreshold)}): {(e.CongestionWindow < e.SlowStartThreshold ? "below ssthresh, so slow start: the window grows by a segment per ACK" : "at or above ssthresh: the window grows by about a segment per round trip (congestion avoidance), or is held during loss recovery")}"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <summary>The sentence that tells a DNS or HTTP event, without its time.</summary>
    public static string Explain(in ApplicationEvent e)
    {
        string d = e.Device;
        return e.Kind switch
        {
            ApplicationEventKind.DnsQuerySent => S($"{d} asked the DNS server {e.Peer} for the address of {e.Name} (query {e.QueryId}): it knows the name, not the address"),
            ApplicationEventKind.DnsQueryReceived => S($"{d} got a DNS query from {e.Peer}: what is the address of {e.Name}? (query {e.QueryId})"),
            ApplicationEventKind.DnsAnswerSent => S($"{d} answered {e.Peer}: {Answer(e)}"),
            ApplicationEventKind.DnsAnswerReceived => S($"{d} got its DNS answer from {e.Peer}: {Answer(e)}"),
            ApplicationEventKind.HttpRequestSent => S($"{d} sent {e.Method} {e.Name} to the web server {e.Peer}: it asks for the page over the TCP connection"),
            ApplicationEventKind.HttpRequestReceived => S($"{d} got a whole HTTP request from {e.Peer}: {e.Method} {e.Name}"),
            ApplicationEventKind.HttpResponseSent => S($"{d} answered {e.Peer}: {Status(e.StatusCode)} for {e.Name} ({e.ContentLength} bytes of body)"),
            ApplicationEventKind.HttpResponseReceived => S($"{d} got the whole response from {e.Peer}: {Status(e.StatusCode)} for {e.Name} ({e.ContentLength} bytes of body)"),
            _ => Fallback(e.Device, e.Kind),
        };
    }

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        if (Wants(TraceLayers.Frame, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Frame, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnArp(in ArpEvent traceEvent)
    {
        if (Wants(TraceLayers.Arp, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Arp, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent traceEvent)
    {
        if (Wants(TraceLayers.Ip, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Ip, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnUdp(in UdpEvent traceEvent)
    {
        if (Wants(TraceLayers.Udp, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Udp, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent traceEvent)
    {
        if (Wants(TraceLayers.Tcp, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Tcp, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnApplication(in ApplicationEvent traceEvent)
    {
        if (Wants(TraceLayers.Application, traceEvent.Device))
        {
            Tell(traceEvent.Time, traceEvent.Device, TraceLayers.Application, traceEvent.Kind.ToString(), Explain(traceEvent));
        }
    }

    /// <summary>The text an event kind gets when the narrator has no sentence for it (a kind newer than the narrator).</summary>
    internal static string Fallback<TKind>(string device, TKind kind)
        where TKind : struct, Enum => S($"{device}: {kind}");

    private static (TraceLayers Layers, HashSet<string>? Devices) Filter(TraceNarratorOptions? options) =>
        (options?.Layers ?? TraceLayers.All, options?.Devices is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : null);

    private bool Wants(TraceLayers layer, string device)
    {
        if ((layers & layer) == 0)
        {
            return false;
        }

        if (devices is null || devices.Contains(device))
        {
            return true;
        }

        int slash = device.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && devices.Contains(device[..slash]);
    }

    private void Tell(SimTime time, string device, TraceLayers layer, string kind, string sentence)
    {
        if (writer is not null)
        {
            writer.WriteLine(S($"{time,12} {sentence}"));
            return;
        }

        if (logger!.IsEnabled(LogLevel.Information))
        {
            logger.Log(LogLevel.Information, new EventId((int)layer, layer.ToString()), new Narration(time, device, layer, kind, sentence), null, static (n, _) => n.ToString());
        }
    }

    private static string S(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Count(int count, string noun) => S($"{count} {noun}{(count == 1 ? " is" : "s are")}");

    // A NIC ("pc1/eth0") has one port: its name says enough.
    private static string OnPort(string device, int port) => port >= 0 && !device.Contains('/', StringComparison.Ordinal) ? S($" port {port}") : "";

    private static bool IsReserved(MacAddress address) => (address.ToUInt64() & ~0xFUL) == 0x0180_C200_0000UL;

    private static string WhyFlood(MacAddress destination) =>
        destination.IsBroadcast ? S($"{destination} is the broadcast address, for every station")
        : destination.IsMulticast ? S($"{destination} is a multicast group, which a switch without IGMP snooping sends everywhere")
        : S($"{destination} is not in its MAC table yet");

    private static string Why(DropReason? reason, int port, MacAddress destination) => reason switch
    {
        DropReason.QueueFull => S($"the egress queue{(port >= 0 ? S($" of port {port}") : "")} is full: frames arrive faster than the link sends them"),
        DropReason.LinkDown => "the port has no cable, or its link is down",
        DropReason.LostOnCable => "the cable lost it (a loss impairment)",
        DropReason.BadFcs => "its frame check sequence does not match: bits were corrupted on the way",
        DropReason.NotForMe => S($"it is addressed to {destination}, another station, and promiscuous mode is off"),
        DropReason.Malformed => "it is malformed (too short, or a broken header)",
        DropReason.VlanTagged => "it carries an 802.1Q VLAN tag and this device is not VLAN-aware",
        DropReason.Filtered => "its destination sits on the port it came in on",
        DropReason.ExcessiveCollisions => "it collided 16 times on the shared medium, and CSMA/CD gives up after that",
        DropReason.QueueManagement => "the queue discipline chose to drop it though the queue had room (active queue management)",
        null => "no reason given",
        _ => reason.Value.ToString(),
    };

    private static string Ports(IReadOnlyList<int>? ports, int ingress)
    {
        if (ports is null)
        {
            return S($"every port but {ingress}");
        }

        if (ports.Count == 0)
        {
            return "no port (no other port has a link)";
        }

        var runs = new List<string>();
        for (int i = 0; i < ports.Count;)
        {
            int j = i;
            while (j + 1 < ports.Count && ports[j + 1] == ports[j] + 1)
            {
                j++;
            }

            runs.Add(j == i ? S($"{ports[i]}") : S($"{ports[i]}-{ports[j]}"));
            i = j + 1;
        }

        string list = runs.Count == 1 ? runs[0] : string.Join(", ", runs.Take(runs.Count - 1)) + " and " + runs[^1];
        return (ports.Count == 1 ? "port " : "ports ") + list;
    }

    private static string Local(string device, string? interfaceName) =>
        interfaceName is null ? "?"
        : interfaceName.StartsWith(device + "/", StringComparison.Ordinal) ? interfaceName[(device.Length + 1)..]
        : interfaceName;

    private static string Packet(in IpEvent e)
    {
        string what = e.Protocol switch
        {
            IpProtocol.Icmp => e.IcmpType switch
            {
                IcmpType.EchoRequest => "ICMP echo request",
                IcmpType.EchoReply => "ICMP echo reply",
                IcmpType.TimeExceeded => "ICMP time exceeded",
                IcmpType.DestinationUnreachable => "ICMP destination unreachable",
                { } type => S($"ICMP type {(byte)type}"),
                null => "ICMP",
            },
            IpProtocol.Udp or IpProtocol.Tcp when e.SourcePort != 0 || e.DestinationPort != 0 =>
                S($"{e.Protocol.ToString().ToUpperInvariant()} {e.SourcePort} > {e.DestinationPort}"),
            IpProtocol.Udp or IpProtocol.Tcp => e.Protocol.ToString().ToUpperInvariant(),
            _ => S($"protocol {(byte)e.Protocol}"),
        };
        return S($"{what}, {e.Length} bytes");
    }

    private static string WhySent(in IpEvent e, string via)
    {
        if (e.NextHop == e.Destination || e.NextHop == default)
        {
            string onLink = e.InterfaceSubnet is { } subnet && subnet.Contains(e.Destination)
                ? S($"it is in {subnet}, on the link of {via}")
                : e.Destination.IsBroadcast ? "a broadcast stays on the link" : S($"it is on the link of {via}");
            return S($"sent the packet straight to {e.Destination}: {onLink}");
        }

        if (e.Route is { PrefixLength: 0 })
        {
            string offLink = e.InterfaceSubnet is { } subnet ? S($"{e.Destination} is not in {subnet}") : S($"no narrower route covers {e.Destination}");
            return S($"sent to its default gateway {e.NextHop}: {offLink}");
        }

        return e.Route is { } route
            ? S($"sent the packet for {e.Destination} to the router {e.NextHop} via {via}: its route to {route} says so")
            : S($"sent the packet for {e.Destination} to {e.NextHop} via {via}");
    }

    private static string Matched(in IpEvent e) => e.Route switch
    {
        { PrefixLength: 0 } => S($"no narrower route covers {e.Destination}, so the default route sends it on"),
        { } route when e.NextHop == e.Destination => S($"{e.Destination} is in {route}, on the link of {Local(e.Device, e.Interface)}"),
        { } route => S($"the route to {route} covers {e.Destination}"),
        null => S($"a route covers {e.Destination}"),
    };

    private static string Why(in IpEvent e) => e.Reason switch
    {
        IpDropReason.Malformed => "it is malformed (a bad header, length or checksum)",
        IpDropReason.UnknownEtherType => "the frame carried neither IPv4 nor ARP",
        IpDropReason.NotForMe => S($"{e.Destination} is not its address, and a host does not forward"),
        IpDropReason.BadAddress => "its addresses are impossible (a broadcast, multicast or loopback where none may be, RFC 1122 3.2.1.3)",
        IpDropReason.TimeToLiveExceeded => "its TTL ran out",
        IpDropReason.NoRoute => S($"no route covers {e.Destination} and there is no default route"),
        IpDropReason.HostUnreachable => "no one answered ARP for the next hop (host unreachable)",
        IpDropReason.ArpQueueFull => "too many packets were already waiting for ARP to resolve the next hop, and this oldest one had to go",
        IpDropReason.FragmentationNeeded => "it is larger than the next link's MTU and its Don't Fragment bit is set",
        IpDropReason.UnknownProtocol => S($"nothing on {e.Device} speaks IP protocol {(byte)e.Protocol}"),
        IpDropReason.NoListener => S($"nothing listens on port {e.DestinationPort}"),
        IpDropReason.ReassemblyTimeout => "the other fragments of its datagram did not arrive in time",
        IpDropReason.ReassemblyOverflow => "too many datagrams were being reassembled at once, or it would exceed 65,535 bytes",
        IpDropReason.BadFragments => "its fragments break RFC 791's rules or contradict each other",
        IpDropReason.Unwanted => "nothing on the node has a use for it",
        IpDropReason.ArpCacheFull => "the ARP cache was full, and the entry it waited on was evicted for a newer one",
        null => "no reason given",
        { } other => other.ToString(),
    };

    // RFC 5681, 3.1: ssthresh starts "arbitrarily high", here int.MaxValue, until the first loss.
    private static string Threshold(long ssthresh) => ssthresh >= int.MaxValue ? "no threshold yet" : S($"ssthresh {ssthresh}");

    // During the handshake (SYN-SENT, SYN-RECEIVED) there is no congestion window yet: the SYN or SYN-ACK goes again.
    // The backed-off timeout is capped (TcpSettings.MaximumRetransmissionTimeout), which the event does not carry.
    private static string WhyTimeout(in TcpEvent e) => e.State switch
    {
        TcpState.SynSent => S($"its SYN was not answered in time, so it sends the SYN again and the timeout backs off to {e.RetransmissionTimeout} (doubling, up to the maximum)"),
        TcpState.SynReceived => S($"its SYN-ACK was not acknowledged in time, so it sends the SYN-ACK again and the timeout backs off to {e.RetransmissionTimeout} (doubling, up to the maximum)"),
        _ => S($"nothing was acknowledged in time, so the timeout backs off to {e.RetransmissionTimeout} (doubling, up to the maximum) and the congestion window falls to {e.CongestionWindow} bytes ({Threshold(e.SlowStartThreshold)}): slow start again"),
    };

    private static string Icmp(IcmpType? type, byte code) => type switch
    {
        IcmpType.TimeExceeded => "ICMP time exceeded",
        IcmpType.DestinationUnreachable => (UnreachableCode)code switch
        {
            UnreachableCode.Network => "ICMP network unreachable",
            UnreachableCode.Host => "ICMP host unreachable",
            UnreachableCode.Protocol => "ICMP protocol unreachable",
            UnreachableCode.Port => "ICMP port unreachable",
            UnreachableCode.FragmentationNeeded => "ICMP fragmentation needed",
            _ => S($"ICMP destination unreachable (code {code})"),
        },
        { } other => S($"ICMP {other} (code {code})"),
        null => "an ICMP error",
    };

    private static string WhyIcmp(IcmpType? type, byte code) => type switch
    {
        IcmpType.TimeExceeded => code switch
        {
            0 => "its TTL ran out here (this is how traceroute finds each router)",
            1 => "the fragments of the datagram did not all arrive in time to be reassembled",
            _ => S($"the packet took too long (time exceeded code {code})"),
        },
        IcmpType.DestinationUnreachable => (UnreachableCode)code switch
        {
            UnreachableCode.Network => "there is no route to that network",
            UnreachableCode.Host => "no one answered ARP for that host",
            UnreachableCode.Protocol => "nothing there speaks the packet's protocol",
            UnreachableCode.Port => "nothing listens on that port",
            UnreachableCode.FragmentationNeeded => "the packet is too big for the next link and must not be fragmented",
            _ => "the packet cannot be delivered",
        },
        _ => "the packet could not be handled",
    };

    private static string Name(TcpState state) => state switch
    {
        TcpState.Closed => "CLOSED",
        TcpState.Listen => "LISTEN",
        TcpState.SynSent => "SYN-SENT",
        TcpState.SynReceived => "SYN-RECEIVED",
        TcpState.Established => "ESTABLISHED",
        TcpState.FinWait1 => "FIN-WAIT-1",
        TcpState.FinWait2 => "FIN-WAIT-2",
        TcpState.CloseWait => "CLOSE-WAIT",
        TcpState.Closing => "CLOSING",
        TcpState.LastAck => "LAST-ACK",
        TcpState.TimeWait => "TIME-WAIT",
        _ => state.ToString(),
    };

    private static string WhyState(TcpState from, TcpState to) => (from, to) switch
    {
        (_, TcpState.Listen) => "it waits for connection requests",
        (_, TcpState.SynSent) => "it sent a SYN and waits for the SYN-ACK (step 1 of the three-way handshake)",
        (_, TcpState.SynReceived) => "a SYN came in and it answered with a SYN-ACK; it waits for the ACK (step 2 of the three-way handshake)",
        (_, TcpState.Established) => "the three-way handshake is complete, and data can flow both ways",
        (_, TcpState.FinWait1) => "its application closed, so it sent a FIN (the four-way close begins)",
        (_, TcpState.FinWait2) => "its FIN is acknowledged; it waits for the peer's FIN",
        (_, TcpState.CloseWait) => "the peer's FIN came in: the peer has no more to send, and this side closes when its application does",
        (_, TcpState.Closing) => "the FINs crossed (both sides closed at once); it waits for the ACK of its own",
        (_, TcpState.LastAck) => "its application closed after the peer's, so it sent its FIN and waits for the last ACK",
        (_, TcpState.TimeWait) => "the four-way close is complete on this side; it waits 2 MSL so that a lost last ACK can be sent again",
        (TcpState.TimeWait, TcpState.Closed) => "TIME-WAIT is over and the connection is gone",
        (TcpState.LastAck, TcpState.Closed) => "its FIN is acknowledged: the four-way close is complete",
        (TcpState.Listen, TcpState.Closed) => "the listener stopped",
        (TcpState.SynSent, TcpState.Closed) => "the connection was refused (a reset) or never answered",
        (_, TcpState.Closed) => "the connection ended at once (a reset, or aborted)",
        _ => S($"{from} to {to}"),
    };

    private static string Segment(in TcpEvent e)
    {
        var flags = new List<string>(6);
        foreach ((TcpFlags flag, string name) in (ReadOnlySpan<(TcpFlags, string)>)[(TcpFlags.Syn, "SYN"), (TcpFlags.Fin, "FIN"), (TcpFlags.Rst, "RST"), (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK"), (TcpFlags.Ece, "ECE"), (TcpFlags.Cwr, "CWR")])
        {
            if ((e.Flags & flag) != 0)
            {
                flags.Add(name);
            }
        }

        string ack = (e.Flags & TcpFlags.Ack) != 0 ? S($" ack {e.Acknowledgment}") : "";
        string data = e.Length > 0 ? S($" with {e.Length} bytes") : "";
        return S($"[{string.Join(", ", flags)}] seq {e.Sequence}{ack}{data}");
    }

    private static string WhySegment(in TcpEvent e, bool sent)
    {
        TcpFlags f = e.Flags;
        if ((f & TcpFlags.Rst) != 0)
        {
            return "a reset: the connection is refused or aborted";
        }

        if ((f & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack))
        {
            return sent ? "it accepts the connection (step 2 of the three-way handshake)" : "the peer accepts the connection (step 2 of the three-way handshake)";
        }

        if ((f & TcpFlags.Syn) != 0)
        {
            return sent ? "it asks to open a connection (step 1 of the three-way handshake)" : "the peer asks to open a connection (step 1 of the three-way handshake)";
        }

        if ((f & TcpFlags.Fin) != 0)
        {
            return sent ? "it has no more data to send (a FIN of the four-way close)" : "the peer has no more data to send (a FIN of the four-way close)";
        }

        if (e.Length > 0)
        {
            return S($"data, window {e.Window}");
        }

        return S($"an acknowledgment: every byte before {e.Acknowledgment} has arrived (window {e.Window})");
    }

    private static string WhyRetransmit(TcpRetransmitCause? cause) => cause switch
    {
        TcpRetransmitCause.Timeout => "the retransmission timer fired before it was acknowledged (RFC 6298)",
        TcpRetransmitCause.FastRetransmit => "three duplicate ACKs say it was lost (fast retransmit, RFC 5681)",
        TcpRetransmitCause.PartialAcknowledgment => "a partial ACK in fast recovery shows the next hole (NewReno, RFC 6582)",
        TcpRetransmitCause.Probe => "a probe of the peer's closed (zero) window (RFC 9293, 3.8.6.1)",
        TcpRetransmitCause.SackRecovery => "the SACK blocks show it lost, during SACK-based recovery (RFC 6675)",
        null => "a retransmission",
        { } other => other.ToString(),
    };

    private static string Answer(in ApplicationEvent e) => e.ResponseCode switch
    {
        DnsResponseCode.NoError when e.AnswerCount > 0 => S($"{e.Name} is {e.Address} ({e.AnswerCount} {(e.AnswerCount == 1 ? "record" : "records")}, query {e.QueryId})"),
        DnsResponseCode.NoError => S($"{e.Name} exists but has no IPv4 address (query {e.QueryId})"),
        DnsResponseCode.NameError => S($"{e.Name} does not exist (NXDOMAIN, query {e.QueryId})"),
        { } code => S($"no address for {e.Name}: {code} (query {e.QueryId})"),
        null => S($"an answer for {e.Name} (query {e.QueryId})"),
    };

    private static string Status(int code) => code switch
    {
        200 => "200 OK",
        301 => "301 Moved Permanently",
        304 => "304 Not Modified",
        400 => "400 Bad Request",
        404 => "404 Not Found",
        405 => "405 Method Not Allowed",
        500 => "500 Internal Server Error",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The structured values of one logged sentence.</summary>
    private sealed class Narration(SimTime time, string device, TraceLayers layer, string kind, string sentence) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 6;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("Time", time),
            1 => new("Device", device),
            2 => new("Layer", layer.ToString()),
            3 => new("Kind", kind),
            4 => new("Sentence", sentence),
            5 => new("{OriginalFormat}", "{Time} {Sentence}"),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => S($"{time} {sentence}");
    }
}
