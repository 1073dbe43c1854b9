using System.Buffers;
using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// Puts fragmented datagrams back together for a node (RFC 791, 3.2, "Reassembly";
/// RFC 815's idea of tracking what has arrived). Fragments are keyed by source,
/// destination, protocol and identification; data is copied into a 64 KiB buffer at its
/// offset, and a bitmap of 8-byte blocks records what has arrived. A duplicate changes
/// nothing; where fragments overlap, the later one's bytes win. Fragments that contradict
/// each other (data past the end the last fragment gave, or two different ends) get the
/// whole datagram dropped. Memory is bounded by <see cref="IpNode.MaxReassemblies"/>
/// buffers, and a datagram whose fragments do not all arrive within
/// <see cref="IpNode.ReassemblyTimeout"/> is dropped with ICMP time exceeded (code 1) when
/// its first fragment had come.
/// </summary>
internal sealed class Reassembly(IpNode node) : IEventTarget
{
    private const int MaxDatagram = ushort.MaxValue;
    private const int BlockSize = 8;

    // The 64 KiB buffers of datagrams being put together, shared by every node: a pool of its
    // own, which keeps at most 8 spare (512 KiB) whatever a flood made it hand out, unlike the
    // shared pool, whose per-core caches make what stays after a flood depend on the threads.
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(maxArrayLength: MaxDatagram + 1, maxArraysPerBucket: 8);

    private readonly Dictionary<Key, Datagram> datagrams = [];
    private readonly Dictionary<long, Key> timers = [];
    private long nextTimer;

