namespace NetSim.Wire;

/// <summary>
/// A resource record of a DNS message's answer, authority or additional section (RFC 1035,
/// 3.2.1 and 4.1.3). Its data is read into <see cref="Address"/> for an A record of the
/// Internet class, into <see cref="Target"/> for CNAME, NS and PTR records, and kept as
/// bytes in <see cref="Data"/> for every other type, so that types NetSim does not know
/// pass through unchanged (RFC 3597). The names inside the data of the other types NetSim
/// knows (SOA, MX, MINFO, MB, MG, MR, MD, MF, RP, AFSDB, RT, PX, SRV, NAPTR) may be
/// compressed on the wire: the parse writes them out in full, so that <see cref="Data"/>
/// means the same in any message, and a write compresses them again where RFC 3597, 4
/// allows. An OPT record (EDNS, RFC 6891) is a record too: see <see cref="DnsType.OPT"/>
/// for what its class and TTL hold. Equality compares <see cref="Data"/> by its bytes, and
/// names as strings (see <see cref="DnsMessage.NamesEqual"/> to compare names as DNS does).
/// </summary>
/// <param name="Name">The domain name the record is about, dot-separated without the trailing dot; the root is "".</param>
/// <param name="Type">The record type.</param>
/// <param name="Class">The record class.</param>
/// <param name="TimeToLive">How long, in seconds, the record may be cached.</param>
/// <param name="Address">The address of an A record of the Internet class; otherwise unused.</param>
/// <param name="Target">The domain name a CNAME, NS or PTR record holds; otherwise unused.</param>
/// <param name="Data">The record's data as on the wire with its names uncompressed, for the types other than A (Internet class), CNAME, NS and PTR; otherwise unused.</param>
public readonly record struct DnsRecord(
    string Name,
    DnsType Type,
    DnsClass Class,
    uint TimeToLive,
    Ipv4Address Address = default,
    string? Target = null,
    ReadOnlyMemory<byte> Data = default)
{
    /// <summary>An A record: <paramref name="name"/> has the IPv4 address <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a domain name that can be written (a label over 63 bytes, over 255 bytes in all, an empty label, not ASCII).</exception>
    public static DnsRecord A(string name, Ipv4Address address, uint ttl)
    {
        DnsMessage.CheckName(name, nameof(name));
        return new DnsRecord(name, DnsType.A, DnsClass.IN, ttl, Address: address);
    }

    /// <summary>A CNAME record: <paramref name="name"/> is an alias of the canonical name <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="target"/> is not a domain name that can be written.</exception>
    public static DnsRecord Cname(string name, string target, uint ttl)
    {
        DnsMessage.CheckName(name, nameof(name));
        DnsMessage.CheckName(target, nameof(target));
        return new DnsRecord(name, DnsType.CNAME, DnsClass.IN, ttl, Target: target);
    }

    /// <summary>
    /// An SOA record (RFC 1035, 3.3.13): the start of the zone <paramref name="zone"/>, its
    /// primary server, the mailbox of the person responsible (as a name: "hostmaster.example.com"
    /// for hostmaster@example.com), the zone's serial number and the timers of its secondary
    /// servers (refresh, retry, expire, in seconds), and <paramref name="minimum"/>, the TTL of
    /// negative answers (RFC 2308, 4).
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a domain name that can be written.</exception>
    public static DnsRecord Soa(string zone, string primaryServer, string mailbox, uint serial, uint refresh, uint retry, uint expire, uint minimum, uint ttl)
    {
        DnsMessage.CheckName(zone, nameof(zone));
        return new DnsRecord(zone, DnsType.SOA, DnsClass.IN, ttl, Data: DnsRecordData.SoaData(primaryServer, mailbox, serial, refresh, retry, expire, minimum));
    }

    // Whether the data is an address, a name, or bytes.
    internal bool HasAddress => Type == DnsType.A && Class == DnsClass.IN;

    internal bool HasTarget => Type is DnsType.CNAME or DnsType.NS or DnsType.PTR;

    /// <summary>True when every field is equal, <see cref="Data"/> by its bytes (not by the memory it lies in) and names as strings.</summary>
    public bool Equals(DnsRecord other) =>
        Name == other.Name &&
        Type == other.Type &&
        Class == other.Class &&
        TimeToLive == other.TimeToLive &&
        Address == other.Address &&
        Target == other.Target &&
        Data.Span.SequenceEqual(other.Data.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Type, Class, TimeToLive, Address, Target, Data.Length);
}
