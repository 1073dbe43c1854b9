using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// A hash over a run (OMNeT++'s fingerprints): every trace event of every layer, its fields,
/// and the bytes of every frame, in order. Two runs with the same fingerprint did the same
/// things at the same times; a change of behaviour, however small, changes it. Tests keep a
/// run's fingerprint so that a change of behaviour is always deliberate.
/// </summary>
/// <remarks>SHA-256 over a fixed binary encoding of each event, shown as its first 16 hex digits.</remarks>
public sealed class Fingerprint : ITraceListener, IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] buffer = new byte[512];
    private readonly IDisposable subscription;
    private int used;

    /// <summary>Starts hashing the events of <paramref name="tracer"/> (a network's <c>Tracer</c>).</summary>
    public Fingerprint(Tracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        subscription = tracer.Subscribe(this);
    }

    /// <summary>How many trace events went into the hash.</summary>
    public long Events { get; private set; }

    /// <summary>How many frames (their bytes included) went into the hash.</summary>
    public long Frames { get; private set; }

    /// <summary>The fingerprint so far: 16 hex digits, such as "3f9a0c1d2b4e5f60".</summary>
    public string Value
    {
        get
        {
            Flush();
            Span<byte> digest = stackalloc byte[32];
            _ = hash.GetCurrentHash(digest);
            return Convert.ToHexStringLower(digest[..8]);
        }
    }

    /// <summary>Stops hashing; <see cref="Value"/> keeps the fingerprint of what was seen.</summary>
    public void Dispose() => subscription.Dispose();

    /// <summary>The fingerprint, its event count and frame count.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value} ({Events} events, {Frames} frames)");

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent e, ReadOnlySpan<byte> frame)
    {
        Start(1, e.Time, e.Device, (int)e.Kind);
        Add(e.Port);
        Add(e.Source);
        Add(e.Destination);
        Add(e.Length);
        Add(e.Reason is { } reason ? (int)reason : -1);
        Add(frame.Length);
        if (!frame.IsEmpty)
        {
            Frames++;
            Flush();
            hash.AppendData(frame);
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnArp(in ArpEvent e)
    {
        Start(2, e.Time, e.Device, (int)e.Kind);
        Add(e.Address);
        Add(e.Mac);
        Add(e.Attempt);
        Add(e.Waiting);
    }

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent e)
    {
        Start(3, e.Time, e.Device, (int)e.Kind);
        Add(e.Source);
        Add(e.Destination);
        Add((int)e.Protocol);
        Add(e.Length);
        Add(e.Interface);
        Add(e.Identification);
        Add(e.TimeToLive);
        Add(e.SourcePort);
        Add(e.DestinationPort);
        Add(e.IcmpType is { } type ? (int)type : -1);
        Add(e.IcmpCode);
        Add(e.IcmpIdentifier);
        Add(e.Route is { } route ? route.BaseAddress : Ipv4Address.Any);
        Add(e.Route is { } network ? network.PrefixLength : -1);
        Add(e.NextHop);
        Add(e.Reason is { } reason ? (int)reason : -1);
        Add(e.Fragments);
    }

    /// <inheritdoc/>
    void ITraceListener.OnUdp(in UdpEvent e)
    {
        Start(4, e.Time, e.Device, (int)e.Kind);
        Add(e.Source);
        Add(e.SourcePort);
        Add(e.Destination);
        Add(e.DestinationPort);
        Add(e.Length);
    }

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent e)
    {
        Start(5, e.Time, e.Device, (int)e.Kind);
        Add(e.LocalAddress);
        Add(e.LocalPort);
        Add(e.RemoteAddress);
        Add(e.RemotePort);
        Add((int)e.PreviousState);
        Add((int)e.State);
        Add((long)e.Sequence);
        Add((long)e.Acknowledgment);
        Add((int)e.Flags);
        Add(e.Length);
        Add(e.Window);
        Add(e.Cause is { } cause ? (int)cause : -1);
        Add(e.CongestionWindow);
        Add(e.SlowStartThreshold);
        Add(e.RetransmissionTimeout.Picoseconds);
    }

    /// <inheritdoc/>
    void ITraceListener.OnApplication(in ApplicationEvent e)
    {
        Start(6, e.Time, e.Device, (int)e.Kind);
        Add(e.Peer);
        Add(e.Name);
        Add(e.QueryId);
        Add(e.ResponseCode is { } code ? (int)code : -1);
        Add(e.Address);
        Add(e.AnswerCount);
        Add(e.Method);
        Add(e.StatusCode);
        Add(e.ContentLength);
    }

    private void Start(int layer, SimTime time, string device, int kind)
    {
        Events++;
        Add(layer);
        Add(time.Picoseconds);
        Add(device);
        Add(kind);
    }

    private void Add(int value)
    {
        Make(4);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), value);
        used += 4;
    }

    private void Add(long value)
    {
        Make(8);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(used), value);
        used += 8;
    }

    private void Add(Ipv4Address address) => Add((long)address.Value);

    private void Add(MacAddress address)
    {
        Make(MacAddress.Length);
        address.WriteTo(buffer.AsSpan(used));
        used += MacAddress.Length;
    }

    private void Add(string? text)
    {
        Add(text?.Length ?? -1);
        if (text is not null)
        {
            Flush();
            hash.AppendData(MemoryMarshal.AsBytes(text.AsSpan()));
        }
    }

    private void Make(int bytes)
    {
        if (used + bytes > buffer.Length)
        {
            Flush();
        }
    }

    private void Flush()
    {
        hash.AppendData(buffer, 0, used);
        used = 0;
    }
}