    public void Add(IpInterface ingress, Ipv4Packet fragment)
    {
        var key = new Key(fragment.Source, fragment.Destination, fragment.Protocol, fragment.Identification);
        ReadOnlySpan<byte> data = fragment.Payload;
        int offset = fragment.FragmentOffset;
        int end = offset + data.Length; // at most 65,515: Ipv4Packet.TryCreate refuses fragments past 65,535 bytes
        if (fragment.MoreFragments && (data.IsEmpty || data.Length % BlockSize != 0))
        {
            // RFC 791: every fragment but the last carries a multiple of 8 bytes.
            node.Counters.CountDrop(IpDropReason.BadFragments);
            TraceDrop(fragment, ingress, IpDropReason.BadFragments);
            return;
        }

        if (!datagrams.TryGetValue(key, out Datagram? datagram))
        {
            if (datagrams.Count >= node.MaxReassemblies)
            {
                node.Counters.CountDrop(IpDropReason.ReassemblyOverflow);
                TraceDrop(fragment, ingress, IpDropReason.ReassemblyOverflow);
                return;
            }

            long timer = nextTimer++;
            datagram = new Datagram(ingress, timer, node.Simulation.Schedule(node.ReassemblyTimeout, this, 0, timer));
            datagrams.Add(key, datagram);
            timers.Add(timer, key);
        }

        bool contradicts = fragment.MoreFragments
            ? datagram.End >= 0 && end > datagram.End
            : (datagram.End >= 0 && end != datagram.End) || datagram.HighestEnd > end;
        int headerLength = offset == 0 ? fragment.HeaderLength : datagram.HeaderLength;
        if (contradicts || headerLength + Math.Max(end, datagram.HighestEnd) > MaxDatagram)
        {
            Discard(key, datagram, contradicts ? IpDropReason.BadFragments : IpDropReason.ReassemblyOverflow);
            TraceDrop(fragment, ingress, contradicts ? IpDropReason.BadFragments : IpDropReason.ReassemblyOverflow);
            return;
        }

        if (offset == 0)
        {
            datagram.HeaderLength = fragment.HeaderLength;
            fragment.Header.CopyTo(datagram.FirstHeader);
        }

        if (!fragment.MoreFragments)
        {
            datagram.End = end;
        }

        datagram.HighestEnd = Math.Max(datagram.HighestEnd, end);
        datagram.FragmentsArrived++;
        data.CopyTo(datagram.Buffer.AsSpan(offset));
        for (int block = offset / BlockSize; block < (end + BlockSize - 1) / BlockSize; block++)
        {
            ulong bit = 1UL << (block % 64);
            if ((datagram.Arrived[block / 64] & bit) == 0)
            {
                datagram.Arrived[block / 64] |= bit;
                datagram.BlocksArrived++;
            }
        }

        // Every block counted lies below the end (anything past it was refused above).
        if (datagram.End >= 0 && datagram.HeaderLength > 0 && datagram.BlocksArrived == (datagram.End + BlockSize - 1) / BlockSize)
        {
            Complete(key, datagram);
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (!timers.Remove(argument, out Key key) || !datagrams.Remove(key, out Datagram? datagram))
        {
            return;
        }

        node.Counters.CountDrop(IpDropReason.ReassemblyTimeout);
        if (node.Network.Tracer.IsOn)
        {
            node.Network.Tracer.Raise(new IpEvent(node.Simulation.Now, node.Name, IpEventKind.Dropped, key.Source, key.Destination, key.Protocol, datagram.HeaderLength + Math.Max(datagram.End, datagram.HighestEnd))
            {
                Interface = datagram.Ingress.Name,
                Identification = key.Identification,
                Reason = IpDropReason.ReassemblyTimeout,
            });
        }

        if (datagram.HeaderLength > 0)
        {
            // Quote the first fragment: its header and the first 8 bytes of data.
            Span<byte> quoted = stackalloc byte[60 + IcmpHeader.ErrorDataLength];
            datagram.FirstHeader.AsSpan(0, datagram.HeaderLength).CopyTo(quoted);
            datagram.Buffer.AsSpan(0, IcmpHeader.ErrorDataLength).CopyTo(quoted[datagram.HeaderLength..]);
            node.Icmp.SendError(quoted[..(datagram.HeaderLength + IcmpHeader.ErrorDataLength)], IcmpType.TimeExceeded, 1); // RFC 792: code 1, fragment reassembly time exceeded
        }

        datagram.Release();
    }

    private void TraceDrop(Ipv4Packet fragment, IpInterface ingress, IpDropReason reason)
    {
        if (node.Network.Tracer.IsOn)
        {
            node.Network.Tracer.Raise(IpTrace.Make(node, IpEventKind.Dropped, fragment.Bytes, ingress) with { Reason = reason });
        }
    }

    private void Discard(Key key, Datagram datagram, IpDropReason reason)
    {
        datagrams.Remove(key);
        timers.Remove(datagram.Timer);
        node.Simulation.Cancel(datagram.TimeoutEvent);
        node.Counters.CountDrop(reason);
        datagram.Release();
    }

    private void Complete(Key key, Datagram datagram)
    {
        datagrams.Remove(key);
        timers.Remove(datagram.Timer);
        node.Simulation.Cancel(datagram.TimeoutEvent);

        // The first fragment's header, made the whole datagram's: no MF, offset 0, the full length.
        Span<byte> headerBytes = datagram.FirstHeader.AsSpan(0, datagram.HeaderLength);
        var whole = new Ipv4Packet(headerBytes, headerBytes.Length); // a view of the header alone: writes only what is set
        whole.TotalLength = datagram.HeaderLength + datagram.End;
        whole.MoreFragments = false;
        whole.FragmentOffset = 0;
        whole.UpdateChecksum();
        node.Counters.DatagramsReassembled++;
        if (node.Network.Tracer.IsOn)
        {
            IpEvent reassembled = IpTrace.Make(node, IpEventKind.Reassembled, whole.ToHeader(), datagram.Buffer.AsSpan(0, Math.Min(datagram.End, 8)), datagram.Ingress) with { Fragments = datagram.FragmentsArrived };
            node.Network.Tracer.Raise(reassembled);
            node.Network.Tracer.Raise(reassembled with { Kind = IpEventKind.Received, Fragments = 0 });
        }

        node.DeliverDatagram(datagram.Ingress, headerBytes, whole.ToHeader(), datagram.Buffer.AsSpan(0, datagram.End));
        datagram.Release();
    }

    private readonly record struct Key(Ipv4Address Source, Ipv4Address Destination, IpProtocol Protocol, ushort Identification);

    private sealed class Datagram(IpInterface ingress, long timer, EventHandle timeoutEvent)
    {
        public IpInterface Ingress { get; } = ingress;

        public long Timer { get; } = timer;

        public EventHandle TimeoutEvent { get; } = timeoutEvent;

        public byte[] Buffer { get; } = Buffers.Rent(MaxDatagram);

        public byte[] FirstHeader { get; } = new byte[60];

        public ulong[] Arrived { get; } = new ulong[(MaxDatagram / BlockSize / 64) + 1];

        public int BlocksArrived { get; set; }

        /// <summary>Fragments taken in (duplicates counted), for the trace event.</summary>
        public int FragmentsArrived { get; set; }

        public int HeaderLength { get; set; }

        /// <summary>Where the data ends, from the last fragment (MF clear); -1 until it comes.</summary>
        public int End { get; set; } = -1;

        /// <summary>The furthest any fragment's data reached.</summary>
        public int HighestEnd { get; set; }

        public void Release() => Buffers.Return(Buffer);
    }
}
