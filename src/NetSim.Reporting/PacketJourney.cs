using System.Buffers.Binary;
using System.Globalization;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Reporting;

/// <summary>
/// One message's way through the network: the frames that carried one IPv4 packet (or one
/// fragment of it) from the node that sent it to wherever it ended, or one ARP message across
/// its LAN, in the order the devices handled them; and what each device changed in it. A router
/// rewrites both MAC addresses, keeps the IP addresses, takes one from the TTL and fixes the
/// header checksum; a switch or hub changes nothing.
/// </summary>
/// <remarks>
/// A journey starts when a station sends a frame whose packet is its own (the IPv4 source is
/// one of its node's addresses), or any frame that is not IPv4 (ARP never crosses a router);
/// the frames after it that carry the same packet (the same source, destination, protocol,
/// identification and fragment offset, RFC 791 and RFC 6864) belong to it. Frames recorded
/// without their bytes (past <see cref="RunRecorderOptions.MaxFrames"/>) belong to none.
/// </remarks>
public sealed class PacketJourney
{
    private readonly List<int> frames = [];

    private PacketJourney(int index) => Index = index;

    /// <summary>The journey's number in its run (0 for the first that started).</summary>
    public int Index { get; }

    /// <summary>The indexes in <see cref="RunRecorder.Frames"/> of the frames that carried the message, in order: each station or relay that sent, forwarded, repeated, received or dropped it.</summary>
    public IReadOnlyList<int> Frames => frames;

    /// <summary>
    /// Groups the frames of <paramref name="recorder"/> into journeys, in the order they
    /// started; <paramref name="journeyOfFrame"/> gets each frame's journey index (-1: none).
    /// </summary>
    public static IReadOnlyList<PacketJourney> Group(RunRecorder recorder, out int[] journeyOfFrame)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var nodeOfNic = new Dictionary<string, IpNode>(StringComparer.Ordinal);
        foreach (IpNode node in recorder.Network.Devices.OfType<IpNode>())
        {
            foreach (IpInterface ipInterface in node.Interfaces)
            {
                if (!ipInterface.IsLoopback)
                {
                    nodeOfNic.TryAdd(ipInterface.Name, node);
                }
            }
        }

        var journeys = new List<PacketJourney>();
        var open = new Dictionary<PacketKey, PacketJourney>();
        journeyOfFrame = new int[recorder.Frames.Count];
        for (int f = 0; f < recorder.Frames.Count; f++)
        {
            RecordedFrame frame = recorder.Frames[f];
            var traceEvent = (FrameEvent)recorder.Events[frame.Event].Event;
            PacketKey key = PacketKey.Of(frame.Bytes, frame.Length, out Ipv4Address ipSource);
            bool stationSent = traceEvent.Kind == FrameEventKind.Sent;
            bool starts = stationSent && (!key.IsIpv4 || (nodeOfNic.TryGetValue(traceEvent.Device, out IpNode? node) && node.IsLocalAddress(ipSource)));
            if (starts || !open.TryGetValue(key, out PacketJourney? journey))
            {
                journey = new PacketJourney(journeys.Count);
                journeys.Add(journey);
                open[key] = journey;
            }

            journey.frames.Add(f);
            journeyOfFrame[f] = journey.Index;
        }

