using NetSim.Applications;
using NetSim.Devices;
using NetSim.Engine;
using NetSim.Stack;
using NetSim.Wire;

namespace NetSim.Tests.Stack;

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
        socket.Received = (_, _, _, data) =>
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
}
