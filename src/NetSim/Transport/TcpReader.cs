using System.Net.Sockets;
using NetSim.Engine;
using NetSim.Tracing;

namespace NetSim.Transport;

/// <summary>
/// The application's end of a TCP receive buffer: a read takes the bytes there, or waits in
/// simulated time for data, the end of the stream (0) or the connection's end (its error);
/// a read that opens the window enough to matter sends a window update (RFC 9293
/// 3.8.6.2.2), unless a segment is being processed, whose own ACK will carry the window.
/// </summary>
internal sealed class TcpReader(TcpConnection connection, TcpSender sender, TcpSegmentArrival arrival, TcpReceiveBuffer receive, Simulation sim)
{
    private Memory<byte> pending;
    private SimulationValueTaskSource<int>? source; // made at the first read that waits; reused

    /// <summary>Whether a segment is being processed (its ACK follows: no window update of our own).</summary>
    public bool InSegment { get; set; }

    /// <summary>Whether a read is waiting.</summary>
    public bool IsWaiting => source is { IsWaiting: true };

    /// <summary>See <see cref="TcpConnection.ReadAsync"/>.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        if (IsWaiting)
        {
            throw new InvalidOperationException($"{connection} already has a read waiting.");
        }

        if (receive.Count > 0 || buffer.IsEmpty)
        {
            return new ValueTask<int>(Read(buffer.Span));
        }

        if (arrival.FinReceived)
        {
            return new ValueTask<int>(0);
        }

        if (connection.State == TcpState.Closed)
        {
            SocketError error = connection.Error;
            return error is SocketError.Success or SocketError.Shutdown ? new ValueTask<int>(0) : ValueTask.FromException<int>(new SocketException((int)error));
        }

        pending = buffer;
        return (source ??= new SimulationValueTaskSource<int>(sim)).Next();
    }

    /// <summary>Data or the end of the stream arrived, or the connection ended: a waiting read completes.</summary>
    public void Continue()
    {
        if (!IsWaiting || (receive.Count == 0 && !arrival.FinReceived && connection.State != TcpState.Closed))
        {
            return;
        }

        SimulationValueTaskSource<int> reader = source!;
        Memory<byte> destination = pending;
        pending = default;
        SocketError error = connection.Error;
        if (receive.Count > 0)
        {
            reader.SetResult(Read(destination.Span));
        }
        else if (error is SocketError.Success or SocketError.Shutdown || arrival.FinReceived)
        {
            reader.SetResult(0);
        }
        else
        {
            reader.SetException(new SocketException((int)error));
        }
    }

    /// <summary>The waiting read gives up (its token was cancelled): it ends with <see cref="OperationCanceledException"/>, having taken no bytes.</summary>
    public void Cancel(CancellationToken token)
    {
        if (!IsWaiting)
        {
            return;
        }

        pending = default;
        source!.SetException(new OperationCanceledException(token));
    }

    private int Read(Span<byte> destination)
    {
        int count = receive.Read(destination);
        if (count == 0)
        {
            return 0;
        }

        TcpState state = connection.State;
        if (receive.Count == 0 && state == TcpState.Closed)
        {
            receive.Release(); // all read after the end: nothing will arrive any more
        }

        // Tell the sender when the window has opened enough to matter (after a zero window, say);
        // with delayed ACKs, only when it had shrunk to half the buffer or less and at least doubles
        // (as Linux's tcp_cleanup_rbuf), else an ACK that waits, or the next one, carries it.
        bool update = sender.DelayedAck.IsEnabled ? receive.WindowUpdateMatters(sender.Mss) : receive.WindowWorthUpdating(sender.Mss);
        if (!InSegment && update && state is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            sender.SendAck();
        }

        return count;
    }
}
