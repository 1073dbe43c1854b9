using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace NetSim.Transport;

/// <summary>
/// A <see cref="Stream"/> over a <see cref="TcpConnection"/>, as
/// <see cref="NetworkStream"/> is over a socket, for code written against streams
/// (<see cref="StreamReader"/>, <see cref="StreamWriter"/>, <see cref="Stream.CopyToAsync(Stream)"/>).
/// Get one with <see cref="TcpConnection.GetStream"/>.
/// </summary>
/// <remarks>
/// <para>
/// Only the asynchronous methods work, and they work in simulated time: a read waits until
/// data arrives and returns 0 at the end of the stream (the peer's FIN); a write waits while
/// the connection's send buffer is full (backpressure) and completes when its last byte is
/// in the buffer, not when it is acknowledged. The stream buffers nothing itself, so
/// flushing does nothing: the bytes leave as the windows allow (there is no Nagle delay).
/// </para>
/// <para>
/// The synchronous <see cref="Read(byte[], int, int)"/> and <see cref="Write(byte[], int, int)"/>
/// throw <see cref="NotSupportedException"/>: a call that blocks its thread cannot wait for
/// simulated time, which moves only while the simulation's thread runs events. So a
/// <see cref="StreamWriter"/> over it is disposed with <c>await using</c> (its
/// <c>Dispose</c> would write synchronously), and lines are read with
/// <see cref="StreamReader.ReadLineAsync()"/>.
/// </para>
/// <para>
/// A cancelled token ends a waiting read with <see cref="OperationCanceledException"/>, having
/// taken no bytes, so a read can have a timeout in simulated time
/// (<c>new CancellationTokenSource(timeout, sim.TimeProvider)</c>). A write is cancelled only
/// before it starts: once some of its bytes are in the send buffer they cannot be taken back,
/// so a write waiting for room goes on until it is done or the connection ends. As with
/// <see cref="NetworkStream"/>, a failure of the connection (a reset, a timeout) comes as an
/// <see cref="IOException"/> whose inner exception is the <see cref="SocketException"/>.
/// </para>
/// <para>
/// Code that awaits the stream with <c>ConfigureAwait(false)</c>, as the BCL's readers and
/// writers do, resumes on the simulation's thread with no synchronization context; an
/// application's <c>await</c> above it resumes in the simulation's context, as an event.
/// </para>
/// </remarks>
public sealed class TcpStream : Stream
{
    private static readonly Action<object?, CancellationToken> CancelRead = static (connection, token) => ((TcpConnection)connection!).CancelRead(token);
    private readonly TcpConnection connection;
    private readonly bool ownsConnection;
    private bool disposed;

    internal TcpStream(TcpConnection connection, bool ownsConnection)
    {
        this.connection = connection;
        this.ownsConnection = ownsConnection;
    }

    /// <summary>The connection under the stream.</summary>
    public TcpConnection Connection => connection;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanRead => !disposed;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanWrite => !disposed;

    /// <summary>False: a byte stream over a network has no position.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported: a network stream has no length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("A TCP stream has no length.");

    /// <summary>Not supported: a network stream has no position.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position
    {
        get => throw new NotSupportedException("A TCP stream has no position.");
        set => throw new NotSupportedException("A TCP stream has no position.");
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>'s length of received bytes, waiting in simulated
    /// time until some arrive; 0 at the end of the stream (the peer closed its side).
    /// </summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="cancellationToken">Ends a waiting read with <see cref="OperationCanceledException"/>; no bytes are taken.</param>
    /// <returns>How many bytes were read; 0 at the end of the stream.</returns>
    /// <exception cref="IOException">(From the task.) The connection was reset or timed out; the inner exception says which.</exception>
    /// <exception cref="InvalidOperationException">Another read is waiting.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        ValueTask<int> read = connection.ReadAsync(buffer);
        return read.IsCompletedSuccessfully ? read : WaitForReadAsync(read, cancellationToken);
    }

