using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// The fields of the record data of the types NetSim knows, in order (RFC 1035, 3.3 and 3.4,
/// and the RFCs of the later types): where names lie, so that a parse reads them out of their
/// compression and a write can compress them again, and the lengths the other fields must
/// have. The data of every other type is opaque: copied as it is both ways (RFC 3597, 4).
/// </summary>
internal static class DnsRecordData
{
    // A layout is a list of fields: a value from 1 to 127 is that many fixed bytes, or one of these.
    internal const byte Name = 0x80;

    private const byte CharacterString = 0x81; // a length byte and that many bytes (RFC 1035, 3.3)
    private const byte CharacterStrings = 0x82; // one or more character-strings, to the end (RFC 1035, 3.3.14)
    private const byte Options = 0x83; // EDNS options to the end: code, length, value (RFC 6891, 6.1.2)

    // An SOA's serial, refresh, retry, expire and minimum after its two names (RFC 1035, 3.3.13).
    private const byte SoaTimersLength = 20;

    private static readonly byte[] OneName = [Name];
    private static readonly byte[] TwoNames = [Name, Name];
    private static readonly byte[] Soa = [Name, Name, SoaTimersLength];
    private static readonly byte[] PreferenceAndName = [2, Name];
    private static readonly byte[] PreferenceAndTwoNames = [2, Name, Name];
    private static readonly byte[] TwoStrings = [CharacterString, CharacterString];
    private static readonly byte[] Strings = [CharacterStrings];
    private static readonly byte[] Ipv6Address = [16];
    private static readonly byte[] Srv = [6, Name];
    private static readonly byte[] Naptr = [4, CharacterString, CharacterString, CharacterString, Name];
    private static readonly byte[] Opt = [Options];

    /// <summary>
    /// The layout of a record's data, or an empty span for the types whose data is opaque
    /// (unknown types, and A records of classes other than the Internet: RFC 3597, 4).
    /// CNAME, NS and PTR records have one; the parse reads it into <see cref="DnsRecord.Target"/>.
    /// </summary>
    internal static ReadOnlySpan<byte> Layout(DnsType type) => type switch
    {
        DnsType.NS or DnsType.MD or DnsType.MF or DnsType.CNAME or DnsType.MB or DnsType.MG or DnsType.MR or DnsType.PTR => OneName,
        DnsType.SOA => Soa,
        DnsType.HINFO => TwoStrings,
        DnsType.MINFO or DnsType.RP => TwoNames, // RFC 1035, 3.3.7; RFC 1183, 2.2
        DnsType.MX or DnsType.AFSDB or DnsType.RT => PreferenceAndName, // RFC 1035, 3.3.9; RFC 1183, 1 and 3.3
        DnsType.TXT => Strings,
        DnsType.PX => PreferenceAndTwoNames, // RFC 2163, 4
        DnsType.AAAA => Ipv6Address, // RFC 3596, 2.2
        DnsType.SRV => Srv, // priority, weight, port, target (RFC 2782)
        DnsType.NAPTR => Naptr, // order, preference, flags, services, regexp, replacement (RFC 3403, 4.1)
        DnsType.OPT => Opt,
        _ => [],
    };

    /// <summary>
    /// True for the types whose names may be compressed when written: the well-known types
    /// of RFC 1035 that hold names. Later types (SRV, NAPTR, RP, ...) are written out in full
    /// (RFC 3597, 4; RFC 2782).
    /// </summary>
    internal static bool CompressesNames(DnsType type) =>
        type is DnsType.NS or DnsType.MD or DnsType.MF or DnsType.CNAME or DnsType.SOA or DnsType.MB or DnsType.MG
            or DnsType.MR or DnsType.PTR or DnsType.MINFO or DnsType.MX;

