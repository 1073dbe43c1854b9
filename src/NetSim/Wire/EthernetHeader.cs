using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// The parsed form of an Ethernet II header: only the meaningful fields, read from bytes
/// with <see cref="TryParse"/> and written back with <see cref="Emit"/>.
/// </summary>
/// <param name="Destination">Who the frame is for.</param>
/// <param name="Source">Who sent it.</param>
/// <param name="PayloadType">The protocol of the payload (after the tag, if tagged).</param>
/// <param name="Vlan">The 802.1Q tag, or null for an untagged frame.</param>
public readonly record struct EthernetHeader(MacAddress Destination, MacAddress Source, EtherType PayloadType, VlanTag? Vlan = null)
{
    /// <summary>The length of this header on the wire: 14 bytes, or 18 with a tag.</summary>
    public int Length => Vlan is null ? EthernetFrame.HeaderLength : EthernetFrame.TaggedHeaderLength;

    /// <summary>Reads the header of <paramref name="frame"/>, or says why it cannot. Never throws.</summary>
    public static WireError TryParse(ReadOnlySpan<byte> frame, out EthernetHeader header)
    {
        header = default;
        WireError error = EthernetFrame.Validate(frame);
        if (error != WireError.None)
        {
            return error;
        }

        var type = (EtherType)BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.EtherTypeOffset..]);
        VlanTag? tag = null;
        if (type == EtherType.Vlan)
        {
            tag = VlanTag.FromTci(BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.VlanTciOffset..]));
            type = (EtherType)BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.InnerEtherTypeOffset..]);
        }

        header = new EthernetHeader(
            MacAddress.Read(frame[EthernetFrame.DestinationOffset..]),
            MacAddress.Read(frame[EthernetFrame.SourceOffset..]),
            type,
            tag);
        return WireError.None;
    }

    /// <summary>Writes the header into the start of <paramref name="frame"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is shorter than <see cref="Length"/>.</exception>
    public void Emit(Span<byte> frame)
    {
        if (frame.Length < Length)
        {
            throw new ArgumentException($"The header takes {Length} bytes; the buffer has {frame.Length}.", nameof(frame));
        }

        var view = new EthernetFrame(frame)
        {
            Destination = Destination,
            Source = Source,
        };
        if (Vlan is VlanTag tag)
        {
            view.EtherType = EtherType.Vlan;
            view.VlanTci = tag.ToTci();
            BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetFrame.InnerEtherTypeOffset..], (ushort)PayloadType);
        }
        else
        {
            view.EtherType = PayloadType;
        }
    }
}
