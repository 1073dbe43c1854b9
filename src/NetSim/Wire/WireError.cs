namespace NetSim.Wire;

/// <summary>
/// Why bytes from the wire could not be read as a protocol's header: the answer of every
/// parse of untrusted input, which never throws. <see cref="None"/> means the bytes are good.
/// </summary>
public enum WireError
{
    /// <summary>The bytes are well formed.</summary>
    None = 0,

    /// <summary>Fewer bytes than the header needs.</summary>
    Truncated,

    /// <summary>A frame longer than the largest the link carries (the MTU plus headers).</summary>
    TooLong,

    /// <summary>A length field that disagrees with the bytes that are there.</summary>
    BadLength,

    /// <summary>An 802.3 frame with a length field instead of an EtherType, which NetSim does not carry.</summary>
    LengthFieldNotEtherType,
}