    /// <summary>
    /// Reads the data of a record with the layout <paramref name="layout"/> (not empty), from
    /// <paramref name="start"/> to the end of <paramref name="upToData"/>, whose bytes before
    /// stay for the compression pointers of its names, into <paramref name="data"/> with its
    /// names written out. Data that does not hold its fields exactly is
    /// <see cref="WireError.BadLength"/>, or <see cref="WireError.BadDnsOptRecord"/> for an
    /// OPT record's options; a bad name is the name's reason.
    /// </summary>
    internal static WireError TryRead(ReadOnlySpan<byte> upToData, int start, ReadOnlySpan<byte> layout, out byte[] data)
    {
        data = [];
        int names = 0;
        foreach (byte field in layout)
        {
            names += field == Name ? 1 : 0;
        }

        Span<byte> expanded = new byte[upToData.Length - start + (names * DnsName.MaxLength)];
        int written = 0;
        int at = start;
        foreach (byte field in layout)
        {
            if (field == Name)
            {
                WireError error = DnsName.TryRead(upToData, ref at, expanded[written..], out int nameLength);
                if (error != WireError.None)
                {
                    return error == WireError.Truncated ? WireError.BadLength : error; // running out of the data: its length is too short
                }

                written += nameLength;
                continue;
            }

            int length = FieldLength(field, upToData[at..]);
            if (length < 0)
            {
                return field == Options ? WireError.BadDnsOptRecord : WireError.BadLength;
            }

            upToData.Slice(at, length).CopyTo(expanded[written..]);
            written += length;
            at += length;
        }

        if (at != upToData.Length)
        {
            return WireError.BadLength; // bytes left over after the last field
        }

        data = expanded[..written].ToArray();
        return WireError.None;
    }

    /// <summary>
    /// The length of the field <paramref name="field"/> (not a name) at the start of
    /// <paramref name="rest"/>, which ends where the record's data ends, or -1 when the bytes
    /// do not hold it.
    /// </summary>
    internal static int FieldLength(byte field, ReadOnlySpan<byte> rest)
    {
        switch (field)
        {
            case CharacterString:
                return rest.Length >= 1 && 1 + rest[0] <= rest.Length ? 1 + rest[0] : -1;
            case CharacterStrings:
                if (rest.IsEmpty)
                {
                    return -1; // one or more
                }

                for (int at = 0; at < rest.Length; at += 1 + rest[at])
                {
                    if (at + 1 + rest[at] > rest.Length)
                    {
                        return -1;
                    }
                }

                return rest.Length;
            case Options:
                for (int at = 0; at < rest.Length;)
                {
                    if (rest.Length - at < 4)
                    {
                        return -1; // not even a code and a length
                    }

                    int length = BinaryPrimitives.ReadUInt16BigEndian(rest[(at + 2)..]);
                    if (length > rest.Length - at - 4)
                    {
                        return -1;
                    }

                    at += 4 + length;
                }

                return rest.Length;
            default:
                return field <= rest.Length ? field : -1;
        }
    }

    /// <summary>True when <paramref name="data"/> holds the fields of <paramref name="layout"/> exactly, its names uncompressed.</summary>
    internal static bool HoldsFields(ReadOnlySpan<byte> data, ReadOnlySpan<byte> layout)
    {
        int at = 0;
        foreach (byte field in layout)
        {
            int length = field == Name ? DnsName.MeasureUncompressed(data[at..]) : FieldLength(field, data[at..]);
            if (length < 0)
            {
                return false;
            }

            at += length;
        }

        return at == data.Length;
    }

    /// <summary>The MINIMUM field of an SOA record's data (the last of its timers): the TTL of a negative answer (RFC 2308, 4).</summary>
    internal static uint SoaMinimum(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt32BigEndian(data[^4..]);

    /// <summary>The data of an SOA record (RFC 1035, 3.3.13), its names written out.</summary>
    /// <exception cref="ArgumentException">A name cannot be written.</exception>
    internal static byte[] SoaData(string primaryServer, string mailbox, uint serial, uint refresh, uint retry, uint expire, uint minimum)
    {
        Span<byte> data = stackalloc byte[(2 * DnsName.MaxLength) + SoaTimersLength];
        int length = 0;
        foreach ((string name, string paramName) in new[] { (primaryServer, nameof(primaryServer)), (mailbox, nameof(mailbox)) })
        {
            if (DnsName.TryEncode(name, data[length..], out int nameLength) is { } problem)
            {
                throw new ArgumentException(problem, paramName);
            }

            length += nameLength;
        }

        foreach (uint timer in new[] { serial, refresh, retry, expire, minimum })
        {
            BinaryPrimitives.WriteUInt32BigEndian(data[length..], timer);
            length += 4;
        }

        return data[..length].ToArray();
    }
}
