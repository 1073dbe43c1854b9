using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Tests.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Wire;

// PacketDotNet has no DNS, so the vectors are assembled by hand, checked by tshark's dissector
// (text2pcap -u 53,5353, then tshark -V: every field as commented here, no expert warnings).
public class DnsMessageTests
{
    // The response to "www.example.com A" with a CNAME chain, id 0x1a2b, flags 0x8180 (QR, RD,
    // RA, no error): www.example.com CNAME web.example.com (TTL 3600), web.example.com A
    // 93.184.216.34 (TTL 86400). Compressed: the first answer's name points to the question's
    // at 12; the CNAME's data is "web" and a pointer to "example.com" at 16; the second answer's
    // name points to "web.example.com" in the CNAME's data, at 45.
    private static readonly byte[] CnameResponse =
    [
        0x1a, 0x2b, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
        // 12: question
        0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
        0x00, 0x01, 0x00, 0x01,
        // 33: answer 1, CNAME; its data at 45
        0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06,
        0x03, 0x77, 0x65, 0x62, 0xc0, 0x10,
        // 51: answer 2, A
        0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 0x04,
        0x5d, 0xb8, 0xd8, 0x22,
    ];

    // An authoritative NXDOMAIN for "nope.example.com A", id 0x7e57, flags 0x8583 (QR, AA, RD,
    // RA, name error), with the zone's SOA in the authority section (TTL 3600): ns.example.com,
    // hostmaster.example.com, serial 2024081400, refresh 7200, retry 3600, expire 1209600,
    // minimum 3600. The SOA's name and both names in its data point to "example.com" at 17.
    private static readonly byte[] NxDomainResponse =
    [
        0x7e, 0x57, 0x85, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        // 12: question
        0x04, 0x6e, 0x6f, 0x70, 0x65, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
        0x00, 0x01, 0x00, 0x01,
        // 34: authority, SOA, 38 bytes of data at 46
        0xc0, 0x11, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x26,
        0x02, 0x6e, 0x73, 0xc0, 0x11,
        0x0a, 0x68, 0x6f, 0x73, 0x74, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0xc0, 0x11,
        0x78, 0xa5, 0x07, 0xf8, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x0e, 0x10,
    ];

    // The NXDOMAIN's SOA data with its names written out: what the parse keeps.
    private static readonly byte[] SoaData =
    [
        0x02, 0x6e, 0x73, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
        0x0a, 0x68, 0x6f, 0x73, 0x74, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
        0x78, 0xa5, 0x07, 0xf8, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x0e, 0x10,
    ];

    private static readonly Ipv4Address WebAddress = Ipv4Address.Parse("93.184.216.34");

    // The real query (from a capture): id 0x4597, RD, "x.research.qq.com A IN".
    private static byte[] RealQuery => TransportCaptures.DnsQuery[(Ipv4Header.MinLength + UdpHeader.HeaderLength)..];

    private static DnsMessage CnameChain()
    {
        DnsMessage response = DnsMessage.Query(0x1a2b, "www.example.com", DnsType.A).CreateResponse(DnsResponseCode.NoError);
        response.RecursionAvailable = true;
        response.Answers.Add(DnsRecord.Cname("www.example.com", "web.example.com", 3600));
        response.Answers.Add(DnsRecord.A("web.example.com", WebAddress, 86400));
        return response;
    }

    private static DnsMessage Parse(ReadOnlySpan<byte> bytes)
    {
        DnsMessage.TryParse(bytes, out DnsMessage? message).Should().Be(WireError.None);
        message.Should().NotBeNull();
        return message!;
    }

    private static void ShouldBeTheSame(DnsMessage actual, DnsMessage expected)
    {
        actual.Id.Should().Be(expected.Id);
        actual.IsResponse.Should().Be(expected.IsResponse);
        actual.Opcode.Should().Be(expected.Opcode);
        actual.IsAuthoritative.Should().Be(expected.IsAuthoritative);
        actual.IsTruncated.Should().Be(expected.IsTruncated);
        actual.RecursionDesired.Should().Be(expected.RecursionDesired);
        actual.RecursionAvailable.Should().Be(expected.RecursionAvailable);
        actual.ResponseCode.Should().Be(expected.ResponseCode);
        actual.Questions.Should().Equal(expected.Questions);
        actual.Answers.Should().Equal(expected.Answers);
        actual.Authorities.Should().Equal(expected.Authorities);
        actual.Additionals.Should().Equal(expected.Additionals);
    }

    [Fact]
    public void Reads_a_real_query_field_by_field_and_writes_it_back()
    {
        byte[] bytes = RealQuery;
        DnsMessage query = Parse(bytes);
        query.Id.Should().Be(0x4597);
        query.IsResponse.Should().BeFalse();
        query.Opcode.Should().Be(0);
        query.IsAuthoritative.Should().BeFalse();
        query.IsTruncated.Should().BeFalse();
        query.RecursionDesired.Should().BeTrue();
        query.RecursionAvailable.Should().BeFalse();
        query.ResponseCode.Should().Be(DnsResponseCode.NoError);
        query.Questions.Should().Equal(new DnsQuestion("x.research.qq.com", DnsType.A, DnsClass.IN));
        query.Answers.Should().BeEmpty();
        query.Authorities.Should().BeEmpty();
        query.Additionals.Should().BeEmpty();

        DnsMessage.TryReadId(bytes, out ushort id).Should().BeTrue();
        id.Should().Be(0x4597);
        DnsMessage.Query(0x4597, "x.research.qq.com", DnsType.A).ToArray().Should().Equal(bytes);
    }

    [Fact]
    public void Reads_a_compressed_response_with_a_cname_chain_field_by_field()
    {
        DnsMessage response = Parse(CnameResponse);
        response.Id.Should().Be(0x1a2b);
        response.IsResponse.Should().BeTrue();
        response.Opcode.Should().Be(0);
        response.IsAuthoritative.Should().BeFalse();
        response.IsTruncated.Should().BeFalse();
        response.RecursionDesired.Should().BeTrue();
        response.RecursionAvailable.Should().BeTrue();
        response.ResponseCode.Should().Be(DnsResponseCode.NoError);
        response.Questions.Should().Equal(new DnsQuestion("www.example.com", DnsType.A));
        response.Answers.Should().HaveCount(2);
        response.Answers[0].Should().Be(new DnsRecord("www.example.com", DnsType.CNAME, DnsClass.IN, 3600, Target: "web.example.com"));
        response.Answers[1].Should().Be(new DnsRecord("web.example.com", DnsType.A, DnsClass.IN, 86400, Address: WebAddress));
        response.Authorities.Should().BeEmpty();
        response.Additionals.Should().BeEmpty();
    }

