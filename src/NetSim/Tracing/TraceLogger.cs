using Microsoft.Extensions.Logging;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// Writes the trace events of a network to logging, at Debug level, one message per event
/// with its fields as structured values (source-generated <see cref="LoggerMessageAttribute"/>
/// methods). Each layer logs under a category of its own ("NetSim.Trace.Frame", ".Arp", ".Ip",
/// ".Udp", ".Tcp", ".Application"), so a logging configuration can pick layers; each event
/// checks its category's level first, and builds nothing when it is off.
/// </summary>
public sealed partial class TraceLogger : ITraceListener, IDisposable
{
    private readonly ILogger frames;
    private readonly ILogger arp;
    private readonly ILogger ip;
    private readonly ILogger udp;
    private readonly ILogger tcp;
    private readonly ILogger applications;
    private readonly IDisposable? subscription;

    /// <summary>
    /// Starts logging the events of <paramref name="tracer"/> (a network's <c>Tracer</c>)
    /// through the logger factory its simulation was made with. When no layer's category
    /// logs at Debug, it does not subscribe, so the run pays nothing.
    /// </summary>
    public TraceLogger(Tracer tracer)
        : this(tracer, tracer?.Simulation.LoggerFactory!)
    {
    }

    /// <summary>Starts logging the events of <paramref name="tracer"/> through <paramref name="loggerFactory"/>.</summary>
    public TraceLogger(Tracer tracer, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        frames = loggerFactory.CreateLogger("NetSim.Trace.Frame");
        arp = loggerFactory.CreateLogger("NetSim.Trace.Arp");
        ip = loggerFactory.CreateLogger("NetSim.Trace.Ip");
        udp = loggerFactory.CreateLogger("NetSim.Trace.Udp");
        tcp = loggerFactory.CreateLogger("NetSim.Trace.Tcp");
        applications = loggerFactory.CreateLogger("NetSim.Trace.Application");
        if (new[] { frames, arp, ip, udp, tcp, applications }.Any(logger => logger.IsEnabled(LogLevel.Debug)))
        {
            subscription = tracer.Subscribe(this);
        }
    }

    /// <summary>True when some layer's category logs at Debug, so the logger listens.</summary>
    public bool IsListening => subscription is not null;

