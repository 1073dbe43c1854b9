namespace NetSim.Transport;

/// <summary>The states of a TCP connection (RFC 9293, 3.3.2).</summary>
public enum TcpState
{
    /// <summary>No connection (before it opens, or after it ended).</summary>
    Closed,

    /// <summary>Waiting for a connection request (a listener's state).</summary>
    Listen,

    /// <summary>Sent a SYN, waiting for the SYN-ACK.</summary>
    SynSent,

    /// <summary>Received a SYN and answered with SYN-ACK, waiting for its ACK.</summary>
    SynReceived,

    /// <summary>Open: data flows both ways.</summary>
    Established,

    /// <summary>Closed by this side: FIN sent, waiting for its ACK (or the peer's FIN).</summary>
    FinWait1,

    /// <summary>Our FIN is acknowledged; waiting for the peer's FIN.</summary>
    FinWait2,

    /// <summary>The peer closed (its FIN received); waiting for this side to close.</summary>
    CloseWait,

    /// <summary>Both sides closed at once: FINs crossed, waiting for the ACK of ours.</summary>
    Closing,

    /// <summary>Closed after the peer: our FIN sent, waiting for its ACK.</summary>
    LastAck,

    /// <summary>Both FINs done; waiting 2 MSL so that a lost last ACK can be sent again.</summary>
    TimeWait,
}

/// <summary>A change of a <see cref="TcpConnection"/>'s state (<see cref="TcpConnection.StateChanged"/>).</summary>
/// <param name="Previous">The state it left.</param>
/// <param name="Current">The state it entered.</param>
public readonly record struct TcpStateChange(TcpState Previous, TcpState Current);
