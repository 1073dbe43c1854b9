using System.Diagnostics.CodeAnalysis;

namespace NetSim.Wire;

/// <summary>DNS resource record types (RFC 1035, 3.2.2; AAAA from RFC 3596), by their mnemonics. Other values are kept as values.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "PTR is the record type's mnemonic in RFC 1035, dig and Wireshark.")]
public enum DnsType : ushort
{
    /// <summary>A host's IPv4 address.</summary>
    A = 1,

    /// <summary>An authoritative name server for the zone.</summary>
    NS = 2,

    /// <summary>The canonical name for an alias.</summary>
    CNAME = 5,

    /// <summary>The start of a zone of authority: its primary server, its mailbox, its serial number and timers.</summary>
    SOA = 6,

    /// <summary>A domain name pointer, as for reverse lookups under in-addr.arpa.</summary>
    PTR = 12,

    /// <summary>A mail exchange: a preference and a host name.</summary>
    MX = 15,

    /// <summary>Text strings.</summary>
    TXT = 16,

    /// <summary>A host's IPv6 address (RFC 3596).</summary>
    AAAA = 28,
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
