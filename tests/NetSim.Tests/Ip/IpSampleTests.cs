using NetSim.Tests.Tracing;
using PacketDotNet;

namespace NetSim.Tests.Ip;

/// <summary>The IPv4 samples run, print their lesson, and write captures that real dissectors read.</summary>
[Collection(ConsoleUsers.Name)] // they take over Console.Out
public sealed class IpSampleTests : IDisposable
{
    private readonly string pcap = Path.Combine(Path.GetTempPath(), $"netsim-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(pcap);

    private static string Run(string sample, params string[] args) => SampleRunner.Run(sample, args);

    private List<byte[]> ReadCapture() => [.. PcapWriterTests.ReadPcap(File.ReadAllBytes(pcap)).Select(r => r.Bytes)];

    [Fact]
    public void TwoComputers_pings_within_the_subnet_and_explains_the_failure_across_subnets()
    {
        string output = Run("TwoComputers", "--pcap", pcap);
        output.Should().Contain("\n\n--- 192.168.1.2 ping statistics ---\n").And.Contain("3 packets transmitted, 3 received, 0% packet loss, time 2000ms\nrtt min/avg/max/mdev = ");
        output.Should().Contain("alice: 64 bytes from 192.168.1.2: icmp_seq=2 ttl=64 time=0.027 ms");
        output.Should().Contain("192.168.2.2 is not on alice's network 192.168.1.0/24 (netmask 255.255.255.0), and alice has no default gateway");
        output.Should().Contain("\n0 packets transmitted, 0 received, +3 errors\n", "nothing left alice, so iputils' line has no loss or time");
        List<byte[]> frames = ReadCapture();
        frames.Should().HaveCount(8, "ARP request and reply, three requests and three replies");
        frames.Select(f => ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, f)).Extract<IPv4Packet>()).Where(ip => ip is not null)
            .Should().HaveCount(6).And.OnlyContain(ip => ip!.ValidChecksum);
    }

    [Fact]
    public void RouterNetwork_shows_the_macs_change_at_the_router_while_the_ips_stay()
    {
        string output = Run("RouterNetwork", "--pcap", pcap);
        string[] requests = [.. output.Split('\n').Where(l => l.Contains("echo request, id 1, seq 1", StringComparison.Ordinal))];
        requests.Should().HaveCount(2);
        requests[0].Should().Contain("LAN 1 -> r1  02:00:00:00:00:03 > 02:00:00:00:00:01, IPv4 192.168.1.10 > 192.168.2.20, ttl 64");
        requests[1].Should().Contain("LAN 2 <- r1  02:00:00:00:00:02 > 02:00:00:00:00:04, IPv4 192.168.1.10 > 192.168.2.20, ttl 63");
        output.Should().Contain("2 packets transmitted, 2 received, 0% packet loss");
        output.Should().Contain("r1 forwarded 4 packets.");
        ReadCapture().Should().HaveCount(6, "pc1's ARP exchange with its gateway, two requests, two replies");
    }

    [Fact]
    public void Traceroute_names_each_router_then_the_destination_and_marks_a_missing_host_H()
    {
        string output = Run("Traceroute", "--pcap", pcap);
        string[] hops = [.. output.Split('\n').Where(l => l.Length > 3 && l[2] == ' ' && char.IsDigit(l[1]))];
        hops.Select(l => l.Split("  ")[1]).Should().Equal("10.0.1.1", "10.0.2.2", "10.0.3.2", "10.0.4.10", "10.0.1.1", "10.0.2.2", "10.0.3.2", "10.0.3.2");
        output.Should().Contain("traceroute to 10.0.4.10 (10.0.4.10), 30 hops max, 60 byte packets\n");
        output.Should().Contain("Reached 10.0.4.10 in 4 hops.");
        hops[^1].Should().MatchRegex(@"^ 4  10\.0\.3\.2  3000\.\d{3} ms !H  3000\.\d{3} ms !H  3000\.\d{3} ms !H$", "r3 gives up on ARP after 3 s");
        output.Should().Contain("Did not reach 10.0.4.99.");
        ReadCapture().Should().HaveCount(2 + (2 * 4 * 3 * 2), "ARP, then for each trace a probe and its answer three times per hop");
    }

    [RequiresTsharkFact]
    public void Tshark_finds_the_sample_captures_well_formed_with_good_checksums()
    {
        foreach (string sample in new[] { "TwoComputers", "RouterNetwork", "Traceroute" })
        {
            Run(sample, "--pcap", pcap);
            (int exit, string expert) = Tshark.Run("-r", pcap, "-q", "-o", "ip.check_checksum:TRUE", "-z", "expert");
            exit.Should().Be(0, expert);
            expert.Should().NotContainAny("Malformed", "Bad checksum", "bad checksum", "Error");
            (exit, string protocols) = Tshark.Run("-r", pcap, "-T", "fields", "-e", "frame.protocols");
            exit.Should().Be(0, protocols);
            protocols.Should().Contain("eth:ethertype:arp").And.Contain("eth:ethertype:ip:icmp");
        }
    }
}
