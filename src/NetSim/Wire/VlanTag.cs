namespace NetSim.Wire;

/// <summary>The tag control information of an IEEE 802.1Q VLAN tag.</summary>
/// <param name="Priority">The priority code point, 0 to 7.</param>
/// <param name="DropEligible">The drop eligible indicator.</param>
/// <param name="Id">The VLAN identifier, 0 to 4095.</param>
public readonly record struct VlanTag(byte Priority, bool DropEligible, ushort Id)
{
    /// <summary>Splits a 16-bit TCI into its fields.</summary>
    public static VlanTag FromTci(ushort tci) => new((byte)(tci >> 13), (tci & 0x1000) != 0, (ushort)(tci & 0x0fff));

    /// <summary>Packs the fields into a 16-bit TCI (out-of-range values are masked to their bits).</summary>
    public ushort ToTci() => (ushort)(((Priority & 0x7) << 13) | (DropEligible ? 0x1000 : 0) | (Id & 0x0fff));
}
