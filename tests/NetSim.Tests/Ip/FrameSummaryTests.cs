using NetSim.Applications;
using NetSim.Topology;
using NetSim.Tracing;

namespace NetSim.Tests.Ip;

public class FrameSummaryTests
{
    [Fact]
    public void Describes_arp_ipv4_and_icmp_in_one_line_each()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        string me = pc1.Interfaces[0].Mac.ToString(), router = routers[0].Interfaces[0].Mac.ToString();
        FrameLog log = IpTestNetwork.Tap(pc1.Port);
        new Ping(pc1, pc2.Address) { Count = 1 }.Start();
        net.Simulation.Run();

        string[] lines = [.. log.Frames.Select(f => FrameSummary.Describe(f.Bytes))];
        lines.Should().Equal(
            $"{me} > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.0.1.1 tell 10.0.1.10",
            $"{router} > {me}, ARP, Reply 10.0.1.1 is-at {router}",
            $"{me} > {router}, IPv4 10.0.1.10 > 10.0.2.10, ttl 64, length 84, ICMP echo request, id 1, seq 1",
            $"{router} > {me}, IPv4 10.0.2.10 > 10.0.1.10, ttl 63, length 84, ICMP echo reply, id 1, seq 1");
    }

    [Fact]
    public void Malformed_bytes_are_described_not_thrown_on()
    {
        FrameSummary.Describe([1, 2, 3]).Should().Be("malformed Ethernet frame (3 bytes)");
        byte[] frame = new byte[60];
        frame[12] = 0x08; // IPv4 with a zero header
        FrameSummary.Describe(frame).Should().EndWith("IPv4, malformed (BadVersion)");
        frame[13] = 0x06; // ARP with hardware type 0
        FrameSummary.Describe(frame).Should().EndWith("ARP, malformed (UnsupportedArpFormat)");
    }
}
