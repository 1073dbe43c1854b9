using System.Text;
using NetSim.Applications;
using NetSim.Tests.Tracing;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>The headline scenario: DNS, the handshake, GET and 200, the four-way close, in that order.</summary>
[Collection(ConsoleUsers.Name)]
public sealed class WebVisitTests : IDisposable
{
    private readonly string pcap = Path.Combine(Path.GetTempPath(), $"netsim-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(pcap);

    private static string RunSample(params string[] args) => SampleRunner.Run("WebVisit", args);

    /// <summary>What a frame is, in the lesson's words.</summary>
    private static string Label(byte[] frame)
    {
        if (FrameLog.TypeOf(frame) == EtherType.Arp)
        {
            ArpHeader.TryParse(frame.AsSpan(14), out ArpHeader arp).Should().Be(WireError.None);
            return arp.Operation == ArpOperation.Request ? $"ARP who-has {arp.TargetIp}" : $"ARP reply {arp.SenderIp}";
        }

        Ipv4Header ip = FrameLog.IpHeaderOf(frame);
        ReadOnlySpan<byte> payload = frame.AsSpan(14 + ip.HeaderLength, ip.PayloadLength);
        if (ip.Protocol == IpProtocol.Udp)
        {
            DnsMessage.TryParse(payload[UdpHeader.HeaderLength..], out DnsMessage? dns).Should().Be(WireError.None);
            return dns!.IsResponse ? "DNS answer" : "DNS query";
        }

        TcpHeader.TryParse(payload, out TcpHeader tcp).Should().Be(WireError.None);
        ReadOnlySpan<byte> data = payload[tcp.HeaderLength..];
        string side = tcp.SourcePort == 80 ? "server" : "client";
        return data.IsEmpty
            ? $"{side} {tcp.Flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Rst)}"
            : $"{side} {Encoding.ASCII.GetString(data)[..Math.Min(12, data.Length)]}";
    }

    [Fact]
    public void The_visit_is_arp_dns_handshake_get_200_and_the_four_way_close_in_that_order()
    {
        string output = RunSample("--pcap", pcap);
        output.Should().Contain("Visit of http://www.example.com/: done");
        string[] frames = [.. PcapWriterTests.ReadPcap(File.ReadAllBytes(pcap)).Select(r => Label(r.Bytes))];

        frames.Should().Equal(
            "ARP who-has 192.168.1.1", "ARP reply 192.168.1.1",
            "DNS query", "DNS answer",
            "client Syn", "server Syn, Ack", "client Ack",
            "client GET / HTTP/1", "server HTTP/1.1 200", // the response carries the ACK of the request (delayed ACKs)
            "client Fin, Ack", "server Ack", "server Fin, Ack", "client Ack"); // and the FIN the ACK of the response
    }

    [Fact]
    public void The_sample_prints_the_four_steps_and_the_macs_change_while_the_ips_stay()
    {
        string output = RunSample();
        output.Should().MatchRegex(@"DNS lookup +[\d.]+ ms  www\.example\.com is 93\.184\.216\.34 \(via CNAME example\.com\)");
        output.Should().MatchRegex(@"TCP connect +[\d.]+ ms  SYN, SYN-ACK, ACK");
        output.Should().MatchRegex(@"HTTP request and response +[\d.]+ ms  GET / -> 200 OK");
        output.Should().MatchRegex(@"TCP close +[\d.]+ ms  FIN, ACK, FIN, ACK");
        string[] syn = [.. output.Split('\n').Where(l => l.Contains("[SYN] seq", StringComparison.Ordinal))];
        syn.Should().HaveCount(2, "the SYN is seen at the pc's link and at the web server's link");
        syn[0].Should().Contain("pc  -> 02:00:00:00:00:01 > 02:00:00:00:00:04, IPv4 192.168.1.10 > 93.184.216.34, ttl 64");
        syn[1].Should().Contain("www <- 02:00:00:00:00:08 > 02:00:00:00:00:03, IPv4 192.168.1.10 > 93.184.216.34, ttl 62");
    }

    [RequiresTsharkFact]
    public void Tshark_dissects_dns_and_http_with_every_checksum_good()
    {
        RunSample("--pcap", pcap);
        string[] checks = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
        (int exit, string expert) = Tshark.Run([.. new[] { "-r", pcap, "-q" }, .. checks, "-z", "expert"]);
        exit.Should().Be(0, expert);
        expert.Should().NotContainAny("Malformed", "Bad checksum", "bad checksum", "Error");
        (exit, string fields) = Tshark.Run([.. new[] { "-r", pcap }, .. checks, "-T", "fields", "-e", "frame.protocols", "-e", "dns.qry.name", "-e", "dns.a", "-e", "http.request.method", "-e", "http.response.code"]);
        exit.Should().Be(0, fields);
        fields.Should().Contain("eth:ethertype:ip:udp:dns").And.Contain("www.example.com").And.Contain("93.184.216.34");
        fields.Should().Contain("eth:ethertype:ip:tcp:http").And.Contain("GET").And.Contain("200");
    }

    [Fact]
    public void A_visit_to_an_unknown_name_stops_after_dns()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var dns = new DnsServer(pc2);
        dns.Start();
        var browser = new WebBrowser(pc1, new DnsResolver(pc1, pc2.Address));
        WebVisit? visit = null;
        net.Simulation.Start(async () => visit = await browser.VisitAsync("http://nowhere.example/"));
        net.Simulation.Run();
        visit!.Succeeded.Should().BeFalse();
        visit.Steps.Should().ContainSingle().Which.Name.Should().Be("DNS lookup");
        visit.Error.Should().Contain("NameError");
    }

    [Fact]
    public void A_visit_to_a_host_that_is_not_there_reports_host_unreachable_in_seconds()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var dns = new DnsServer(pc2);
        dns.AddA("gone.example", Ipv4Address.Parse("10.0.2.99"));
        dns.Start();
        var browser = new WebBrowser(pc1, new DnsResolver(pc1, pc2.Address));
        WebVisit? visit = null;
        net.Simulation.Start(async () => visit = await browser.VisitAsync("http://gone.example/"));
        net.Simulation.Run();

        visit!.Succeeded.Should().BeFalse();
        visit.Error.Should().Be("TCP connect to 10.0.2.99:80 failed: host unreachable");
        visit.Steps[^1].Ended.Should().BeLessThan(NetSim.Engine.SimTime.FromSeconds(4), "the router's ARP gives up after 3 s and says so with ICMP, which ends the connect");
    }
}