        return journeys;
    }

    /// <summary>
    /// What differs between two frames of one journey, field by field, as a learner names the
    /// fields: "destination MAC", "source MAC", "TTL", "IPv4 header checksum", "ECN" (a queue
    /// marked congestion, RFC 3168); any other byte by its offset. Empty when the bytes are the same.
    /// </summary>
    public static IReadOnlyList<HopChange> Compare(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        var changes = new List<HopChange>();
        int common = Math.Min(before.Length, after.Length);
        int at = 0;
        while (at < common)
        {
            if (before[at] == after[at])
            {
                at++;
                continue;
            }

            Field field = FieldAt(after, at);
            int end = Math.Min(field.Offset + field.Length, common);
            changes.Add(new HopChange(field.Name, field.Offset, field.Length, field.Format(before), field.Format(after)));
            at = Math.Max(end, at + 1);
        }

        if (before.Length != after.Length)
        {
            changes.Add(new HopChange("length", 0, 0, before.Length.ToString(CultureInfo.InvariantCulture), after.Length.ToString(CultureInfo.InvariantCulture)));
        }

        return changes;
    }

    // The field of an Ethernet II frame (IPv4 inside, no VLAN tag assumed past the MACs) that holds byte at.
    private static Field FieldAt(ReadOnlySpan<byte> frame, int at)
    {
        const int Ip = 14; // an untagged frame's payload
        bool ipv4 = frame.Length >= Ip + Ipv4Header.MinLength && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == (ushort)EtherType.IPv4;
        return at switch
        {
            < 6 => new Field("destination MAC", 0, 6, FieldKind.Mac),
            < 12 => new Field("source MAC", 6, 6, FieldKind.Mac),
            _ when ipv4 && at == Ip + 1 => new Field("DSCP and ECN", Ip + 1, 1, FieldKind.Hex),
            _ when ipv4 && at == Ip + 8 => new Field("TTL", Ip + 8, 1, FieldKind.Number),
            _ when ipv4 && at is Ip + 10 or Ip + 11 => new Field("IPv4 header checksum", Ip + 10, 2, FieldKind.Hex),
            _ => new Field(string.Create(CultureInfo.InvariantCulture, $"byte {at}"), at, 1, FieldKind.Hex),
        };
    }

    private enum FieldKind
    {
        Mac,
        Number,
        Hex,
    }

    private readonly record struct Field(string Name, int Offset, int Length, FieldKind Kind)
    {
        public string Format(ReadOnlySpan<byte> frame)
        {
            if (Offset + Length > frame.Length)
            {
                return "-";
            }

            ReadOnlySpan<byte> bytes = frame.Slice(Offset, Length);
            return Kind switch
            {
                FieldKind.Mac => MacAddress.Read(bytes).ToString(),
                FieldKind.Number => bytes[0].ToString(CultureInfo.InvariantCulture),
                _ => "0x" + Convert.ToHexStringLower(bytes),
            };
        }
    }

    // What makes two frames carry the same message: for IPv4 the packet's identity (RFC 6864:
    // source, destination, protocol and identification, and the fragment's offset); for any
    // other frame, its bytes after the MAC addresses.
    private readonly record struct PacketKey(bool IsIpv4, uint Source, uint Destination, int ProtocolAndId, int Offset, int Hash)
    {
        // A frame kept only in part (shorter than its length on the wire) is still its packet's.
        public static PacketKey Of(byte[] frame, int lengthOnWire, out Ipv4Address source)
        {
            source = Ipv4Address.Any;
            if (EthernetHeader.TryParse(frame, out EthernetHeader ethernet) == WireError.None
                && ethernet.PayloadType == EtherType.IPv4
                && KeptPacket.TryParseIpv4(frame.AsSpan(ethernet.Length), lengthOnWire - ethernet.Length, out Ipv4Header ip, out _))
            {
                source = ip.Source;
                return new PacketKey(true, ip.Source.Value, ip.Destination.Value, ((int)ip.Protocol << 16) | ip.Identification, ip.FragmentOffset, 0);
            }

            var hash = default(HashCode);
            hash.AddBytes(frame.AsSpan(Math.Min(12, frame.Length)));
            return new PacketKey(false, 0, 0, 0, frame.Length, hash.ToHashCode());
        }
    }
}

/// <summary>A field a device changed in a frame on its way (see <see cref="PacketJourney.Compare"/>).</summary>
/// <param name="Field">The field's name ("TTL").</param>
/// <param name="Offset">Where it starts in the frame.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Before">Its value before ("64").</param>
/// <param name="After">Its value after ("63").</param>
public readonly record struct HopChange(string Field, int Offset, int Length, string Before, string After);
