using System.Buffers.Binary;
using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>
/// Writes the frames seen at capture points into a classic libpcap file (nanosecond
/// timestamps, magic a1b23c4d, link type Ethernet), with simulated time as the timestamp,
/// so that Wireshark and tshark open it. Frames are written as they leave or arrive.
/// </summary>
/// <remarks>
/// A frame that arrives is stamped when its last bit is in. A frame that leaves is stamped
/// when its first bit goes out; on a hub, where a transmission can be aborted by a
/// collision, it is stamped when it has gone out whole.
/// </remarks>
public sealed class PcapWriter : IFrameCapture, IDisposable
{
    private const uint NanosecondMagic = 0xa1b23c4d;
    private const ushort VersionMajor = 2;
    private const ushort VersionMinor = 4;
    private const uint SnapLength = 65535;
    private const uint LinkTypeEthernet = 1;
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private readonly Stream stream;
    private readonly Simulation simulation;
    private readonly bool ownsStream;
    private bool disposed;

    /// <summary>Starts a capture file on <paramref name="stream"/>, writing the file header at once.</summary>
    /// <param name="stream">Where the capture goes.</param>
    /// <param name="simulation">Whose clock stamps the frames.</param>
    /// <param name="ownsStream">Whether disposing the writer disposes the stream.</param>
    public PcapWriter(Stream stream, Simulation simulation, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(simulation);
        this.stream = stream;
        this.simulation = simulation;
        this.ownsStream = ownsStream;
        Span<byte> header = stackalloc byte[GlobalHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], VersionMinor);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        stream.Write(header);
    }

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>.</summary>
    public static PcapWriter Create(string path, Simulation simulation) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), simulation, ownsStream: true);

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>
    /// Captures every frame seen at <paramref name="point"/> from now on: a port or a NIC
    /// (what it sends and receives, before a NIC's address filter), or a cable (every frame
    /// put on it, in both directions, as it leaves its end). After <see cref="Dispose"/> the
    /// writer writes nothing.
    /// </summary>
    public void Capture(ICapturePoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        _ = point.AddCapture(this);
    }

    /// <summary>Writes <paramref name="frame"/>, stamped with the simulation's current time.</summary>
    public void Write(ReadOnlySpan<byte> frame)
    {
        if (disposed)
        {
            return; // a disposed writer stays tapped into its ports but writes nothing
        }

        long nanoseconds = simulation.Now.Picoseconds / 1_000;
        Span<byte> record = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(nanoseconds / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(nanoseconds % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
        stream.Write(record);
        stream.Write(frame);
        FramesWritten++;
    }

    /// <inheritdoc/>
    void IFrameCapture.OnFrame(ReadOnlySpan<byte> frame) => Write(frame);

    /// <summary>Flushes the file.</summary>
    public void Flush() => stream.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stream.Flush();
        if (ownsStream)
        {
            stream.Dispose();
        }
    }
}
