using NetSim.Applications;
using NetSim.Engine;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class DnsTests
{
    private static (IpTestNetwork Net, Host Client, Host ServerHost, DnsServer Server) Setup()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new DnsServer(pc2);
        server.AddCname("www.example.com", "web.example.com", 300);
        server.AddA("web.example.com", Ipv4Address.Parse("93.184.216.34"), 60);
        server.AddA("web.example.com", Ipv4Address.Parse("93.184.216.35"), 120);
        server.AddA("mail.example.com", Ipv4Address.Parse("93.184.216.40"));
        server.Start();
        return (net, pc1, pc2, server);
    }

    private static DnsResolution Resolve(IpTestNetwork net, DnsResolver resolver, string name)
    {
        DnsResolution? result = null;
        net.Simulation.Start(async () => result = await resolver.ResolveAsync(name));
        net.Simulation.Run();
        return result!;
    }

    [Fact]
    public void A_name_resolves_through_its_cname_chain_to_its_addresses()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        var resolver = new DnsResolver(client, serverHost.Address);
        DnsResolution result = Resolve(net, resolver, "WWW.Example.com");

        result.Status.Should().Be(DnsResolutionStatus.Success);
        result.CanonicalName.Should().BeEquivalentTo("web.example.com", "names compare without case (RFC 1035, 2.3.3)");
        result.Addresses.Should().Equal(Ipv4Address.Parse("93.184.216.34"), Ipv4Address.Parse("93.184.216.35"));
        result.TimeToLive.Should().Be(60, "the smallest TTL of the chain");
        result.Queries.Should().Be(1);
        result.Duration.Should().BeGreaterThan(SimDuration.Zero);
        server.ResponsesSent.Should().Be(1);
    }

    [Fact]
    public void An_unknown_name_is_nxdomain()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        DnsResolution result = Resolve(net, new DnsResolver(client, serverHost.Address), "nothere.example.com");
        result.Status.Should().Be(DnsResolutionStatus.NameError);
        server.NameErrors.Should().Be(1);
    }

    [Fact]
    public void Answers_are_cached_for_their_ttl_and_asked_again_after()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        var resolver = new DnsResolver(client, serverHost.Address);
        Resolve(net, resolver, "mail.example.com").FromCache.Should().BeFalse();

        net.Simulation.RunUntil(SimTime.FromSeconds(1000));
        DnsResolution cached = Resolve(net, resolver, "mail.example.com");
        cached.FromCache.Should().BeTrue();
        cached.TimeToLive.Should().BeInRange(2598, 2600, "3600 s less the 1000 s that passed");
        server.ResponsesSent.Should().Be(1);

        net.Simulation.RunUntil(SimTime.FromSeconds(3601));
        Resolve(net, resolver, "mail.example.com").FromCache.Should().BeFalse();
        server.ResponsesSent.Should().Be(2);
        resolver.CacheHits.Should().Be(1);
    }

    [Fact]
    public void No_answer_is_retried_then_times_out()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var resolver = new DnsResolver(pc1, pc2.Address) { Timeout = SimDuration.FromSeconds(2), Attempts = 3 };
        DnsResolution result = Resolve(net, resolver, "www.example.com"); // nothing listens on port 53

        result.Status.Should().Be(DnsResolutionStatus.Timeout);
        result.Queries.Should().Be(3);
        result.Duration.Should().Be(SimDuration.FromSeconds(6));
    }

    [Fact]
    public void A_malformed_query_gets_formerr_and_random_bytes_never_stop_the_server()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        var socket = new UdpSocket(client);
        var answers = new List<DnsMessage>();
        socket.Received += (_, _, _, data) =>
        {
            DnsMessage.TryParse(data, out DnsMessage? m).Should().Be(WireError.None);
            answers.Add(m!);
        };

        byte[] bad = DnsMessage.Query(0x1234, "www.example.com", DnsType.A).ToArray();
        bad[12] = 0xc0; // the question's name starts with a pointer to itself: a loop
        bad[13] = 12;
        socket.SendTo(bad, serverHost.Address, 53);
        net.Simulation.Run();
        answers.Should().ContainSingle().Which.ResponseCode.Should().Be(DnsResponseCode.FormatError);
        answers[0].Id.Should().Be(0x1234);
        server.Malformed(WireError.DnsCompressionLoop).Should().Be(1);

        var random = new Random(53);
        for (int i = 0; i < 2000; i++)
        {
            byte[] junk = new byte[random.Next(0, 100)];
            random.NextBytes(junk);
            if (junk.Length > 2)
            {
                junk[2] &= 0x7f; // mostly "queries"
            }

            socket.SendTo(junk, serverHost.Address, 53);
            if (i % 100 == 0)
            {
                net.Simulation.Run();
            }
        }

        net.Simulation.Run();
        server.QueriesReceived.Should().Be(2001);
        DnsResolution good = Resolve(net, new DnsResolver(client, serverHost.Address), "www.example.com");
        good.Status.Should().Be(DnsResolutionStatus.Success, "the server still answers good queries");
    }

    [Fact]
    public void The_server_answers_with_compressed_names()
    {
        (_, _, _, DnsServer server) = Setup();
        DnsMessage response = server.Answer(DnsMessage.Query(7, "www.example.com", DnsType.A));
        response.IsAuthoritative.Should().BeTrue();
        response.Answers.Select(a => a.Type).Should().Equal(DnsType.CNAME, DnsType.A, DnsType.A);
        byte[] bytes = response.ToArray();
        bytes.Length.Should().BeLessThan(100, "every name after the question is a pointer or ends in one");
        DnsMessage.TryParse(bytes, out DnsMessage? again).Should().Be(WireError.None);
        again!.Answers.Should().Equal(response.Answers);
    }

    [Fact]
    public void A_cname_loop_ends_as_a_server_failure_and_does_not_hang()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new DnsServer(pc2);
        server.AddCname("a.example", "b.example");
        server.AddCname("b.example", "a.example");
        server.Start();
        Resolve(net, new DnsResolver(pc1, pc2.Address), "a.example").Status.Should().Be(DnsResolutionStatus.ServerFailure);
    }

    [Fact]
    public void Huge_ttls_are_bounded_and_two_resolvers_share_a_node()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var server = new DnsServer(pc2);
        server.AddA("forever.example", Ipv4Address.Parse("10.9.9.9"), uint.MaxValue);
        server.AddA("long.example", Ipv4Address.Parse("10.9.9.8"), 2_000_000_000);
        server.Start();
        var first = new DnsResolver(pc1, pc2.Address);
        var second = new DnsResolver(pc1, pc2.Address);
        Resolve(net, first, "forever.example").TimeToLive.Should().Be(0, "a TTL with the top bit set counts as 0 (RFC 2181, 8)");
        Resolve(net, second, "long.example").TimeToLive.Should().Be(604_800, "cached for a week at most");
    }

    // Sends `query` from the client to the server's port 53 and returns the bytes of each answer.
    private static List<byte[]> Exchange(IpTestNetwork net, Host client, Host serverHost, params byte[][] queries)
    {
        var socket = new UdpSocket(client);
        var answers = new List<byte[]>();
        socket.Received += (_, _, _, data) => answers.Add(data.ToArray());
        foreach (byte[] query in queries)
        {
            socket.SendTo(query, serverHost.Address, 53);
        }

        net.Simulation.Run();
        socket.Dispose();
        return answers;
    }

    private static readonly byte[] ExampleCom = [0x07, .. "example"u8, 0x03, .. "com"u8, 0x00];

    // The default SOA's data: the root as primary server and mailbox (no contact), serial 1,
    // refresh 86400, retry 7200, expire 3600000, minimum 3600.
    private static readonly byte[] DefaultSoaData =
    [
        0x00, 0x00,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x36, 0xee, 0x80, 0x00, 0x00, 0x0e, 0x10,
    ];

    [Fact]
    public void An_nxdomain_carries_the_zone_s_soa()
    {
        (IpTestNetwork net, Host client, Host serverHost, _) = Setup();
        byte[] query = DnsMessage.Query(7, "nope.example.com", DnsType.A).ToArray();
        byte[] response = Exchange(net, client, serverHost, query).Single();

        // RFC 2308, 3: the SOA in the authority section, its TTL the lesser of its own and its minimum.
        response.Should().Equal(
        [
            0x00, 0x07, 0x85, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // QR, AA, RD, NXDOMAIN; one authority record
            0x04, .. "nope"u8, .. ExampleCom, 0x00, 0x01, 0x00, 0x01,
            0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x16, .. DefaultSoaData, // ". SOA", TTL 3600, 22 bytes
        ]);
    }

    [Fact]
    public void A_name_without_records_of_the_type_asked_is_nodata_with_the_soa()
    {
        (_, _, _, DnsServer server) = Setup();
        DnsMessage response = server.Answer(DnsMessage.Query(7, "mail.example.com", DnsType.TXT));
        response.ResponseCode.Should().Be(DnsResponseCode.NoError);
        response.IsAuthoritative.Should().BeTrue();
        response.Answers.Should().BeEmpty();
        response.Authorities.Should().Equal([new DnsRecord("", DnsType.SOA, DnsClass.IN, 3600, Data: DefaultSoaData)], "RFC 2308, 2.2: NODATA carries the SOA");
        server.NameErrors.Should().Be(0);

        DnsMessage found = server.Answer(DnsMessage.Query(7, "mail.example.com", DnsType.A));
        found.Answers.Should().ContainSingle();
        found.Authorities.Should().BeEmpty("an answer needs no SOA");
    }

    [Fact]
    public void An_empty_non_terminal_exists()
    {
        (_, _, _, DnsServer server) = Setup();
        server.AddA("a.b.example.com", Ipv4Address.Parse("10.0.0.1"));

        // RFC 8020, 2; RFC 4592, 2.2.2: b.example.com has no records but a name below it, so it exists.
        foreach (string name in new[] { "b.example.com", "B.Example.Com", "example.com", "com" })
        {
            DnsMessage response = server.Answer(DnsMessage.Query(7, name, DnsType.A));
            response.ResponseCode.Should().Be(DnsResponseCode.NoError, name);
            response.Answers.Should().BeEmpty();
            response.Authorities.Should().ContainSingle().Which.Type.Should().Be(DnsType.SOA);
        }

        server.Answer(DnsMessage.Query(7, "c.b.example.com", DnsType.A)).ResponseCode.Should().Be(DnsResponseCode.NameError);
        server.Answer(DnsMessage.Query(7, "xb.example.com", DnsType.A)).ResponseCode.Should().Be(DnsResponseCode.NameError);
    }

    [Fact]
    public void The_server_copies_cd_and_never_sets_ad()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        byte[] query = DnsMessage.Query(7, "mail.example.com", DnsType.A).ToArray();
        query[3] |= 0x30; // AD and CD
        byte[] response = Exchange(net, client, serverHost, query).Single();
        (response[3] & 0x10).Should().Be(0x10, "RFC 4035, 3.1.6: CD is copied from the query");
        (response[3] & 0x20).Should().Be(0, "RFC 4035, 3.1.6: AD only from a server that validated the data");

        DnsMessage parsed = DnsMessage.Query(8, "mail.example.com", DnsType.A);
        parsed.CheckingDisabled = true;
        parsed.AuthenticData = true;
        DnsMessage answer = server.Answer(parsed);
        answer.CheckingDisabled.Should().BeTrue();
        answer.AuthenticData.Should().BeFalse();
    }

    // "mail.example.com A", id 0x1234, RD, with an OPT record of the given class (payload size) and TTL (extended RCODE, version, DO).
    private static byte[] EdnsQuery(ushort payload, uint ttl, int optCount = 1)
    {
        byte[] query = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, (byte)optCount, 0x04, .. "mail"u8, .. ExampleCom, 0x00, 0x01, 0x00, 0x01];
        for (int i = 0; i < optCount; i++)
        {
            query = [.. query, 0x00, 0x00, 0x29, .. BigEndian(payload, 2), .. BigEndian(ttl, 4), 0x00, 0x00];
        }

        return query;
    }

    private static byte[] BigEndian(uint value, int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((value >> (8 * (length - 1 - i))) & 0xff))];

    [Fact]
    public void An_edns_query_gets_an_opt_record_with_the_server_s_payload_size()
    {
        (IpTestNetwork net, Host client, Host serverHost, _) = Setup();
        byte[] response = Exchange(net, client, serverHost, EdnsQuery(4096, 0x0000_8000)).Single(); // DO set

        // RFC 6891, 6.1.1 and 7: an OPT in the response, class 1232 (the server's payload size), version 0; DO copied (RFC 3225, 3).
        response.Should().Equal(
        [
            0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
            0x04, .. "mail"u8, .. ExampleCom, 0x00, 0x01, 0x00, 0x01,
            0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 93, 184, 216, 40,
            0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
        ]);
    }

    [Fact]
    public void An_edns_version_above_0_gets_badvers()
    {
        (IpTestNetwork net, Host client, Host serverHost, _) = Setup();
        byte[] response = Exchange(net, client, serverHost, EdnsQuery(4096, 0x0001_0000)).Single(); // version 1

        // RFC 6891, 6.1.3: BADVERS (16): 0 in the header's four bits, 1 in the OPT's extended RCODE; version 0, the highest it speaks.
        // Not authoritative: the zone was not looked at.
        response.Should().Equal(
        [
            0x12, 0x34, 0x81, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x04, .. "mail"u8, .. ExampleCom, 0x00, 0x01, 0x00, 0x01,
            0x00, 0x00, 0x29, 0x04, 0xd0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]);
    }

    [Fact]
    public void A_query_with_two_opt_records_gets_formerr()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        byte[] response = Exchange(net, client, serverHost, EdnsQuery(4096, 0, optCount: 2)).Single();
        DnsMessage.TryParse(response, out DnsMessage? message).Should().Be(WireError.None);
        message!.Id.Should().Be(0x1234);
        message.ResponseCode.Should().Be(DnsResponseCode.FormatError, "RFC 6891, 6.1.1");
        message.Additionals.Should().Equal([new DnsRecord("", DnsType.OPT, (DnsClass)DnsServer.EdnsUdpPayloadSize, 0)], "RFC 6891, 7: a FORMERR for the OPT record carries one");
        server.FormatErrors.Should().Be(1);
        server.Malformed(WireError.BadDnsOptRecord).Should().Be(1);

        // Built by hand and handed to Answer, the same.
        DnsMessage twoOpts = DnsMessage.Query(7, "mail.example.com", DnsType.A);
        twoOpts.Additionals.Add(new DnsRecord("", DnsType.OPT, (DnsClass)4096, 0));
        twoOpts.Answers.Add(new DnsRecord("", DnsType.OPT, (DnsClass)4096, 0));
        server.Answer(twoOpts).ResponseCode.Should().Be(DnsResponseCode.FormatError);
    }

    [Fact]
    public void An_edns_client_gets_answers_up_to_its_payload_size_and_a_truncated_answer_keeps_its_opt()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        for (int i = 1; i <= 60; i++)
        {
            server.AddA("mail.example.com", Ipv4Address.FromUInt32(0x0a000000u + (uint)i));
        }

        // 61 A records: 12 + 22 + 61 * 16 = 1010 bytes, and 11 for the OPT.
        byte[][] responses = [.. Exchange(net, client, serverHost, EdnsQuery(4096, 0), EdnsQuery(512, 0), EdnsQuery(100, 0), DnsMessage.Query(7, "mail.example.com", DnsType.A).ToArray())];
        responses[0].Length.Should().Be(1021, "4096 offered, 1232 the server's own limit (RFC 6891, 6.2.5)");
        (responses[0][2] & 0x02).Should().Be(0, "not truncated");
        foreach (byte[] cut in responses[1..3])
        {
            (cut[2] & 0x02).Should().Be(0x02, "TC: over 512 bytes");
            cut.Length.Should().Be(12 + 22 + 11, "the header, the question and the OPT (RFC 6891, 7); below 512 counts as 512 (RFC 6891, 6.2.5)");
            cut[^11..].Should().Equal(0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
        }

        (responses[3][2] & 0x02).Should().Be(0x02, "without EDNS, 512 bytes at most (RFC 1035, 4.2.1)");
        responses[3].Length.Should().Be(12 + 22);
    }

    [Fact]
    public void A_zone_with_its_own_soa_answers_for_names_under_it_and_refuses_the_rest()
    {
        (IpTestNetwork net, Host client, Host serverHost, DnsServer server) = Setup();
        server.Soa = DnsRecord.Soa("Example.COM.", "ns.example.com", "hostmaster.example.com", 2024081400, 7200, 3600, 1209600, 300, 3600);
        server.Soa.Name.Should().Be("Example.COM", "the name as given, without the trailing dot");

        byte[] response = Exchange(net, client, serverHost, DnsMessage.Query(0x7e57, "nope.example.com", DnsType.A).ToArray()).Single();

        // The SOA's TTL is its minimum, 300, the lesser (RFC 2308, 3); its names compress against the question's.
        response.Should().Equal(
        [
            0x7e, 0x57, 0x85, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
            0x04, .. "nope"u8, .. ExampleCom, 0x00, 0x01, 0x00, 0x01,
            0xc0, 0x11, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x26,
            0x02, .. "ns"u8, 0xc0, 0x11, 0x0a, .. "hostmaster"u8, 0xc0, 0x11,
            0x78, 0xa5, 0x07, 0xf8, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x01, 0x2c,
        ]);

        DnsMessage apex = server.Answer(DnsMessage.Query(1, "example.com", DnsType.SOA));
        apex.ResponseCode.Should().Be(DnsResponseCode.NoError);
        apex.Answers.Should().Equal([server.Soa], "the apex has the SOA");
        apex.Authorities.Should().BeEmpty();

        DnsMessage outside = server.Answer(DnsMessage.Query(1, "www.example.org", DnsType.A));
        outside.ResponseCode.Should().Be(DnsResponseCode.Refused, "not this zone's");
        outside.IsAuthoritative.Should().BeFalse();

        Action addOutside = () => server.AddA("www.example.org", Ipv4Address.Parse("10.0.0.1"));
        addOutside.Should().Throw<ArgumentException>().WithMessage("*outside the zone*");
        Action cnameAtApex = () => server.AddCname("example.com", "www.example.com");
        cnameAtApex.Should().Throw<ArgumentException>().WithMessage("*apex*");
        Action narrower = () => server.Soa = DnsRecord.Soa("mail.example.com", "ns", "hostmaster", 1, 1, 1, 1, 1, 1);
        narrower.Should().Throw<ArgumentException>().WithMessage("*outside the zone*");
        Action notSoa = () => server.Soa = DnsRecord.A("example.com", Ipv4Address.Parse("10.0.0.1"), 1);
        notSoa.Should().Throw<ArgumentException>();
        Action badData = () => server.Soa = new DnsRecord("example.com", DnsType.SOA, DnsClass.IN, 1, Data: new byte[19]);
        badData.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_cname_to_a_missing_name_in_the_zone_is_nxdomain_with_the_chain_and_one_leaving_the_zone_is_not()
    {
        (_, _, _, DnsServer server) = Setup();
        server.Soa = DnsRecord.Soa("example.com", "ns.example.com", "hostmaster.example.com", 1, 7200, 3600, 1209600, 300, 3600);
        server.AddCname("old.example.com", "gone.example.com");
        server.AddCname("away.example.com", "www.example.org");

        // RFC 6604, 2.1 and RFC 2308, 2.1: the response code is the last name's, with the SOA.
        DnsMessage gone = server.Answer(DnsMessage.Query(1, "old.example.com", DnsType.A));
        gone.ResponseCode.Should().Be(DnsResponseCode.NameError);
        gone.Answers.Select(r => r.Type).Should().Equal(DnsType.CNAME);
        gone.Authorities.Should().ContainSingle().Which.Type.Should().Be(DnsType.SOA);

        DnsMessage away = server.Answer(DnsMessage.Query(1, "away.example.com", DnsType.A));
        away.ResponseCode.Should().Be(DnsResponseCode.NoError, "the resolver asks on for www.example.org");
        away.Answers.Select(r => r.Type).Should().Equal(DnsType.CNAME);
        away.Authorities.Should().BeEmpty();
    }
}