    [Fact]
    public void Writes_the_cname_chain_with_the_same_compression_as_the_vector()
    {
        DnsMessage response = CnameChain();
        byte[] bytes = response.ToArray();
        bytes.Should().Equal(CnameResponse);
        response.Length.Should().Be(67);

        // Uncompressed, each of the three names after the question takes its 17 bytes.
        const int uncompressed = DnsMessage.HeaderLength + (17 + 4) + (17 + 10 + 17) + (17 + 10 + 4);
        bytes.Length.Should().BeLessThan(uncompressed);
        uncompressed.Should().Be(108);
        bytes.AsSpan(33, 2).ToArray().Should().Equal([0xc0, 12], "the first answer's name is the question's, at 12");
        bytes.AsSpan(49, 2).ToArray().Should().Equal([0xc0, 16], "the CNAME's target ends in \"example.com\", at 16");
        bytes.AsSpan(51, 2).ToArray().Should().Equal([0xc0, 45], "the second answer's name is the CNAME's target, at 45");

        ShouldBeTheSame(Parse(bytes), response);
    }

    [Fact]
    public void Emit_writes_into_a_larger_buffer_and_refuses_a_smaller_one()
    {
        DnsMessage response = CnameChain();
        var buffer = new byte[100];
        buffer.AsSpan().Fill(0xa5);
        response.Emit(buffer).Should().Be(67);
        buffer[..67].Should().Equal(CnameResponse);
        buffer[67..].Should().OnlyContain(b => b == 0xa5);

        var small = new byte[66];
        Action tooSmall = () => response.Emit(small);
        tooSmall.Should().Throw<ArgumentException>().WithMessage("*67 bytes*66*").And.ParamName.Should().Be("buffer");
        small.Should().OnlyContain(b => b == 0, "nothing is written when the message does not fit");
    }

