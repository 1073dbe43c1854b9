using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A DNS message (RFC 1035, 4.1): the header's fields and the question, answer, authority
/// and additional sections, read with <see cref="TryParse"/> (which never throws) and
/// written with <see cref="Emit"/> or <see cref="ToArray"/>, which compress names (RFC 1035,
/// 4.1.4). Build one with <see cref="Query"/> and <see cref="CreateResponse"/>, or with an
/// object initializer; the sections are lists to add to. Names are text, dot-separated
/// without the trailing dot ("www.example.com"; the root is ""), in the case they were
/// written in; bytes other than printable ASCII in a label are escaped as in master files
/// ("\." for a dot in a label, "\DDD" in decimal). The Z bit, which must be zero, is not
/// kept (RFC 1035, 4.1.1); the AD and CD bits of DNSSEC are (RFC 4035, 3.2; RFC 6840, 5.7).
/// </summary>
public sealed class DnsMessage
{
    // Field offsets, declared once (RFC 1035, 4.1.1).
    internal const int IdOffset = 0;
    internal const int FlagsOffset = 2;
    internal const int QuestionCountOffset = 4;
    internal const int AnswerCountOffset = 6;
    internal const int AuthorityCountOffset = 8;
    internal const int AdditionalCountOffset = 10;

    /// <summary>The length of the header, 12 bytes.</summary>
    public const int HeaderLength = AdditionalCountOffset + 2;

    // The flags word.
    internal const ushort ResponseBit = 0x8000;
    internal const int OpcodeShift = 11;
    internal const ushort AuthoritativeBit = 0x0400;
    internal const ushort TruncatedBit = 0x0200;
    internal const ushort RecursionDesiredBit = 0x0100;
    internal const ushort RecursionAvailableBit = 0x0080;
    internal const ushort AuthenticDataBit = 0x0020;
    internal const ushort CheckingDisabledBit = 0x0010;
    internal const int FourBits = 0xf;

    // A question's type and class; a record's type, class, TTL and RDLENGTH (RFC 1035, 4.1.2 and 4.1.3).
    internal const int QuestionFixedLength = 4;
    internal const int RecordFixedLength = 10;

    private byte opcode;
    private DnsResponseCode responseCode;

    /// <summary>The identifier a query chooses and its response copies.</summary>
    public ushort Id { get; set; }

    /// <summary>QR: the message is a response (not a query).</summary>
    public bool IsResponse { get; set; }

