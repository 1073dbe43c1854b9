using NetSim.Engine;

namespace NetSim.Stack;

/// <summary>How a TCP connection behaves: buffers, timers and congestion control. The defaults follow the RFCs.</summary>
public sealed class TcpSettings
{
    /// <summary>The defaults.</summary>
    public static TcpSettings Default { get; } = new();

    /// <summary>Bytes the sender keeps (written and not yet acknowledged); default 65,535.</summary>
    public int SendBufferSize { get; init; } = ushort.MaxValue;

    /// <summary>Bytes the receiver holds for the application; the most it advertises (no window scaling, so at most 65,535). Default 65,535.</summary>
    public int ReceiveBufferSize { get; init; } = ushort.MaxValue;

    /// <summary>The MSS to announce; 0 (the default) takes the interface MTU less 40 bytes.</summary>
    public int MaximumSegmentSize { get; init; }

    /// <summary>The retransmission timeout before any RTT is measured (RFC 6298, 2.1: 1 s).</summary>
    public SimDuration InitialRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(1);

    /// <summary>The smallest retransmission timeout (RFC 6298, 2.4: 1 s; Linux uses 200 ms).</summary>
    public SimDuration MinimumRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(1);

    /// <summary>The largest retransmission timeout (RFC 6298, 2.5: at least 60 s).</summary>
    public SimDuration MaximumRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(60);

    /// <summary>Retransmissions of one segment before the connection is given up (default 15, as Linux's tcp_retries2).</summary>
    public int MaxRetransmissions { get; init; } = 15;

    /// <summary>Maximum segment lifetime; TIME-WAIT lasts two of them. Default 30 s (Linux's TIME-WAIT is 60 s; RFC 9293 suggests an MSL of 2 minutes).</summary>
    public SimDuration MaximumSegmentLifetime { get; init; } = SimDuration.FromSeconds(30);

    /// <summary>Makes the congestion control of each new connection (default: NewReno, RFC 5681 and RFC 6582).</summary>
    public Func<ICongestionControl> CongestionControl { get; init; } = () => new NewRenoCongestionControl();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SendBufferSize, 1, nameof(SendBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveBufferSize, 1, nameof(ReceiveBufferSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReceiveBufferSize, ushort.MaxValue, nameof(ReceiveBufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaximumSegmentSize, nameof(MaximumSegmentSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumSegmentSize, ushort.MaxValue - 40, nameof(MaximumSegmentSize)); // a segment and its headers fit in an IPv4 packet
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinimumRetransmissionTimeout, SimDuration.Zero, nameof(MinimumRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetransmissionTimeout, MinimumRetransmissionTimeout, nameof(InitialRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumRetransmissionTimeout, InitialRetransmissionTimeout, nameof(MaximumRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetransmissions, 1, nameof(MaxRetransmissions));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaximumSegmentLifetime, SimDuration.Zero, nameof(MaximumSegmentLifetime));
    }
}
