using System.Diagnostics.CodeAnalysis;

namespace NetSim.Wire;

/// <summary>
/// DNS resource record types (RFC 1035, 3.2.2, and later RFCs as noted), by their mnemonics.
/// Other values are kept as values: their data is opaque (RFC 3597).
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "PTR is the record type's mnemonic in RFC 1035, dig and Wireshark.")]
public enum DnsType : ushort
{
    /// <summary>A host's IPv4 address.</summary>
    A = 1,

    /// <summary>An authoritative name server for the zone.</summary>
    NS = 2,

    /// <summary>A mail destination (obsolete: RFC 973 replaced it with MX).</summary>
    MD = 3,

    /// <summary>A mail forwarder (obsolete: RFC 973 replaced it with MX).</summary>
    MF = 4,

    /// <summary>The canonical name for an alias.</summary>
    CNAME = 5,

    /// <summary>The start of a zone of authority: its primary server, its mailbox, its serial number and timers.</summary>
    SOA = 6,

    /// <summary>A mailbox's host (experimental).</summary>
    MB = 7,

    /// <summary>A mail group member (experimental).</summary>
    MG = 8,

    /// <summary>A mail rename (experimental).</summary>
    MR = 9,

    /// <summary>A domain name pointer, as for reverse lookups under in-addr.arpa.</summary>
    PTR = 12,

    /// <summary>Host information: two character-strings, CPU and operating system.</summary>
    HINFO = 13,

    /// <summary>Mailbox or mail list information: two mailboxes, responsible and errors (experimental).</summary>
    MINFO = 14,

    /// <summary>A mail exchange: a preference and a host name.</summary>
    MX = 15,

    /// <summary>Text strings.</summary>
    TXT = 16,

    /// <summary>A responsible person: a mailbox and the name of a TXT record (RFC 1183).</summary>
    RP = 17,

    /// <summary>An AFS database server: a subtype and a host name (RFC 1183).</summary>
    AFSDB = 18,

    /// <summary>Route through: a preference and an intermediate host (RFC 1183).</summary>
    RT = 21,

    /// <summary>An X.400 mapping: a preference and two domain names (RFC 2163).</summary>
    PX = 26,

    /// <summary>A host's IPv6 address (RFC 3596).</summary>
    AAAA = 28,

    /// <summary>A service's location: priority, weight, port and target host (RFC 2782).</summary>
    SRV = 33,

    /// <summary>A naming authority pointer: order, preference, flags, services, regexp and replacement (RFC 3403).</summary>
    NAPTR = 35,

    /// <summary>
    /// The EDNS pseudo-record (RFC 6891, 6.1.2), in the additional section only: owned by the
    /// root, its class is the sender's UDP payload size and its TTL the extended RCODE (8
    /// bits), the version (8 bits) and the flags (16 bits, DO first); its data is options.
    /// </summary>
    OPT = 41,
}

/// <summary>DNS classes (RFC 1035, 3.2.4). Other values are kept as values.</summary>
public enum DnsClass : ushort
{
    /// <summary>The Internet.</summary>
    IN = 1,
}

/// <summary>The response code of a DNS message (RFC 1035, 4.1.1). Other values, up to 15, are kept as values.</summary>
public enum DnsResponseCode : byte
{
    /// <summary>No error.</summary>
    NoError = 0,

    /// <summary>The server could not read the query.</summary>
    FormatError = 1,

    /// <summary>The server could not answer for a problem of its own.</summary>
    ServerFailure = 2,

    /// <summary>NXDOMAIN: the name does not exist (meaningful from an authoritative server).</summary>
    NameError = 3,

    /// <summary>The server does not support this kind of query.</summary>
    NotImplemented = 4,

    /// <summary>The server will not answer, by policy.</summary>
    Refused = 5,
}