    /// <summary>The kind of query, 0 to 15: 0 is a standard query.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set above 15.</exception>
    public byte Opcode
    {
        get => opcode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, FourBits);
            opcode = value;
        }
    }

    /// <summary>AA: the responding server is an authority for the name asked about.</summary>
    public bool IsAuthoritative { get; set; }

    /// <summary>TC: the message was cut to fit the transport (512 bytes over UDP).</summary>
    public bool IsTruncated { get; set; }

    /// <summary>RD: the querier asks the server to resolve recursively; a response copies it.</summary>
    public bool RecursionDesired { get; set; }

    /// <summary>RA: the server offers recursive resolution.</summary>
    public bool RecursionAvailable { get; set; }

    /// <summary>
    /// AD, authentic data (RFC 4035, 3.2.3; RFC 6840, 5.7 and 5.8): in a response, the server
    /// validated every record of the answer and authority sections with DNSSEC; in a query,
    /// the querier understands the bit and wants it set if so.
    /// </summary>
    public bool AuthenticData { get; set; }

    /// <summary>CD, checking disabled (RFC 4035, 3.2.2): the querier does its own DNSSEC validation; a response copies it.</summary>
    public bool CheckingDisabled { get; set; }

    /// <summary>The response code, 0 to 15.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set above 15.</exception>
    public DnsResponseCode ResponseCode
    {
        get => responseCode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((int)value, FourBits, nameof(value));
            responseCode = value;
        }
    }

    /// <summary>The question section: what is asked (one question in practice).</summary>
    public IList<DnsQuestion> Questions { get; } = new List<DnsQuestion>();

    /// <summary>The answer section: the records that answer the question.</summary>
    public IList<DnsRecord> Answers { get; } = new List<DnsRecord>();

    /// <summary>The authority section: records about the zone's authority (the SOA of a negative answer, NS records of a referral).</summary>
    public IList<DnsRecord> Authorities { get; } = new List<DnsRecord>();

    /// <summary>The additional section: records that may help (the addresses of the name servers of a referral).</summary>
    public IList<DnsRecord> Additionals { get; } = new List<DnsRecord>();

    /// <summary>
    /// The length in bytes of the message as <see cref="Emit"/> writes it, compression
    /// included: worked out on each read by writing the message without storing it.
    /// </summary>
    /// <exception cref="ArgumentException">The message cannot be written (see <see cref="Emit"/>).</exception>
    public int Length
    {
        get
        {
            var writer = new Writer([], measuring: true);
            Write(ref writer);
            return writer.Position;
        }
    }

    /// <summary>
    /// A standard query (opcode 0) with recursion desired and one question: the
    /// <paramref name="type"/> records of <paramref name="name"/> in the Internet class.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a domain name that can be written (a label over 63 bytes, over 255 bytes in all, an empty label, not ASCII).</exception>
    public static DnsMessage Query(ushort id, string name, DnsType type)
    {
        CheckName(name, nameof(name));
        return new DnsMessage
        {
            Id = id,
            RecursionDesired = true,
            Questions = { new DnsQuestion(name, type) },
        };
    }

    /// <summary>
    /// A response to this message with the response code <paramref name="code"/>: the same
    /// identifier, opcode and questions, QR set, RD and CD copied (RFC 1035, 4.1.1; RFC 4035,
    /// 3.1.6), and empty record sections for the responder to fill (and AA, RA and AD to
    /// set, as it is).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is above 15.</exception>
    public DnsMessage CreateResponse(DnsResponseCode code)
    {
        var response = new DnsMessage
        {
            Id = Id,
            IsResponse = true,
            Opcode = Opcode,
            RecursionDesired = RecursionDesired,
            CheckingDisabled = CheckingDisabled,
            ResponseCode = code,
        };
        foreach (DnsQuestion question in Questions)
        {
            response.Questions.Add(question);
        }

        return response;
    }

    /// <summary>
    /// True when two domain names in text are the same name: equal but for the case of
    /// ASCII letters (RFC 1035, 2.3.3; RFC 4343), a trailing dot ignored.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> or <paramref name="b"/> is null.</exception>
    public static bool NamesEqual(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return DnsName.Equal(a, b);
    }

    /// <summary>
    /// Reads the identifier of the DNS message at the start of <paramref name="bytes"/>
    /// without parsing the rest: false when there are fewer bytes than a header. Never throws.
    /// </summary>
    public static bool TryReadId(ReadOnlySpan<byte> bytes, out ushort id)
    {
        if (bytes.Length < HeaderLength)
        {
            id = 0;
            return false;
        }

        id = BinaryPrimitives.ReadUInt16BigEndian(bytes[IdOffset..]);
        return true;
    }

    /// <summary>
    /// Reads the DNS message in <paramref name="bytes"/> (a UDP payload), or says why it
    /// cannot. Never throws. The reasons: <see cref="WireError.Truncated"/> for bytes that
    /// end inside the header, a name or a record's fixed fields;
    /// <see cref="WireError.BadLength"/> for a count that claims more entries than follow,
    /// a record's data length that runs past the message or disagrees with its data (the
    /// data of a known type does not hold its fields exactly: an A record's is not 4 bytes,
    /// an AAAA record's not 16, a name or a character-string runs past the data, bytes are
    /// left over after the last field, TXT data holds no string);
    /// <see cref="WireError.BadDnsOptRecord"/> for an OPT record outside the additional
    /// section, a second one, one not owned by the root (RFC 6891, 6.1.1), or its options
    /// not filling its data;
    /// <see cref="WireError.BadDnsName"/> for a label type other than a length or a pointer,
    /// or a name longer than 255 bytes once its pointers are followed;
    /// <see cref="WireError.BadDnsPointer"/> for a compression pointer past the end of the
    /// message or ahead of its name; <see cref="WireError.DnsCompressionLoop"/> for pointers
    /// that would be followed forever. Each pointer must point strictly before the labels
    /// that lead to it, to a prior occurrence (RFC 1035, 4.1.4). Bytes after the last
    /// record are ignored.
    /// </summary>
    public static WireError TryParse(ReadOnlySpan<byte> bytes, out DnsMessage? message)
    {
        message = null;
        if (bytes.Length < HeaderLength)
        {
            return WireError.Truncated;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(bytes[FlagsOffset..]);
        var parsed = new DnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(bytes[IdOffset..]),
            IsResponse = (flags & ResponseBit) != 0,
            Opcode = (byte)((flags >> OpcodeShift) & FourBits),
            IsAuthoritative = (flags & AuthoritativeBit) != 0,
            IsTruncated = (flags & TruncatedBit) != 0,
            RecursionDesired = (flags & RecursionDesiredBit) != 0,
            RecursionAvailable = (flags & RecursionAvailableBit) != 0,
            AuthenticData = (flags & AuthenticDataBit) != 0,
            CheckingDisabled = (flags & CheckingDisabledBit) != 0,
            ResponseCode = (DnsResponseCode)(flags & FourBits),
        };

        int position = HeaderLength;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(bytes[QuestionCountOffset..]);
        for (int i = 0; i < questions; i++)
        {
            if (position == bytes.Length)
            {
                return WireError.BadLength; // the count claims more than there is
            }

            WireError error = DnsName.TryRead(bytes, ref position, out string name);
            if (error != WireError.None)
            {
                return error;
            }

            if (bytes.Length - position < QuestionFixedLength)
            {
                return WireError.Truncated;
            }

            parsed.Questions.Add(new DnsQuestion(
                name,
                (DnsType)BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]),
                (DnsClass)BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 2)..])));
            position += QuestionFixedLength;
        }

        WireError sectionError = ReadRecords(bytes, ref position, AnswerCountOffset, parsed.Answers);
        if (sectionError == WireError.None)
        {
            sectionError = ReadRecords(bytes, ref position, AuthorityCountOffset, parsed.Authorities);
        }

        if (sectionError == WireError.None)
        {
            sectionError = ReadRecords(bytes, ref position, AdditionalCountOffset, parsed.Additionals);
        }

        if (sectionError == WireError.None && parsed.Additionals.Count(r => r.Type == DnsType.OPT) > 1)
        {
            sectionError = WireError.BadDnsOptRecord; // RFC 6891, 6.1.1: at most one
        }

        if (sectionError != WireError.None)
        {
            return sectionError;
        }

        message = parsed;
        return WireError.None;
    }

    // Reads the records of the section whose count is at countOffset.
    private static WireError ReadRecords(ReadOnlySpan<byte> bytes, ref int position, int countOffset, IList<DnsRecord> records)
    {
        int count = BinaryPrimitives.ReadUInt16BigEndian(bytes[countOffset..]);
        for (int i = 0; i < count; i++)
        {
            if (position == bytes.Length)
            {
                return WireError.BadLength; // the count claims more than there is
            }

            WireError error = DnsName.TryRead(bytes, ref position, out string name);
            if (error != WireError.None)
            {
                return error;
            }

            if (bytes.Length - position < RecordFixedLength)
            {
                return WireError.Truncated;
            }

            var record = new DnsRecord(
                name,
                (DnsType)BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]),
                (DnsClass)BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 2)..]),
                BinaryPrimitives.ReadUInt32BigEndian(bytes[(position + 4)..]));
            if (record.Type == DnsType.OPT && (countOffset != AdditionalCountOffset || name.Length != 0))
            {
                return WireError.BadDnsOptRecord; // RFC 6891, 6.1.1: in the additional section, owned by the root
            }

            int dataLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 8)..]);
            position += RecordFixedLength;
            if (dataLength > bytes.Length - position)
            {
                return WireError.BadLength;
            }

            error = ReadData(bytes[..(position + dataLength)], position, ref record);
            if (error != WireError.None)
            {
                return error;
            }

            records.Add(record);
            position += dataLength;
        }

        return WireError.None;
    }

    // Reads a record's data, which ends where `upToData` ends and starts at `start`: the
    // bytes before it stay for the compression pointers of the names in it, which must end
    // with the data (one that runs past is a bad data length).
    private static WireError ReadData(ReadOnlySpan<byte> upToData, int start, ref DnsRecord record)
    {
        int length = upToData.Length - start;
        if (record.HasAddress)
        {
            if (length != Ipv4Address.Length)
            {
                return WireError.BadLength;
            }

            record = record with { Address = Ipv4Address.Read(upToData[start..]) };
            return WireError.None;
        }

        if (record.HasTarget)
        {
            int at = start;
            WireError error = DnsName.TryRead(upToData, ref at, out string target);
            if (error == WireError.Truncated || (error == WireError.None && at != upToData.Length))
            {
                error = WireError.BadLength;
            }

            if (error == WireError.None)
            {
                record = record with { Target = target };
            }

            return error;
        }

        ReadOnlySpan<byte> layout = DnsRecordData.Layout(record.Type);
        if (layout.IsEmpty)
        {
            record = record with { Data = upToData[start..].ToArray() }; // opaque: as it is (RFC 3597, 4)
            return WireError.None;
        }

        WireError fieldsError = DnsRecordData.TryRead(upToData, start, layout, out byte[] data);
        if (fieldsError == WireError.None)
        {
            record = record with { Data = data };
        }

        return fieldsError;
    }

    /// <summary>
    /// Writes the message into the start of <paramref name="buffer"/> and returns its length
    /// (<see cref="Length"/>). Names are compressed: a name, or the end of one, that has
    /// been written before is written as a pointer to it (RFC 1035, 4.1.4; letters compare
    /// without case), in the question and record names and in the data of the RFC 1035
    /// types that hold names (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX). The names
    /// in the data of later types (SRV, NAPTR, RP, AFSDB, RT, PX) are written out in full,
    /// and the data of types NetSim does not know as it is in <see cref="DnsRecord.Data"/>
    /// (RFC 3597, 4). Nothing is written when the message cannot be.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="buffer"/> is shorter than the message; or a name cannot be written
    /// (null, a label over 63 bytes, over 255 bytes in all, an empty label, not ASCII); or a
    /// CNAME, NS or PTR record has no target; or the data of a record of a type NetSim knows
    /// does not hold that type's fields (see <see cref="TryParse"/>; its names uncompressed);
    /// or a record's data is over 65,535 bytes; or a section has over 65,535 entries.
    /// </exception>
    public int Emit(Span<byte> buffer)
    {
        int length = Length;
        if (buffer.Length < length)
        {
            throw new ArgumentException($"This DNS message takes {length} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        var writer = new Writer(buffer, measuring: false);
        Write(ref writer);
        return writer.Position;
    }

    /// <summary>The message as <see cref="Emit"/> writes it, in an array of its length.</summary>
    /// <exception cref="ArgumentException">The message cannot be written (see <see cref="Emit"/>).</exception>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        var writer = new Writer(bytes, measuring: false);
        Write(ref writer);
        return bytes;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for <paramref name="paramName"/> when
    /// <paramref name="name"/> is not a domain name that can be written.
    /// </summary>
    internal static void CheckName(string name, string paramName)
    {
        Span<byte> wire = stackalloc byte[DnsName.MaxLength];
        string? problem = DnsName.TryEncode(name, wire, out _);
        if (problem is not null)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    private void Write(ref Writer writer)
    {
        ushort flags = (ushort)(
            (IsResponse ? ResponseBit : 0) |
            (Opcode << OpcodeShift) |
            (IsAuthoritative ? AuthoritativeBit : 0) |
            (IsTruncated ? TruncatedBit : 0) |
            (RecursionDesired ? RecursionDesiredBit : 0) |
            (RecursionAvailable ? RecursionAvailableBit : 0) |
            (AuthenticData ? AuthenticDataBit : 0) |
            (CheckingDisabled ? CheckingDisabledBit : 0) |
            (int)ResponseCode);
        writer.WriteUInt16(Id);
        writer.WriteUInt16(flags);
        writer.WriteUInt16(Count(Questions.Count, "questions"));
        writer.WriteUInt16(Count(Answers.Count, "answers"));
        writer.WriteUInt16(Count(Authorities.Count, "authority records"));
        writer.WriteUInt16(Count(Additionals.Count, "additional records"));
        foreach (DnsQuestion question in Questions)
        {
            writer.WriteName(question.Name);
            writer.WriteUInt16((ushort)question.Type);
            writer.WriteUInt16((ushort)question.Class);
        }

        WriteRecords(ref writer, Answers);
        WriteRecords(ref writer, Authorities);
        WriteRecords(ref writer, Additionals);
    }

    private static ushort Count(int count, string section) =>
        count <= ushort.MaxValue ? (ushort)count : throw new ArgumentException($"A DNS message holds at most {ushort.MaxValue} {section}; this one has {count}.");

    private static void WriteRecords(ref Writer writer, IList<DnsRecord> records)
    {
        foreach (DnsRecord record in records)
        {
            writer.WriteName(record.Name);
            writer.WriteUInt16((ushort)record.Type);
            writer.WriteUInt16((ushort)record.Class);
            writer.WriteUInt32(record.TimeToLive);
            int lengthAt = writer.Position;
            writer.WriteUInt16(0);
            if (record.HasAddress)
            {
                writer.WriteUInt32(record.Address.Value);
            }
            else if (record.HasTarget)
            {
                writer.WriteName(record.Target ?? throw new ArgumentException($"The {record.Type} record of \"{record.Name}\" has no target."));
            }
            else if (DnsRecordData.Layout(record.Type) is { IsEmpty: false } layout)
            {
                if (!writer.WriteFields(record.Data.Span, layout, DnsRecordData.CompressesNames(record.Type)))
                {
                    throw new ArgumentException($"The data of the {record.Type} record of \"{record.Name}\" does not hold a {record.Type} record's fields, with its names uncompressed.");
                }
            }
            else
            {
                writer.WriteBytes(record.Data.Span); // opaque (RFC 3597, 4)
            }

            int dataLength = writer.Position - lengthAt - 2;
            if (dataLength > ushort.MaxValue)
            {
                throw new ArgumentException($"The {record.Type} record of \"{record.Name}\" has {dataLength} bytes of data; a record holds at most {ushort.MaxValue}.");
            }

            writer.PatchUInt16(lengthAt, (ushort)dataLength);
        }
    }

    // Writes a message, or only counts its bytes (measuring), with the names written so far
    // kept for compression: every suffix of each name, by its wire bytes with letters
    // lowered, at its offset when a 14-bit pointer reaches it.
    private ref struct Writer
    {
        private readonly Span<byte> buffer;
        private readonly bool measuring;
        private readonly Dictionary<string, int> suffixes = new(StringComparer.Ordinal);

        public Writer(Span<byte> buffer, bool measuring)
        {
            this.buffer = buffer;
            this.measuring = measuring;
        }

        public int Position { get; private set; }

        public void WriteUInt16(ushort value)
        {
            if (!measuring)
            {
                BinaryPrimitives.WriteUInt16BigEndian(buffer[Position..], value);
            }

            Position += 2;
        }

        public void WriteUInt32(uint value)
        {
            if (!measuring)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer[Position..], value);
            }

            Position += 4;
        }

        public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
        {
            if (!measuring)
            {
                bytes.CopyTo(buffer[Position..]);
            }

            Position += bytes.Length;
        }

        public readonly void PatchUInt16(int at, ushort value)
        {
            if (!measuring)
            {
                BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], value);
            }
        }

        public void WriteName(string? name)
        {
            Span<byte> wire = stackalloc byte[DnsName.MaxLength];
            string? problem = DnsName.TryEncode(name, wire, out int length);
            if (problem is not null)
            {
                throw new ArgumentException(problem);
            }

            WriteName(wire[..length], compress: true);
        }

        // Writes the data of a record with the layout `layout`, its names compressed when
        // `compress` says; false when the data does not hold the fields.
        public bool WriteFields(ReadOnlySpan<byte> data, ReadOnlySpan<byte> layout, bool compress)
        {
            int at = 0;
            foreach (byte field in layout)
            {
                int length = field == DnsRecordData.Name ? DnsName.MeasureUncompressed(data[at..]) : DnsRecordData.FieldLength(field, data[at..]);
                if (length < 0)
                {
                    return false;
                }

                if (field == DnsRecordData.Name)
                {
                    WriteName(data.Slice(at, length), compress);
                }
                else
                {
                    WriteBytes(data.Slice(at, length));
                }

                at += length;
            }

            return at == data.Length;
        }

        // Writes the uncompressed name `wire`; compressed, it ends in a pointer to a suffix
        // written before, and its own suffixes are kept for the names after it. Uncompressed,
        // it neither points nor is pointed to.
        private void WriteName(scoped ReadOnlySpan<byte> wire, bool compress)
        {
            int at = 0;
            while (wire[at] != 0)
            {
                if (compress)
                {
                    string key = DnsName.SuffixKey(wire[at..]);
                    if (suffixes.TryGetValue(key, out int offset))
                    {
                        WriteUInt16((ushort)((DnsName.PointerBits << 8) | offset));
                        return;
                    }

                    if (Position <= DnsName.MaxPointerOffset)
                    {
                        suffixes.Add(key, Position);
                    }
                }

                int labelLength = 1 + wire[at];
                WriteBytes(wire.Slice(at, labelLength));
                at += labelLength;
            }

            WriteBytes(wire.Slice(at, 1));
        }
    }
}
