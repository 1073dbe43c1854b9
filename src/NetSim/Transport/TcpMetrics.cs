using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>
/// The sending side of a <see cref="TcpConnection"/> at one moment: the values a plot of a
/// TCP flow shows (see <see cref="TcpConnection.MetricsChanged"/>).
/// </summary>
/// <param name="CongestionWindow">The congestion window in bytes.</param>
/// <param name="SlowStartThreshold">The slow start threshold in bytes.</param>
/// <param name="SmoothedRoundTripTime">The smoothed round-trip time (RFC 6298), zero before the first measurement.</param>
/// <param name="RetransmissionTimeout">The retransmission timeout (RFC 6298), backoff included.</param>
/// <param name="BytesInFlight">Bytes sent and not yet acknowledged.</param>
public readonly record struct TcpMetrics(int CongestionWindow, int SlowStartThreshold, SimDuration SmoothedRoundTripTime, SimDuration RetransmissionTimeout, int BytesInFlight);

/// <summary>One of the <see cref="TcpMetrics"/>, to record over time with <see cref="TcpConnection.Probe"/>.</summary>
public enum TcpMetric
{
    /// <summary>The congestion window, in bytes.</summary>
    CongestionWindow,

    /// <summary>The slow start threshold, in bytes.</summary>
    SlowStartThreshold,

    /// <summary>The smoothed round-trip time, in seconds.</summary>
    SmoothedRoundTripTime,

    /// <summary>The retransmission timeout, in seconds.</summary>
    RetransmissionTimeout,

    /// <summary>The bytes sent and not yet acknowledged.</summary>
    BytesInFlight,
}
