namespace NetSim.Wire;

/// <summary>
/// The EtherType of an Ethernet II frame: which protocol its payload holds (IEEE 802.3,
/// clause 3.2.6; values assigned by the IEEE registration authority). Any value from
/// 0x0600 up is an EtherType; values without a name here are still valid, just unknown.
/// </summary>
public enum EtherType : ushort
{
    /// <summary>Internet Protocol version 4 (RFC 894).</summary>
    IPv4 = 0x0800,

    /// <summary>Address Resolution Protocol (RFC 826).</summary>
    Arp = 0x0806,

    /// <summary>An IEEE 802.1Q VLAN tag follows (C-tag).</summary>
    Vlan = 0x8100,

    /// <summary>Internet Protocol version 6.</summary>
    IPv6 = 0x86DD,
}
