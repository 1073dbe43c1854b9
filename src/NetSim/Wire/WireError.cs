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

    /// <summary>An ARP packet for other than Ethernet hardware and IPv4 addresses (RFC 826 allows others; NetSim speaks only these).</summary>
    UnsupportedArpFormat,

    /// <summary>A version field that is not the protocol's version (an IPv4 header whose version is not 4).</summary>
    BadVersion,

    /// <summary>A header length field below the protocol's minimum (an IPv4 IHL below 5).</summary>
    BadHeaderLength,

    /// <summary>A checksum that does not match the bytes.</summary>
    BadChecksum,

    /// <summary>An IPv4 fragment whose offset and length would put the datagram past 65,535 bytes (RFC 791, 3.1).</summary>
    BadFragmentOffset,

    /// <summary>
    /// A TCP option that cannot be read (RFC 9293, 3.2): a length below 2, an option that
    /// runs past the header, or a known option whose length is not its own: maximum segment
    /// size 4, window scale 3, timestamps 10 (RFC 7323).
    /// </summary>
    BadTcpOption,

    /// <summary>
    /// A DNS name that cannot be read (RFC 1035, 2.3.4 and 4.1.4): a label type other than a
    /// length or a compression pointer (0x40 and 0x80 are reserved), or a name longer than
    /// 255 bytes once its compression pointers are followed.
    /// </summary>
    BadDnsName,

    /// <summary>
    /// DNS compression pointers that would be followed forever (RFC 1035, 4.1.4): a pointer
    /// to itself, back into the labels that led to it, or pointers that point at each other.
    /// </summary>
    DnsCompressionLoop,

    /// <summary>
    /// A DNS compression pointer past the end of the message, or ahead of the name it ends
    /// where it must point to a prior occurrence (RFC 1035, 4.1.4).
    /// </summary>
    BadDnsPointer,

    /// <summary>
    /// A DNS OPT record that cannot be read (RFC 6891, 6.1.1 and 7): one outside the
    /// additional section, a second one, one whose owner is not the root, or options that
    /// do not fill its data as code, length and value.
    /// </summary>
    BadDnsOptRecord,
}