    /// <summary>Stops logging.</summary>
    public void Dispose() => subscription?.Dispose();

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent e, ReadOnlySpan<byte> frame)
    {
        if (e.Reason is { } reason)
        {
            LogFrameDropped(frames, e.Time, e.Device, e.Port, e.Source, e.Destination, e.Length, reason);
        }
        else if (e.Port >= 0)
        {
            LogFrameAtPort(frames, e.Time, e.Device, e.Port, e.Kind, e.Source, e.Destination, e.Length);
        }
        else
        {
            LogFrame(frames, e.Time, e.Device, e.Kind, e.Source, e.Destination, e.Length);
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnArp(in ArpEvent traceEvent) =>
        LogArp(arp, traceEvent.Time, traceEvent.Device, traceEvent.Kind, traceEvent.Address, traceEvent.Mac, traceEvent.Attempt, traceEvent.Waiting);

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent e)
    {
        switch (e.Kind)
        {
            case IpEventKind.Sent or IpEventKind.Forwarded:
                LogIpRouted(ip, e.Time, e.Device, e.Kind, e.Source, e.Destination, e.Protocol, e.SourcePort, e.DestinationPort, e.Length, e.TimeToLive, e.Route, e.NextHop, e.Interface);
                break;
            case IpEventKind.Dropped or IpEventKind.TimeToLiveExpired:
                LogIpDropped(ip, e.Time, e.Device, e.Kind, e.Source, e.Destination, e.Protocol, e.SourcePort, e.DestinationPort, e.Length, e.TimeToLive, e.Reason, e.Interface);
                break;
            case IpEventKind.IcmpSent:
                LogIcmpSent(ip, e.Time, e.Device, e.IcmpType, e.IcmpCode, e.Source, e.Destination, e.Protocol);
                break;
            default:
                LogIp(ip, e.Time, e.Device, e.Kind, e.Source, e.Destination, e.Protocol, e.SourcePort, e.DestinationPort, e.Length, e.TimeToLive, e.Fragments, e.Interface);
                break;
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnUdp(in UdpEvent traceEvent) =>
        LogUdp(udp, traceEvent.Time, traceEvent.Device, traceEvent.Kind, traceEvent.Source, traceEvent.SourcePort, traceEvent.Destination, traceEvent.DestinationPort, traceEvent.Length);

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent e)
    {
        switch (e.Kind)
        {
            case TcpEventKind.StateChanged:
                LogTcpState(tcp, e.Time, e.Device, e.LocalAddress, e.LocalPort, e.RemoteAddress, e.RemotePort, e.PreviousState, e.State);
                break;
            case TcpEventKind.SegmentSent or TcpEventKind.SegmentReceived or TcpEventKind.Retransmitted:
                LogTcpSegment(tcp, e.Time, e.Device, e.LocalAddress, e.LocalPort, e.RemoteAddress, e.RemotePort, e.Kind, e.Flags, e.Sequence, e.Acknowledgment, e.Length, e.Window, e.Cause);
                break;
            default:
                LogTcpCongestion(tcp, e.Time, e.Device, e.LocalAddress, e.LocalPort, e.RemoteAddress, e.RemotePort, e.Kind, e.CongestionWindow, e.SlowStartThreshold, e.RetransmissionTimeout);
                break;
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnApplication(in ApplicationEvent traceEvent) =>
        LogApplication(applications, traceEvent.Time, traceEvent.Device, traceEvent.Kind, traceEvent.Peer, traceEvent.Name, traceEvent.QueryId, traceEvent.ResponseCode,
            traceEvent.Address, traceEvent.Method, traceEvent.StatusCode, traceEvent.ContentLength);

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "{Time} {Device}: {Kind} {Source} -> {Destination} ({Length} bytes)")]
    private static partial void LogFrame(ILogger logger, SimTime time, string device, FrameEventKind kind, MacAddress source, MacAddress destination, int length);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "{Time} {Device} port {Port}: {Kind} {Source} -> {Destination} ({Length} bytes)")]
    private static partial void LogFrameAtPort(ILogger logger, SimTime time, string device, int port, FrameEventKind kind, MacAddress source, MacAddress destination, int length);

    [LoggerMessage(EventId = 112, Level = LogLevel.Debug, Message = "{Time} {Device} port {Port}: dropped {Source} -> {Destination} ({Length} bytes): {Reason}")]
    private static partial void LogFrameDropped(ILogger logger, SimTime time, string device, int port, MacAddress source, MacAddress destination, int length, DropReason reason);

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "{Time} {Device}: ARP {Kind} {Address} {Mac} (attempt {Attempt}, {Waiting} waiting)")]
    private static partial void LogArp(ILogger logger, SimTime time, string device, ArpEventKind kind, Ipv4Address address, MacAddress mac, int attempt, int waiting);

    [LoggerMessage(EventId = 130, Level = LogLevel.Debug, Message = "{Time} {Device}: IPv4 {Kind} {Source} -> {Destination} {Protocol} {SourcePort} > {DestinationPort} ({Length} bytes, TTL {TimeToLive}) fragments {Fragments} on {InterfaceName}")]
    private static partial void LogIp(ILogger logger, SimTime time, string device, IpEventKind kind, Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ushort sourcePort, ushort destinationPort,
        int length, byte timeToLive, int fragments, string? interfaceName);

    [LoggerMessage(EventId = 131, Level = LogLevel.Debug, Message = "{Time} {Device}: IPv4 {Kind} {Source} -> {Destination} {Protocol} {SourcePort} > {DestinationPort} ({Length} bytes, TTL {TimeToLive}) via {Route} next hop {NextHop} on {InterfaceName}")]
    private static partial void LogIpRouted(ILogger logger, SimTime time, string device, IpEventKind kind, Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ushort sourcePort, ushort destinationPort,
        int length, byte timeToLive, Ipv4Network? route, Ipv4Address nextHop, string? interfaceName);

    [LoggerMessage(EventId = 132, Level = LogLevel.Debug, Message = "{Time} {Device}: IPv4 {Kind} {Source} -> {Destination} {Protocol} {SourcePort} > {DestinationPort} ({Length} bytes, TTL {TimeToLive}): {Reason}, on {InterfaceName}")]
    private static partial void LogIpDropped(ILogger logger, SimTime time, string device, IpEventKind kind, Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ushort sourcePort, ushort destinationPort,
        int length, byte timeToLive, IpDropReason? reason, string? interfaceName);

    [LoggerMessage(EventId = 133, Level = LogLevel.Debug, Message = "{Time} {Device}: ICMP {IcmpType} code {IcmpCode} sent about {Source} -> {Destination} {Protocol}")]
    private static partial void LogIcmpSent(ILogger logger, SimTime time, string device, IcmpType? icmpType, byte icmpCode, Ipv4Address source, Ipv4Address destination, IpProtocol protocol);

    [LoggerMessage(EventId = 140, Level = LogLevel.Debug, Message = "{Time} {Device}: UDP {Kind} {Source}:{SourcePort} -> {Destination}:{DestinationPort} ({Length} bytes)")]
    private static partial void LogUdp(ILogger logger, SimTime time, string device, UdpEventKind kind, Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort, int length);

    [LoggerMessage(EventId = 150, Level = LogLevel.Debug, Message = "{Time} {Device}: TCP {LocalAddress}:{LocalPort} > {RemoteAddress}:{RemotePort} {PreviousState} -> {State}")]
    private static partial void LogTcpState(ILogger logger, SimTime time, string device, Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort, TcpState previousState, TcpState state);

    [LoggerMessage(EventId = 151, Level = LogLevel.Debug, Message = "{Time} {Device}: TCP {LocalAddress}:{LocalPort} > {RemoteAddress}:{RemotePort} {Kind} [{Flags}] seq {Sequence} ack {Acknowledgment} len {Length} win {Window} {Cause}")]
    private static partial void LogTcpSegment(ILogger logger, SimTime time, string device, Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort,
        TcpEventKind kind, TcpFlags flags, uint sequence, uint acknowledgment, int length, int window, TcpRetransmitCause? cause);

    [LoggerMessage(EventId = 152, Level = LogLevel.Debug, Message = "{Time} {Device}: TCP {LocalAddress}:{LocalPort} > {RemoteAddress}:{RemotePort} {Kind} cwnd {CongestionWindow} ssthresh {SlowStartThreshold} rto {RetransmissionTimeout}")]
    private static partial void LogTcpCongestion(ILogger logger, SimTime time, string device, Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort,
        TcpEventKind kind, long congestionWindow, long slowStartThreshold, SimDuration retransmissionTimeout);

    [LoggerMessage(EventId = 160, Level = LogLevel.Debug, Message = "{Time} {Device}: {Kind} peer {Peer} {Name} id {QueryId} {ResponseCode} {Address} {Method} {StatusCode} ({ContentLength} bytes)")]
    private static partial void LogApplication(ILogger logger, SimTime time, string device, ApplicationEventKind kind, Ipv4Address peer, string name, ushort queryId, DnsResponseCode? responseCode,
        Ipv4Address address, string? method, int statusCode, long contentLength);
}