    [Fact]
    public void A_query_and_its_response()
    {
        DnsMessage query = DnsMessage.Query(7, "www.example.com", DnsType.AAAA);
        query.IsResponse.Should().BeFalse();
        query.RecursionDesired.Should().BeTrue();
        query.Questions.Should().Equal(new DnsQuestion("www.example.com", DnsType.AAAA, DnsClass.IN));

        query.RecursionDesired = false;
        DnsMessage refused = query.CreateResponse(DnsResponseCode.Refused);
        refused.Id.Should().Be(7);
        refused.IsResponse.Should().BeTrue();
        refused.RecursionDesired.Should().BeFalse("RD is copied");
        refused.ResponseCode.Should().Be(DnsResponseCode.Refused);
        refused.Questions.Should().Equal(query.Questions);
        refused.Questions.Should().NotBeSameAs(query.Questions);
        refused.Answers.Should().BeEmpty();

        byte[] bytes = refused.ToArray();
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)).Should().Be(0x8005);
        ShouldBeTheSame(Parse(bytes), refused);
    }

    [Fact]
    public void An_nxdomain_with_a_compressed_soa_is_read_with_its_names_written_out()
    {
        DnsMessage response = Parse(NxDomainResponse);
        response.Id.Should().Be(0x7e57);
        response.IsResponse.Should().BeTrue();
        response.IsAuthoritative.Should().BeTrue();
        response.RecursionDesired.Should().BeTrue();
        response.RecursionAvailable.Should().BeTrue();
        response.ResponseCode.Should().Be(DnsResponseCode.NameError);
        response.Questions.Should().Equal(new DnsQuestion("nope.example.com", DnsType.A));
        response.Answers.Should().BeEmpty();
        response.Authorities.Should().Equal(new DnsRecord("example.com", DnsType.SOA, DnsClass.IN, 3600, Data: SoaData));
        response.Additionals.Should().BeEmpty();

        byte[] again = response.ToArray();
        again.Should().Equal(NxDomainResponse, "SOA is an RFC 1035 type: its names compress again, against the question's (RFC 3597, 4)");
        ShouldBeTheSame(Parse(again), response);
    }

    [Fact]
    public void An_nxdomain_built_with_raw_soa_data_round_trips()
    {
        DnsMessage response = DnsMessage.Query(0x7e57, "nope.example.com", DnsType.A).CreateResponse(DnsResponseCode.NameError);
        response.IsAuthoritative = true;
        response.Authorities.Add(new DnsRecord("example.com", DnsType.SOA, DnsClass.IN, 3600, Data: SoaData.ToArray()));

        byte[] bytes = response.ToArray();
        DnsMessage parsed = Parse(bytes);
        ShouldBeTheSame(parsed, response);
        parsed.Authorities[0].Data.Span.ToArray().Should().Equal(SoaData);
        parsed.Authorities[0].Should().Be(response.Authorities[0], "Data compares by its bytes, not by the array it lies in");
        parsed.Authorities[0].GetHashCode().Should().Be(response.Authorities[0].GetHashCode());
        bytes.AsSpan(34, 2).ToArray().Should().Equal([0xc0, 17], "the SOA's name is the end of the question's, at 17");
    }

    [Fact]
    public void Unknown_types_classes_and_mx_data_pass_through()
    {
        byte[] txt = [5, .. "hello"u8];
        byte[] aaaa = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        byte[] chaosA = [0x04, 0x68, 0x6f, 0x73, 0x74, 0x00, 0x01, 0x02]; // CH-class A data: a name and a 16-bit address
        byte[] mx = [0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00];
        var message = new DnsMessage
        {
            Id = 0xffff,
            IsResponse = true,
            Opcode = 2,
            IsTruncated = true,
            ResponseCode = (DnsResponseCode)15,
            Questions = { new DnsQuestion("example", (DnsType)255, (DnsClass)255) },
            Answers =
            {
                new DnsRecord("example", DnsType.TXT, DnsClass.IN, 0, Data: txt),
                new DnsRecord("example", DnsType.AAAA, DnsClass.IN, uint.MaxValue, Data: aaaa),
                new DnsRecord("example", DnsType.MX, DnsClass.IN, 60, Data: mx),
                new DnsRecord("example", (DnsType)99, DnsClass.IN, 1),
            },
            Authorities = { new DnsRecord("example", DnsType.NS, DnsClass.IN, 60, Target: "ns.example") },
            Additionals =
            {
                new DnsRecord("version.bind", DnsType.A, (DnsClass)3, 0, Data: chaosA),
                new DnsRecord("34.216.184.93.in-addr.arpa", DnsType.PTR, DnsClass.IN, 5, Target: "web.example.com"),
                new DnsRecord("", DnsType.NS, DnsClass.IN, 5, Target: "a.root-servers.net"),
            },
        };

        byte[] bytes = message.ToArray();
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)).Should().Be(0x920f, "QR, opcode 2, TC and response code 15");
        ShouldBeTheSame(Parse(bytes), message);
    }

    [Fact]
    public void An_mx_whose_exchange_is_compressed_is_read_with_it_written_out()
    {
        byte[] bytes =
        [
            0x00, 0x01, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x0f, 0x00, 0x01, // 12: "example" MX IN
            0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x09, // 25: its MX, 9 bytes of data
            0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 0x0c, // preference 10, "mail" and a pointer to "example"
        ];
        DnsMessage message = Parse(bytes);
        message.Answers[0].Data.Span.ToArray().Should().Equal(0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00);
    }

    [Fact]
    public void Compression_matches_letters_without_case_and_names_keep_the_case_they_are_read_in()
    {
        var message = new DnsMessage
        {
            Questions = { new DnsQuestion("WWW.Example.COM", DnsType.A) },
            Answers = { DnsRecord.A("www.example.com", WebAddress, 1) },
        };
        byte[] bytes = message.ToArray();
        bytes.AsSpan(33, 2).ToArray().Should().Equal([0xc0, 12]);

        DnsMessage parsed = Parse(bytes);
        parsed.Questions[0].Name.Should().Be("WWW.Example.COM");
        parsed.Answers[0].Name.Should().Be("WWW.Example.COM", "the answer's name is a pointer to the question's");
        DnsMessage.NamesEqual(parsed.Answers[0].Name, "www.example.com").Should().BeTrue();
    }

    [Fact]
    public void Label_bytes_that_are_not_printable_ascii_are_escaped_and_round_trip()
    {
        const string name = @"a\.b.\000\032\\\255.example";
        var message = new DnsMessage { Questions = { new DnsQuestion(name, DnsType.TXT) } };
        byte[] bytes = message.ToArray();
        bytes.AsSpan(12, 16).ToArray().Should().Equal(3, (byte)'a', (byte)'.', (byte)'b', 4, 0, 32, (byte)'\\', 255, 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l');
        Parse(bytes).Questions[0].Name.Should().Be(name);

        var trailingDot = new DnsMessage { Questions = { new DnsQuestion("www.example.com.", DnsType.A) } };
        trailingDot.ToArray().Should().Equal(new DnsMessage { Questions = { new DnsQuestion("www.example.com", DnsType.A) } }.ToArray());
        var root = new DnsMessage { Questions = { new DnsQuestion(".", DnsType.NS), new DnsQuestion("", DnsType.NS) } };
        byte[] rootBytes = root.ToArray();
        rootBytes[12..].Should().Equal(0, 0, 2, 0, 1, 0, 0, 2, 0, 1);
        Parse(rootBytes).Questions.Should().OnlyContain(q => q.Name.Length == 0);
    }

    [Fact]
    public void Names_compare_without_case_or_trailing_dot()
    {
        DnsMessage.NamesEqual("WWW.Example.COM.", "www.example.com").Should().BeTrue();
        DnsMessage.NamesEqual("www.example.com", "www.example.com.").Should().BeTrue();
        DnsMessage.NamesEqual(".", "").Should().BeTrue();
        DnsMessage.NamesEqual("www.example.com", "www.example.org").Should().BeFalse();
        DnsMessage.NamesEqual("www.example.com", "ww.example.com").Should().BeFalse();
        DnsMessage.NamesEqual(@"a\.", "a").Should().BeFalse("an escaped dot is part of the label");
        DnsMessage.NamesEqual(@"a\\.", @"A\\").Should().BeTrue("an escaped backslash before the dot leaves the dot the root's");
        DnsMessage.NamesEqual("\u00e9", "\u00c9").Should().BeFalse("only ASCII letters fold");
        DnsMessage.NamesEqual("[", "{").Should().BeFalse("only letters fold");
    }

    [Fact]
    public void Names_that_cannot_be_written_are_refused_and_say_why()
    {
        string label63 = new('a', 63);
        string longest = $"{label63}.{label63}.{label63}.{new string('b', 61)}"; // 255 bytes on the wire
        DnsMessage.Query(1, longest, DnsType.A).ToArray().Length.Should().Be(DnsMessage.HeaderLength + 255 + 4);

        ShouldRefuse($"{new string('a', 64)}.com", "*label longer than 63*");
        ShouldRefuse(longest + "b", "*longer than 255*");
        ShouldRefuse("www..com", "*empty label*");
        ShouldRefuse(".com", "*empty label*");
        ShouldRefuse("caf\u00e9.com", "*not ASCII*");
        ShouldRefuse(@"a\256", @"*\256*");
        ShouldRefuse(@"a\", "*lone backslash*");

        Action nullName = () => new DnsMessage { Questions = { default } }.ToArray();
        nullName.Should().Throw<ArgumentException>().WithMessage("*null*");
        Action noTarget = () => new DnsMessage { Answers = { new DnsRecord("a", DnsType.CNAME, DnsClass.IN, 1) } }.ToArray();
        noTarget.Should().Throw<ArgumentException>().WithMessage("*CNAME*no target*");
        Action badTarget = () => DnsRecord.Cname("a", "b..c", 1);
        badTarget.Should().Throw<ArgumentException>().And.ParamName.Should().Be("target");
        Action badName = () => DnsRecord.A("b..c", WebAddress, 1);
        badName.Should().Throw<ArgumentException>().And.ParamName.Should().Be("name");
        Action bigData = () => new DnsMessage { Answers = { new DnsRecord("a", DnsType.TXT, DnsClass.IN, 1, Data: new byte[65536]) } }.ToArray();
        bigData.Should().Throw<ArgumentException>().WithMessage("*65536*65535*");

        var message = new DnsMessage();
        Action opcode = () => message.Opcode = 16;
        opcode.Should().Throw<ArgumentOutOfRangeException>();
        Action code = () => message.ResponseCode = (DnsResponseCode)16;
        code.Should().Throw<ArgumentOutOfRangeException>();

        static void ShouldRefuse(string name, string why)
        {
            Action query = () => DnsMessage.Query(1, name, DnsType.A);
            query.Should().Throw<ArgumentException>().WithMessage(why).And.ParamName.Should().Be("name");
            var message = new DnsMessage { Answers = { new DnsRecord("ok", DnsType.PTR, DnsClass.IN, 1, Target: name) } };
            Action emit = () => message.Emit(new byte[1024]);
            emit.Should().Throw<ArgumentException>().WithMessage(why);
            Action length = () => _ = message.Length;
            length.Should().Throw<ArgumentException>().WithMessage(why);
        }
    }

    // What a parse of the first `length` bytes of the CNAME response says.
    private static WireError CnameResponseCutAt(int length) => length switch
    {
        < 12 => WireError.Truncated, // inside the header
        12 => WireError.BadLength, // the question count claims a question that is not there
        < 33 => WireError.Truncated, // inside the question's name, type or class
        33 => WireError.BadLength, // the answer count claims answers that are not there
        < 45 => WireError.Truncated, // inside the first answer's name pointer or fixed fields
        < 52 => WireError.BadLength, // the CNAME's data runs past the end; at 51, the second answer is missing
        < 63 => WireError.Truncated, // inside the second answer's name pointer or fixed fields
        _ => WireError.BadLength, // the A record's data runs past the end
    };

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        for (int length = 0; length < CnameResponse.Length; length++)
        {
            DnsMessage.TryParse(CnameResponse.AsSpan(0, length), out DnsMessage? message).Should().Be(CnameResponseCutAt(length), $"at length {length}");
            message.Should().BeNull();
            DnsMessage.TryReadId(CnameResponse.AsSpan(0, length), out _).Should().Be(length >= DnsMessage.HeaderLength);
        }

        for (int length = 0; length < NxDomainResponse.Length; length++)
        {
            WireError expected = length switch
            {
                < 12 => WireError.Truncated,
                12 => WireError.BadLength,
                < 34 => WireError.Truncated,
                34 => WireError.BadLength, // the authority count claims a record that is not there
                < 46 => WireError.Truncated,
                _ => WireError.BadLength, // the SOA's data runs past the end
            };
            DnsMessage.TryParse(NxDomainResponse.AsSpan(0, length), out _).Should().Be(expected, $"at length {length}");
        }

        byte[] query = RealQuery;
        for (int length = 0; length < query.Length; length++)
        {
            DnsMessage.TryParse(query.AsSpan(0, length), out _).Should().Be(length == 12 ? WireError.BadLength : WireError.Truncated, $"at length {length}");
        }
    }

    // A message of a header with `questions` questions and the bytes after it.
    private static byte[] Questions(int questions, params byte[] body)
    {
        byte[] bytes = [0x12, 0x34, 0x01, 0x00, 0x00, (byte)questions, 0, 0, 0, 0, 0, 0, .. body];
        return bytes;
    }

    private static WireError ParseError(byte[] bytes) => DnsMessage.TryParse(bytes, out _);

    [Fact]
    public void Compression_loops_are_found()
    {
        ParseError(Questions(1, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.DnsCompressionLoop, "a pointer to itself");
        ParseError(Questions(1, 0x01, 0x61, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.DnsCompressionLoop, "a pointer back to the label before it");
        ParseError(Questions(1, 0x01, 0x61, 0xc0, 0x0e, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.DnsCompressionLoop, "a pointer to itself after a label");

        // 12: a pointer to 18; 18: a pointer to 12.
        byte[] eachOther = Questions(2, 0xc0, 0x12, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01);
        ParseError(eachOther).Should().Be(WireError.DnsCompressionLoop, "two pointers that point at each other");

        // A longer cycle through labels: 12: "a", pointer to 20; 20: "b", pointer to 12.
        byte[] cycle = Questions(2, 0x01, 0x61, 0xc0, 0x14, 0x00, 0x01, 0x00, 0x01, 0x01, 0x62, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01);
        ParseError(cycle).Should().Be(WireError.DnsCompressionLoop);

        // In an answer's name and in a CNAME's data.
        byte[] answer = [.. CnameResponse];
        answer[51] = 0xc0;
        answer[52] = 51;
        ParseError(answer).Should().Be(WireError.DnsCompressionLoop);
        byte[] target = [.. CnameResponse];
        target[49] = 0xc0;
        target[50] = 45;
        ParseError(target).Should().Be(WireError.DnsCompressionLoop);
    }

    [Fact]
    public void Pointers_past_the_end_or_ahead_are_bad_pointers()
    {
        ParseError(Questions(1, 0xc0, 0xff, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.BadDnsPointer, "past the end");
        ParseError(Questions(1, 0xff, 0xff, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.BadDnsPointer, "past the end, with all 14 bits");

        // 12: a pointer ahead to 18, where "a" ends well: not a loop, but not a prior occurrence.
        ParseError(Questions(2, 0xc0, 0x12, 0x00, 0x01, 0x00, 0x01, 0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.BadDnsPointer);

        // A CNAME's target that points into the second answer, after it.
        byte[] ahead = [.. CnameResponse];
        ahead[49] = 0xc0;
        ahead[50] = 51;
        ParseError(ahead).Should().Be(WireError.BadDnsPointer);

        // Pointers back to a prior occurrence, even to a pointer, are good.
        byte[] chain = Questions(3, 0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x13, 0x00, 0x01, 0x00, 0x01);
        Parse(chain).Questions.Select(q => q.Name).Should().Equal("a", "a", "a");
    }

    [Fact]
    public void Reserved_label_types_and_a_label_of_64_are_bad_names()
    {
        // 64 is 0x40: on the wire a label of 64 bytes reads as the reserved label type 01.
        ParseError(Questions(1, [0x40, .. new byte[64], 0x00, 0x00, 0x01, 0x00, 0x01])).Should().Be(WireError.BadDnsName);
        ParseError(Questions(1, 0x80, 0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.BadDnsName);
        ParseError(Questions(1, 0x01, 0x61, 0x41, 0x00, 0x00, 0x01, 0x00, 0x01)).Should().Be(WireError.BadDnsName, "an EDNS extended label (RFC 6891 retired it)");
        ParseError(Questions(1, [0x3f, .. new byte[63], 0x00, 0x00, 0x01, 0x00, 0x01])).Should().Be(WireError.None, "63 is the longest label");
    }

    private static byte[] Label(char c, int length) => [(byte)length, .. Enumerable.Repeat((byte)c, length)];

    [Fact]
    public void Names_over_255_bytes_are_bad_names_whether_written_out_or_through_pointers()
    {
        byte[] typeAndClass = [0x00, 0x01, 0x00, 0x01];
        byte[] longest = [.. Label('a', 63), .. Label('b', 63), .. Label('c', 63), .. Label('d', 61), 0x00];
        longest.Length.Should().Be(255);
        Parse(Questions(1, [.. longest, .. typeAndClass])).Questions[0].Name.Length.Should().Be(253);
        byte[] tooLong = [.. Label('a', 63), .. Label('b', 63), .. Label('c', 63), .. Label('d', 62), 0x00];
        ParseError(Questions(1, [.. tooLong, .. typeAndClass])).Should().Be(WireError.BadDnsName);

        // Each question adds a label of 63 to the one before through a pointer: 65, 129, 193, then 257 bytes.
        byte[] first = [.. Label('a', 63), 0x00, .. typeAndClass]; // at 12
        byte[] second = [.. Label('b', 63), 0xc0, 12, .. typeAndClass]; // at 81
        byte[] third = [.. Label('c', 63), 0xc0, 81, .. typeAndClass]; // at 151
        byte[] fourth = [.. Label('d', 63), 0xc0, 151, .. typeAndClass]; // at 221
        Parse(Questions(3, [.. first, .. second, .. third])).Questions[2].Name.Should().Be($"{new string('c', 63)}.{new string('b', 63)}.{new string('a', 63)}");
        ParseError(Questions(4, [.. first, .. second, .. third, .. fourth])).Should().Be(WireError.BadDnsName);
    }

    [Fact]
    public void Data_lengths_and_counts_that_disagree_with_the_bytes_are_bad_lengths()
    {
        byte[] fiveByteA = [.. CnameResponse, 0x00];
        fiveByteA[62] = 5;
        ParseError(fiveByteA).Should().Be(WireError.BadLength, "an A record's data is 4 bytes");
        byte[] threeByteA = [.. CnameResponse];
        threeByteA[62] = 3;
        ParseError(threeByteA).Should().Be(WireError.BadLength);

        byte[] longCname = [.. CnameResponse[..51], 0x00, .. CnameResponse[51..]];
        longCname[44] = 7;
        ParseError(longCname).Should().Be(WireError.BadLength, "a CNAME's name must end with its data");
        byte[] shortCname = [.. CnameResponse];
        shortCname[44] = 5;
        ParseError(shortCname).Should().Be(WireError.BadLength, "a CNAME's name must not run past its data");

        byte[] soa = [.. NxDomainResponse];
        soa[45] = 37;
        ParseError(soa).Should().Be(WireError.BadLength, "an SOA's timers are 20 bytes");

        foreach (int countOffset in new[] { DnsMessage.AnswerCountOffset, DnsMessage.AuthorityCountOffset, DnsMessage.AdditionalCountOffset })
        {
            byte[] more = [.. CnameResponse];
            more[countOffset + 1]++;
            ParseError(more).Should().Be(WireError.BadLength, $"the count at {countOffset} claims a record that is not there");
        }

        byte[] manyMore = [.. CnameResponse];
        manyMore[6] = 0xff;
        ParseError(manyMore).Should().Be(WireError.BadLength);

        byte[] trailing = [.. CnameResponse, 0x00, 0x00, 0x00];
        ShouldBeTheSame(Parse(trailing), Parse(CnameResponse));
    }

    // Checks that a parse of arbitrary bytes neither throws nor returns an unknown reason, and
    // that a message it accepts writes out and reads back to the same bytes.
    private static void ParsesSafely(ReadOnlySpan<byte> bytes, string because)
    {
        WireError error = DnsMessage.TryParse(bytes, out DnsMessage? message);
        Enum.IsDefined(error).Should().BeTrue(because);
        (message is null).Should().Be(error != WireError.None, because);
        if (message is not null)
        {
            byte[] written = message.ToArray();
            DnsMessage again = Parse(written);
            again.ToArray().Should().Equal(written, because);
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new RandomSource(1035);
        var buffer = new byte[128];
        int parsed = 0;
        int withRecords = 0;
        var reasons = new HashSet<WireError>();
        for (int i = 0; i < 10_000; i++)
        {
            int length;
            if (i % 2 == 0)
            {
                length = (int)random.NextInt64(buffer.Length);
                random.NextBytes(buffer.AsSpan(0, length));
            }
            else
            {
                length = RandomPieces(random, buffer);
            }

            ParsesSafely(buffer.AsSpan(0, length), $"for random bytes {i}");
            WireError error = DnsMessage.TryParse(buffer.AsSpan(0, length), out DnsMessage? message);
            reasons.Add(error);
            if (error == WireError.None)
            {
                parsed++;
                withRecords += message!.Answers.Count + message.Authorities.Count + message.Additionals.Count > 0 ? 1 : 0;
            }
        }

        parsed.Should().BeGreaterThan(100, "some are well formed, and go out and back");
        withRecords.Should().BeGreaterThan(10);
        reasons.Should().BeEquivalentTo(
            [WireError.None, WireError.Truncated, WireError.BadLength, WireError.BadDnsName, WireError.DnsCompressionLoop, WireError.BadDnsPointer],
            "the pieces reach every reason");
    }

    // A header with small counts, then random pieces of what a message holds: labels, root
    // bytes, compression pointers (mostly back, some ahead), types and classes, TTLs and
    // short data lengths. Returns the length.
    private static int RandomPieces(RandomSource random, byte[] buffer)
    {
        random.NextBytes(buffer.AsSpan(0, DnsMessage.HeaderLength));
        for (int count = DnsMessage.QuestionCountOffset; count < DnsMessage.HeaderLength; count += 2)
        {
            buffer[count] = 0;
            buffer[count + 1] = (byte)random.NextInt64(3);
        }

        int at = DnsMessage.HeaderLength;
        int end = at + (int)random.NextInt64(buffer.Length - DnsMessage.HeaderLength - 8);
        while (at < end)
        {
            switch (random.NextInt64(5))
            {
                case 0:
                    int labelLength = 1 + (int)random.NextInt64(4);
                    buffer[at++] = (byte)labelLength;
                    for (int i = 0; i < labelLength; i++)
                    {
                        buffer[at++] = (byte)('a' + random.NextInt64(3));
                    }

                    break;
                case 1:
                    buffer[at++] = 0;
                    break;
                case 2:
                    buffer[at++] = DnsName.PointerBits;
                    buffer[at] = (byte)random.NextInt64(at + 4);
                    at++;
                    break;
                case 3:
                    buffer[at++] = 0;
                    buffer[at++] = (byte)(random.NextBoolean(0.5) ? DnsType.A : DnsType.CNAME);
                    buffer[at++] = 0;
                    buffer[at++] = (byte)DnsClass.IN;
                    break;
                default:
                    random.NextBytes(buffer.AsSpan(at, 4));
                    at += 4;
                    buffer[at++] = 0;
                    buffer[at++] = (byte)random.NextInt64(7);
                    break;
            }
        }

        return at;
    }

    [Fact]
    public void Mutations_of_valid_messages_never_throw()
    {
        var random = new RandomSource(4141);
        foreach (byte[] valid in new[] { CnameResponse, NxDomainResponse, RealQuery })
        {
            for (int bit = 0; bit < valid.Length * 8; bit++)
            {
                byte[] flipped = [.. valid];
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                ParsesSafely(flipped, $"with bit {bit} flipped");
            }

            for (int i = 0; i < 2_000; i++)
            {
                byte[] mutated = [.. valid];
                for (int changes = 1 + (int)random.NextInt64(3); changes > 0; changes--)
                {
                    mutated[(int)random.NextInt64(mutated.Length)] = (byte)random.NextInt64(256);
                }

                ParsesSafely(mutated, $"for mutation {i}");
            }
        }
    }

    // "example.com" on the wire, 13 bytes.
    private static readonly byte[] ExampleCom = [0x07, .. "example"u8, 0x03, .. "com"u8, 0x00];

    // A response (id 2, QR and AA) to "example.com <type>" with one answer of that type, its
    // owner a pointer to the question's name at 12, holding `data` (at 41).
    private static byte[] OneRecord(DnsType type, params byte[] data) =>
    [
        0x00, 0x02, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        .. ExampleCom, (byte)((int)type >> 8), (byte)((int)type & 0xff), 0x00, 0x01, // 12: the question
        0xc0, 0x0c, (byte)((int)type >> 8), (byte)((int)type & 0xff), 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, (byte)(data.Length >> 8), (byte)(data.Length & 0xff), // 29: the answer
        .. data, // 41
    ];

    [Fact]
    public void The_ad_and_cd_bits_are_kept()
    {
        // "example.com A" as dig +adflag +cdflag sends it: RD, AD and CD, flags 0x0130 (RFC 4035, 3.2; RFC 6840, 5.7).
        byte[] bytes = [0xbe, 0xef, 0x01, 0x30, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, .. ExampleCom, 0x00, 0x01, 0x00, 0x01];
        DnsMessage query = Parse(bytes);
        query.AuthenticData.Should().BeTrue();
        query.CheckingDisabled.Should().BeTrue();
        query.RecursionDesired.Should().BeTrue();
        query.ToArray().Should().Equal(bytes);

        DnsMessage response = query.CreateResponse(DnsResponseCode.NoError);
        response.CheckingDisabled.Should().BeTrue("a response copies CD (RFC 4035, 3.1.6)");
        response.AuthenticData.Should().BeFalse("AD is the responder's to set (RFC 4035, 3.2.3)");
        response.AuthenticData = true;
        BinaryPrimitives.ReadUInt16BigEndian(response.ToArray().AsSpan(2)).Should().Be(0x8130);
        Parse(new DnsMessage { AuthenticData = true }.ToArray()).CheckingDisabled.Should().BeFalse("AD and CD are separate bits");
    }

    [Fact]
    public void Names_in_minfo_data_are_read_out_of_their_compression_and_written_with_the_message_s_own()
    {
        // MINFO (RFC 1035, 3.3.7) as dnspython writes it: "mbox" and "errors", each then a pointer to "example.com" at 12.
        DnsRecord minfo = Parse(OneRecord(DnsType.MINFO, [0x04, .. "mbox"u8, 0xc0, 0x0c, 0x06, .. "errors"u8, 0xc0, 0x0c])).Answers[0];
        minfo.Data.ToArray().Should().Equal([0x04, .. "mbox"u8, .. ExampleCom, 0x06, .. "errors"u8, .. ExampleCom]);

        // Moved into a message where 12 holds another name, it keeps its names, compressed against its owner's.
        var moved = new DnsMessage { Questions = { new DnsQuestion("a.test", DnsType.TXT) }, Answers = { minfo } };
        byte[] written = moved.ToArray();
        written.Should().Equal(
        [
            0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0x01, (byte)'a', 0x04, .. "test"u8, 0x00, 0x00, 0x10, 0x00, 0x01, // 12: "a.test" TXT
            .. ExampleCom, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, // 24: "example.com" MINFO, 16 bytes of data
            0x04, .. "mbox"u8, 0xc0, 24, 0x06, .. "errors"u8, 0xc0, 24, // 47: both names end in a pointer to the owner's
        ]);
        Parse(written).Answers.Should().Equal(minfo);
    }

    [Fact]
    public void Names_in_record_data_are_decompressed_and_only_rfc_1035_types_compress_them_again()
    {
        byte[] mbox = [0x04, .. "mbox"u8];
        byte[] pointer = [0xc0, 0x0c];
        (DnsType Type, byte[] Compressed, byte[] Expanded, bool Rfc1035)[] cases =
        [
            (DnsType.MD, [.. mbox, .. pointer], [.. mbox, .. ExampleCom], true),
            (DnsType.MF, [.. mbox, .. pointer], [.. mbox, .. ExampleCom], true),
            (DnsType.MB, [.. mbox, .. pointer], [.. mbox, .. ExampleCom], true),
            (DnsType.MG, [.. mbox, .. pointer], [.. mbox, .. ExampleCom], true),
            (DnsType.MR, [.. mbox, .. pointer], [.. mbox, .. ExampleCom], true),
            (DnsType.MX, [0x00, 0x0a, .. mbox, .. pointer], [0x00, 0x0a, .. mbox, .. ExampleCom], true),
            (DnsType.SOA, [.. pointer, .. mbox, .. pointer, .. new byte[20]], [.. ExampleCom, .. mbox, .. ExampleCom, .. new byte[20]], true),
            (DnsType.RP, [.. mbox, .. pointer, 0x03, .. "txt"u8, .. pointer], [.. mbox, .. ExampleCom, 0x03, .. "txt"u8, .. ExampleCom], false), // RFC 1183
            (DnsType.AFSDB, [0x00, 0x01, 0x03, .. "afs"u8, .. pointer], [0x00, 0x01, 0x03, .. "afs"u8, .. ExampleCom], false), // RFC 1183
            (DnsType.RT, [0x00, 0x0a, .. pointer], [0x00, 0x0a, .. ExampleCom], false), // RFC 1183
            (DnsType.PX, [0x00, 0x0a, .. pointer, 0x04, .. "x400"u8, .. pointer], [0x00, 0x0a, .. ExampleCom, 0x04, .. "x400"u8, .. ExampleCom], false), // RFC 2163
            (DnsType.SRV, [0x00, 0x0a, 0x00, 0x05, 0x13, 0xc4, 0x03, .. "sip"u8, .. pointer], [0x00, 0x0a, 0x00, 0x05, 0x13, 0xc4, 0x03, .. "sip"u8, .. ExampleCom], false), // SRV as RFC 2052 wrote it
            (DnsType.NAPTR, [0x00, 0x64, 0x00, 0x0a, 0x01, (byte)'u', 0x07, .. "E2U+sip"u8, 0x00, 0x03, .. "sip"u8, .. pointer], [0x00, 0x64, 0x00, 0x0a, 0x01, (byte)'u', 0x07, .. "E2U+sip"u8, 0x00, 0x03, .. "sip"u8, .. ExampleCom], false), // RFC 3403
        ];

        foreach ((DnsType type, byte[] compressed, byte[] expanded, bool rfc1035) in cases)
        {
            byte[] bytes = OneRecord(type, compressed);
            DnsMessage message = Parse(bytes);
            message.Answers[0].Data.ToArray().Should().Equal(expanded, $"{type}'s names are written out");
            message.ToArray().Should().Equal(rfc1035 ? bytes : OneRecord(type, expanded), rfc1035 ? $"{type} is an RFC 1035 type: its names compress (RFC 3597, 4)" : $"{type} is not: its names go out in full");
        }
    }

    [Fact]
    public void The_data_of_types_netsim_does_not_know_is_never_rewritten()
    {
        // A private type (RFC 6895) whose data happens to look like a compressed name: opaque (RFC 3597, 4).
        byte[] data = [0x04, .. "mbox"u8, 0xc0, 0x0c];
        byte[] bytes = OneRecord((DnsType)0xff00, data);
        DnsMessage message = Parse(bytes);
        message.Answers[0].Data.ToArray().Should().Equal(data);
        message.ToArray().Should().Equal(bytes);
    }

    [Fact]
    public void Fixed_size_and_structured_data_of_the_wrong_length_is_a_bad_length()
    {
        ParseError(OneRecord(DnsType.AAAA, 192, 0, 2, 1)).Should().Be(WireError.BadLength, "an AAAA record's data is 16 bytes (RFC 3596, 2.2)");
        ParseError(OneRecord(DnsType.AAAA, new byte[17])).Should().Be(WireError.BadLength);
        Parse(OneRecord(DnsType.AAAA, new byte[16])).Answers[0].Data.Length.Should().Be(16);
        ParseError(OneRecord(DnsType.A, 192, 0, 2, 1, 0, 0)).Should().Be(WireError.BadLength, "an A record's data is 4 bytes (RFC 1035, 3.4.1)");
        ParseError(OneRecord(DnsType.MX, 0x00)).Should().Be(WireError.BadLength, "an MX record is a 16-bit preference and a name");
        ParseError(OneRecord(DnsType.MX, 0x00, 0x0a)).Should().Be(WireError.BadLength);
        ParseError(OneRecord(DnsType.SRV, 0x00, 0x0a, 0x00, 0x05, 0x13)).Should().Be(WireError.BadLength, "an SRV record has 6 bytes before its name");
        ParseError(OneRecord(DnsType.HINFO, [0x03, .. "x86"u8])).Should().Be(WireError.BadLength, "HINFO is two character-strings (RFC 1035, 3.3.2)");
        ParseError(OneRecord(DnsType.MINFO, [0x04, .. "mbox"u8, 0xc0, 0x0c])).Should().Be(WireError.BadLength, "MINFO is two names");
        ParseError(OneRecord(DnsType.NAPTR, [0x00, 0x64, 0x00, 0x0a, 0x01, (byte)'u', 0x09, .. "E2U+sip"u8])).Should().Be(WireError.BadLength, "a NAPTR string past its record");
    }

    [Fact]
    public void Data_of_a_known_type_that_does_not_hold_its_fields_is_refused_when_written()
    {
        // Emit never writes what TryParse would refuse.
        foreach (DnsRecord record in new[]
        {
            new DnsRecord("a", DnsType.AAAA, DnsClass.IN, 1, Data: new byte[4]),
            new DnsRecord("a", DnsType.MX, DnsClass.IN, 1, Data: new byte[] { 0x00 }),
            new DnsRecord("a", DnsType.MX, DnsClass.IN, 1, Data: new byte[] { 0x00, 0x0a, 0xc0, 0x0c }), // a pointer: Data holds names uncompressed
            new DnsRecord("a", DnsType.TXT, DnsClass.IN, 1, Data: new byte[] { 0x05, 0x68, 0x69 }),
            new DnsRecord("a", DnsType.SOA, DnsClass.IN, 1, Data: new byte[21]), // two root names and 19 bytes of timers
        })
        {
            Action write = () => new DnsMessage { Answers = { record } }.ToArray();
            write.Should().Throw<ArgumentException>().WithMessage($"*{record.Type} record of \"a\"*fields*");
        }

        new DnsMessage { Answers = { new DnsRecord("a", (DnsType)0xff00, DnsClass.IN, 1, Data: new byte[] { 0xc0, 0x0c }) } }.ToArray().Length.Should().Be(DnsMessage.HeaderLength + 3 + 10 + 2, "an unknown type's data is opaque");
    }

    [Fact]
    public void A_txt_string_longer_than_its_record_is_a_bad_length()
    {
        ParseError(OneRecord(DnsType.TXT, [0x05, .. "hi"u8])).Should().Be(WireError.BadLength, "a character-string longer than the record (RFC 1035, 3.3)");
        ParseError(OneRecord(DnsType.TXT, [0x02, .. "hi"u8, 0x03, .. "ok"u8])).Should().Be(WireError.BadLength, "the second string runs past the record");
        ParseError(OneRecord(DnsType.TXT)).Should().Be(WireError.BadLength, "TXT data is one or more character-strings (RFC 1035, 3.3.14)");
        Parse(OneRecord(DnsType.TXT, [0x02, .. "hi"u8, 0x00, 0x02, .. "ok"u8])).Answers[0].Data.Length.Should().Be(7, "three strings, one empty, fill the record");
    }

    // The OPT pseudo-record of a client offering 4096 bytes (RFC 6891, 6.1.2): root owner, type 41, class 4096, TTL 0, no options.
    private static readonly byte[] Opt4096 = [0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    // "example.com A" (id 0x1234, RD) with the given counts of answer, authority and additional records, and the records.
    private static byte[] QueryWith(int answers, int authorities, int additionals, params byte[] records) =>
        [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, (byte)answers, 0x00, (byte)authorities, 0x00, (byte)additionals, .. ExampleCom, 0x00, 0x01, 0x00, 0x01, .. records];

    [Fact]
    public void Opt_records_out_of_place_are_refused()
    {
        DnsMessage edns = Parse(QueryWith(0, 0, 1, Opt4096));
        edns.Additionals.Should().Equal(new DnsRecord("", DnsType.OPT, (DnsClass)4096, 0));
        edns.ToArray().Should().Equal(QueryWith(0, 0, 1, Opt4096));

        // RFC 6891, 6.1.1: only in the additional section, at most one, owned by the root.
        ParseError(QueryWith(1, 0, 0, Opt4096)).Should().Be(WireError.BadDnsOptRecord, "an OPT in the answer section");
        ParseError(QueryWith(0, 1, 0, Opt4096)).Should().Be(WireError.BadDnsOptRecord, "an OPT in the authority section");
        ParseError(QueryWith(0, 0, 2, [.. Opt4096, .. Opt4096])).Should().Be(WireError.BadDnsOptRecord, "two OPT records");
        ParseError(QueryWith(0, 0, 1, [0xc0, 0x0c, .. Opt4096[1..]])).Should().Be(WireError.BadDnsOptRecord, "an OPT owned by example.com");

        // Its options are code, length, value (RFC 6891, 6.1.2): one that runs past the record is a format error (RFC 6891, 7).
        byte[] cookie = [0x00, 0x0a, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8];
        Parse(QueryWith(0, 0, 1, [.. Opt4096[..^2], 0x00, (byte)cookie.Length, .. cookie])).Additionals[0].Data.ToArray().Should().Equal(cookie);
        byte[] longCookie = [0x00, 0x0a, 0x00, 0x09, 1, 2, 3, 4, 5, 6, 7, 8];
        ParseError(QueryWith(0, 0, 1, [.. Opt4096[..^2], 0x00, (byte)longCookie.Length, .. longCookie])).Should().Be(WireError.BadDnsOptRecord);
        ParseError(QueryWith(0, 0, 1, [.. Opt4096[..^2], 0x00, 0x03, 0x00, 0x0a, 0x00])).Should().Be(WireError.BadDnsOptRecord, "three bytes are not an option's code and length");
    }

    [RequiresTsharkFact]
    public void Tshark_reads_what_we_write()
    {
        DnsMessage nxdomain = Parse(NxDomainResponse);
        byte[][] messages = [CnameChain().ToArray(), nxdomain.ToArray(), DnsMessage.Query(9, "x.research.qq.com", DnsType.MX).ToArray()];
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"netsim-dns-{Guid.NewGuid():N}.pcap");
        try
        {
            WriteRawIpCapture(path, messages);
            (int exit, string expert) = Tshark.Run("-r", path, "-q", "-z", "expert");
            exit.Should().Be(0, expert);
            expert.Should().NotContainAny("Malformed", "Warning", "Error");

            (exit, string fields) = Tshark.Run(
                "-r", path, "-T", "fields", "-E", "separator=|", "-E", "aggregator=,",
                "-e", "dns.id", "-e", "dns.flags.response", "-e", "dns.flags.rcode", "-e", "dns.qry.name", "-e", "dns.qry.type",
                "-e", "dns.cname", "-e", "dns.a", "-e", "dns.soa.mname", "-e", "dns.soa.rname", "-e", "dns.soa.serial_number");
            exit.Should().Be(0, fields);
            string[] lines = [.. fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('|', StringComparison.Ordinal))];
            lines.Should().Equal(
                "0x1a2b|1|0|www.example.com|1|web.example.com|93.184.216.34|||",
                "0x7e57|1|3|nope.example.com|1|||ns.example.com|hostmaster.example.com|2024081400",
                "0x0009|0||x.research.qq.com|15|||||"); // tshark shows no response code for a query
        }
        finally
        {
            File.Delete(path);
        }
    }

    [RequiresTsharkFact]
    public void Tshark_reads_the_record_data_and_edns_we_write()
    {
        byte[] pointer = [0xc0, 0x0c];
        byte[][] data =
        [
            [0x04, .. "mbox"u8, .. pointer, 0x06, .. "errors"u8, .. pointer], // MINFO
            [0x00, 0x0a, 0x00, 0x05, 0x13, 0xc4, 0x03, .. "sip"u8, .. pointer], // SRV
            [0x00, 0x64, 0x00, 0x0a, 0x01, (byte)'u', 0x07, .. "E2U+sip"u8, 0x00, 0x03, .. "sip"u8, .. pointer], // NAPTR
            [0x04, .. "mbox"u8, .. pointer, 0x03, .. "txt"u8, .. pointer], // RP
        ];
        DnsType[] types = [DnsType.MINFO, DnsType.SRV, DnsType.NAPTR, DnsType.RP];
        var messages = new List<byte[]>();
        for (int i = 0; i < types.Length; i++)
        {
            DnsRecord record = Parse(OneRecord(types[i], data[i])).Answers[0];
            messages.Add(new DnsMessage { Id = (ushort)i, IsResponse = true, Questions = { new DnsQuestion("a.test", DnsType.TXT) }, Answers = { record } }.ToArray());
        }

        byte[] cookie = [0x00, 0x0a, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8];
        messages.Add(QueryWith(0, 0, 1, [.. Opt4096[..^2], 0x00, (byte)cookie.Length, .. cookie]));
        DnsMessage badvers = Parse(QueryWith(0, 0, 1, Opt4096)).CreateResponse(DnsResponseCode.NoError);
        badvers.CheckingDisabled = true;
        badvers.Additionals.Add(new DnsRecord("", DnsType.OPT, (DnsClass)1232, 0x0100_0000));
        messages.Add(badvers.ToArray());

        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"netsim-dns-{Guid.NewGuid():N}.pcap");
        try
        {
            WriteRawIpCapture(path, [.. messages]);
            (int exit, string expert) = Tshark.Run("-r", path, "-q", "-z", "expert");
            exit.Should().Be(0, expert);
            expert.Should().NotContainAny("Malformed", "Warning", "Error");

            (exit, string fields) = Tshark.Run(
                "-r", path, "-T", "fields", "-E", "separator=|", "-E", "aggregator=,",
                "-e", "dns.minfo.r", "-e", "dns.srv.target", "-e", "dns.naptr.replacement", "-e", "dns.rp.mailbox", "-e", "dns.rr.udp_payload_size", "-e", "dns.resp.ext_rcode", "-e", "dns.flags.checkdisable");
            exit.Should().Be(0, fields);
            fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('|', StringComparison.Ordinal)).Should().Equal(
                "mbox.example.com||||||0",
                "|sip.example.com|||||0",
                "||sip.example.com||||0",
                "|||mbox.example.com|||0",
                "||||4096|0x00|0",
                "||||1232|0x01|1");
        }
        finally
        {
            File.Delete(path);
        }
    }

    // A classic pcap of raw IPv4 packets (link type 101), each a UDP datagram to port 53.
    private static void WriteRawIpCapture(string path, byte[][] messages)
    {
        var source = Ipv4Address.Parse("192.0.2.1");
        var destination = Ipv4Address.Parse("192.0.2.53");
        using var file = File.Create(path);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 101);
        file.Write(header);
        for (int i = 0; i < messages.Length; i++)
        {
            byte[] message = messages[i];
            var packet = new byte[Ipv4Header.MinLength + UdpHeader.HeaderLength + message.Length];
            message.CopyTo(packet, Ipv4Header.MinLength + UdpHeader.HeaderLength);
            new UdpHeader(5353, 53, UdpHeader.HeaderLength + message.Length).Emit(packet.AsSpan(Ipv4Header.MinLength), source, destination);
            new Ipv4Header(source, destination, IpProtocol.Udp, 64, packet.Length).Emit(packet);
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)i);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)packet.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)packet.Length);
            file.Write(record);
            file.Write(packet);
        }
    }
}
