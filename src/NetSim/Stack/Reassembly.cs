using System.Buffers;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Stack;

/// <summary>
/// Puts fragmented datagrams back together for a node (RFC 791, 3.2, "Reassembly";
/// RFC 815's idea of tracking what has arrived). Fragments are keyed by source,
/// destination, protocol and identification; data is copied into a 64 KiB buffer at its
/// offset, and a bitmap of 8-byte blocks records what has arrived, so duplicates and
/// overlaps change nothing. Memory is bounded by <see cref="IpNode.MaxReassemblies"/>
/// buffers, and a datagram whose fragments do not all arrive within
/// <see cref="IpNode.ReassemblyTimeout"/> is dropped with ICMP time exceeded (code 1) when
/// its first fragment had come.
/// </summary>
internal sealed class Reassembly(IpNode node) : IEventTarget
{
    private const int MaxDatagram = ushort.MaxValue;
    private const int BlockSize = 8;

    private readonly Dictionary<Key, Datagram> datagrams = [];
    private readonly Dictionary<long, Key> timers = [];
    private long nextTimer;

    public int InProgress => datagrams.Count;

    public void Add(IpInterface ingress, Ipv4Packet fragment)
    {
        var key = new Key(fragment.Source, fragment.Destination, fragment.Protocol, fragment.Identification);
        ReadOnlySpan<byte> data = fragment.Payload;
        int offset = fragment.FragmentOffset;
        int end = offset + data.Length;
        if (end > MaxDatagram - fragment.HeaderLength || (fragment.MoreFragments && data.Length % BlockSize != 0) || (fragment.MoreFragments && data.IsEmpty))
        {
            // RFC 791: every fragment but the last carries a multiple of 8 bytes; no datagram exceeds 65,535.
            node.Counters.CountDrop(IpDropReason.ReassemblyOverflow);
            return;
        }

        if (!datagrams.TryGetValue(key, out Datagram? datagram))
        {
            if (datagrams.Count >= node.MaxReassemblies)
            {
                node.Counters.CountDrop(IpDropReason.ReassemblyOverflow);
                return;
            }

            long timer = nextTimer++;
            datagram = new Datagram(ingress, timer, node.Simulation.Schedule(node.ReassemblyTimeout, this, 0, timer));
            datagrams.Add(key, datagram);
            timers.Add(timer, key);
        }

        if (offset == 0)
        {
            datagram.HeaderLength = fragment.HeaderLength;
            fragment.Header.CopyTo(datagram.FirstHeader);
        }

        if (!fragment.MoreFragments)
        {
            datagram.TotalDataLength = end;
        }

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

        if (datagram.TotalDataLength >= 0 && datagram.HeaderLength > 0
            && datagram.BlocksArrived == (datagram.TotalDataLength + BlockSize - 1) / BlockSize)
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
        if (datagram.HeaderLength > 0)
        {
            // Quote the first fragment: its header and the first 8 bytes of data.
            Span<byte> quoted = stackalloc byte[60 + IcmpHeader.ErrorDataLength];
            datagram.FirstHeader.AsSpan(0, datagram.HeaderLength).CopyTo(quoted);
            datagram.Buffer.AsSpan(0, IcmpHeader.ErrorDataLength).CopyTo(quoted[datagram.HeaderLength..]);
            node.SendTimeExceededForReassembly(quoted[..(datagram.HeaderLength + IcmpHeader.ErrorDataLength)]);
        }

        datagram.Release();
    }

    private void Complete(Key key, Datagram datagram)
    {
        datagrams.Remove(key);
        timers.Remove(datagram.Timer);
        node.Simulation.Cancel(datagram.TimeoutEvent);
        Span<byte> headerBytes = datagram.FirstHeader.AsSpan(0, datagram.HeaderLength);
        var whole = new Ipv4Packet(headerBytes);
        whole.TotalLength = datagram.HeaderLength + datagram.TotalDataLength;
        whole.MoreFragments = false;
        whole.FragmentOffset = 0;
        whole.UpdateChecksum();
        node.Counters.DatagramsReassembled++;
        node.DeliverDatagram(datagram.Ingress, headerBytes, whole.ToHeader(), datagram.Buffer.AsSpan(0, datagram.TotalDataLength));
        datagram.Release();
    }

    private readonly record struct Key(Ipv4Address Source, Ipv4Address Destination, IpProtocol Protocol, ushort Identification);

    private sealed class Datagram(IpInterface ingress, long timer, EventHandle timeoutEvent)
    {
        public IpInterface Ingress { get; } = ingress;

        public long Timer { get; } = timer;

        public EventHandle TimeoutEvent { get; } = timeoutEvent;

        public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(MaxDatagram);

        public byte[] FirstHeader { get; } = new byte[60];

        public ulong[] Arrived { get; } = new ulong[(MaxDatagram / BlockSize / 64) + 1];

        public int BlocksArrived { get; set; }

        public int HeaderLength { get; set; }

        public int TotalDataLength { get; set; } = -1;

        public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