    /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)"/>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The index in <paramref name="buffer"/> of the first byte to fill.</param>
    /// <param name="count">The most bytes to read.</param>
    /// <param name="cancellationToken">Ends a waiting read with <see cref="OperationCanceledException"/>; no bytes are taken.</param>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>
    /// Writes <paramref name="buffer"/> into the connection's send buffer, waiting in
    /// simulated time while it is full; completes when the last byte is in the buffer.
    /// Do not change <paramref name="buffer"/> until then.
    /// </summary>
    /// <param name="buffer">The bytes to send.</param>
    /// <param name="cancellationToken">Checked before the write starts (see the remarks of <see cref="TcpStream"/>).</param>
    /// <exception cref="IOException">(From the task.) The connection was reset or timed out; the inner exception says which.</exception>
    /// <exception cref="InvalidOperationException">(From the task.) The connection is not open for sending (this side closed it); or another write is waiting.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        ValueTask write = connection.WriteAsync(buffer);
        return write.IsCompletedSuccessfully ? write : WaitForWriteAsync(write);
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    /// <param name="buffer">The bytes to send.</param>
    /// <param name="offset">The index in <paramref name="buffer"/> of the first byte to send.</param>
    /// <param name="count">How many bytes to send.</param>
    /// <param name="cancellationToken">Checked before the write starts.</param>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Does nothing: the stream holds no bytes of its own (as <see cref="NetworkStream.Flush"/>).</summary>
    public override void Flush()
    {
    }

    /// <summary>Completes at once: the stream holds no bytes of its own; they are in the connection's send buffer.</summary>
    /// <param name="cancellationToken">A cancelled token gives a cancelled task.</param>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Not supported: a blocking read cannot wait for simulated time. Use <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override int Read(byte[] buffer, int offset, int count) => throw NoBlocking("read", nameof(ReadAsync));

    /// <summary>Not supported: a blocking read cannot wait for simulated time. Use <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override int Read(Span<byte> buffer) => throw NoBlocking("read", nameof(ReadAsync));

    /// <summary>Not supported: a blocking write cannot wait for simulated time. Use <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Write(byte[] buffer, int offset, int count) => throw NoBlocking("write", nameof(WriteAsync));

    /// <summary>Not supported: a blocking write cannot wait for simulated time. Use <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Write(ReadOnlySpan<byte> buffer) => throw NoBlocking("write", nameof(WriteAsync));

    /// <summary>Begins <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> (the old asynchronous pattern; its callback runs in simulated time too).</summary>
    /// <returns>The operation, for <see cref="EndRead"/>.</returns>
    public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <summary>Ends a read begun with <see cref="BeginRead"/>.</summary>
    /// <returns>How many bytes were read; 0 at the end of the stream.</returns>
    public override int EndRead(IAsyncResult asyncResult) => TaskToAsyncResult.End<int>(asyncResult);

    /// <summary>Begins <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> (the old asynchronous pattern).</summary>
    /// <returns>The operation, for <see cref="EndWrite"/>.</returns>
    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <summary>Ends a write begun with <see cref="BeginWrite"/>.</summary>
    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    /// <summary>Not supported: a network stream has no position.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A TCP stream cannot seek.");

    /// <summary>Not supported: a network stream has no length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException("A TCP stream has no length.");

    /// <summary>
    /// Disposes the stream; when it owns the connection (<see cref="TcpConnection.GetStream"/>'s
    /// default), closes this side of it: the FIN follows the bytes still in the send buffer, as
    /// <see cref="TcpConnection.CloseAsync"/> does, without waiting for its acknowledgment
    /// (await <see cref="TcpConnection.CloseAsync"/> for that). Reading the peer's bytes goes on
    /// through the connection until the peer closes too.
    /// </summary>
    /// <param name="disposing">True when called from <see cref="Stream.Dispose()"/> or <see cref="Stream.DisposeAsync"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            if (ownsConnection)
            {
                _ = connection.CloseAsync();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override string ToString() => $"stream over {connection}";

    private static NotSupportedException NoBlocking(string operation, string instead) =>
        new($"A TCP stream cannot {operation} synchronously: a blocking call cannot wait for simulated time, which only moves while the simulation's thread runs events. Use {instead} (and 'await using' for a StreamWriter).");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitForReadAsync(ValueTask<int> read, CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(CancelRead, connection);
        try
        {
            return await read.ConfigureAwait(false); // on the simulation's thread without its context, so what this completes runs inline (SimulationValueTaskSource)
        }
        catch (SocketException failure)
        {
            throw new IOException($"Could not read from {connection}: {failure.Message}", failure);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitForWriteAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (SocketException failure)
        {
            throw new IOException($"Could not write to {connection}: {failure.Message}", failure);
        }
    }
}
