using System.Globalization;
using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>What held a TCP sender back at a moment (RFC 4898's SndLimState, with the send buffer apart as Linux does).</summary>
internal enum TcpSendLimit
{
    /// <summary>Nothing to send and nothing in flight: the connection is idle.</summary>
    None,

    /// <summary>Everything written was sent; the sender waits for the application (or only for ACKs).</summary>
    Application,

    /// <summary>The application's write waits for room in the send buffer, which holds only unacknowledged data.</summary>
    SendBuffer,

    /// <summary>The peer's advertised window is full.</summary>
    ReceiveWindow,

    /// <summary>The congestion window is full.</summary>
    CongestionWindow,
}

/// <summary>
/// How long a TCP sender spent held back by each limit while it had data in flight or waiting
/// (RFC 4898, tcpEStatsPerfSndLimTimeSnd, -Rwin and -Cwnd, with the send buffer apart; Linux's
/// <c>ss -i</c> shows <c>busy</c>, the sum, with <c>rwnd_limited</c> and <c>sndbuf_limited</c>). The largest one
/// says what limits the throughput: a window-limited transfer moves at most a window per round trip.
/// </summary>
/// <param name="Application">Time with everything written already sent: the application was the limit.</param>
/// <param name="SendBuffer">Time with the application's write waiting for room in the send buffer.</param>
/// <param name="ReceiveWindow">Time with the peer's advertised window full.</param>
/// <param name="CongestionWindow">Time with the congestion window full.</param>
public readonly record struct TcpSendLimits(SimDuration Application, SimDuration SendBuffer, SimDuration ReceiveWindow, SimDuration CongestionWindow)
{
    /// <summary>The time the sender had data in flight or waiting: the sum of the four.</summary>
    public SimDuration Busy => Application + SendBuffer + ReceiveWindow + CongestionWindow;

    /// <summary>One line: each limit's time and its share of <see cref="Busy"/>.</summary>
    /// <returns>For example "receive window 1.2 s (80 %), congestion window 0.3 s (20 %), send buffer 0 ps (0 %), application 0 ps (0 %)".</returns>
    public override string ToString()
    {
        double busy = Busy.Picoseconds;
        string Share(SimDuration part) => busy == 0 ? "0 %" : (part.Picoseconds / busy).ToString("P0", CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"receive window {ReceiveWindow} ({Share(ReceiveWindow)}), congestion window {CongestionWindow} ({Share(CongestionWindow)}), send buffer {SendBuffer} ({Share(SendBuffer)}), application {Application} ({Share(Application)})");
    }
}
