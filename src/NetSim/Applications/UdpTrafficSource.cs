using NetSim.Engine;
using NetSim.Ip;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Applications;

/// <summary>
/// Constant bit rate traffic over UDP, as a traffic generator (iperf -u, ns-3's OnOff
/// application with the off time at zero): datagrams of <see cref="PayloadSize"/> bytes,
/// one every <see cref="Interval"/>, from <see cref="StartTime"/> until
/// <see cref="StopTime"/>. Sending allocates nothing.
/// </summary>
public sealed class UdpTrafficSource : IEventTarget, IDisposable
{
    private readonly UdpSocket socket;
    private readonly Simulation simulation;
    private byte[] payload = [];
    private bool started;
    private bool stopped;

    /// <summary>Prepares a source on <paramref name="node"/> sending to <paramref name="port"/> at <paramref name="destination"/>.</summary>
    public UdpTrafficSource(IpNode node, Ipv4Address destination, ushort port)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfZero(port);
        socket = new UdpSocket(node);
        simulation = node.Simulation;
        Destination = destination;
        Port = port;
    }

    /// <summary>Where the datagrams go.</summary>
    public Ipv4Address Destination { get; }

    /// <summary>The destination port.</summary>
    public ushort Port { get; }

    /// <summary>Bytes of data per datagram (default 1,000).</summary>
    public int PayloadSize { get; init; } = 1000;

    /// <summary>The time between datagrams (default 1 ms).</summary>
    public SimDuration Interval { get; init; } = SimDuration.FromMilliseconds(1);

    /// <summary>When the first datagram goes (default: when <see cref="Start"/> is called).</summary>
    public SimTime? StartTime { get; init; }

    /// <summary>When sending stops: no datagram at or after it (default: never).</summary>
    public SimTime StopTime { get; init; } = SimTime.MaxValue;

    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent { get; private set; }

    /// <summary>Datagrams that could not be sent (no route).</summary>
    public long SendFailures { get; private set; }

    /// <summary>The socket the datagrams leave from.</summary>
    public UdpSocket Socket => socket;

    /// <summary>Schedules the first datagram.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload size or interval is out of range, or the start time has passed.</exception>
    public void Start()
    {
        if (started)
        {
            throw new InvalidOperationException($"This traffic source to {Destination}:{Port} was already started.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(PayloadSize, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PayloadSize, ushort.MaxValue - Ipv4Header.MinLength - UdpHeader.HeaderLength, nameof(PayloadSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, SimDuration.Zero, nameof(Interval));
        started = true;
        payload = new byte[PayloadSize];
        socket.Bind();
        simulation.ScheduleAt(StartTime ?? simulation.Now, this);
    }

    /// <summary>Stops sending and closes the socket.</summary>
    public void Dispose()
    {
        stopped = true;
        socket.Dispose();
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (stopped || simulation.Now >= StopTime)
        {
            return;
        }

        if (socket.SendTo(payload, Destination, Port) == SendResult.Sent)
        {
            DatagramsSent++;
        }
        else
        {
            SendFailures++;
        }

        simulation.Schedule(Interval, this);
    }
}
