namespace NetSim.Tests.Samples;

/// <summary>The samples tell their story with the library's narrator and print tables with the devices' own printers.</summary>
[Collection(ConsoleUsers.Name)] // they take over Console.Out
public sealed class SampleExplainTests
{
    [Fact]
    public void SwitchNetwork_explains_the_flood_and_the_forwarding_and_prints_the_switch_tables()
    {
        string output = SampleRunner.Run("SwitchNetwork");

        output.Should().Contain("switch flooded the frame out of ports 1-3: 02:00:00:00:00:02 is not in its MAC table yet");
        output.Should().Contain("switch learned that 02:00:00:00:00:01 is on port 0: a frame from it came in there");
        output.Should().Contain("switch forwarded the frame out of port 0 only: its MAC table says 02:00:00:00:00:01 is there");
        output.Should().Contain("MAC address table of switch");
    }

    [Fact]
    public void RouterNetwork_with_explain_tells_the_router_rewriting_the_macs_and_prints_its_tables()
    {
        string output = SampleRunner.Run("RouterNetwork", "--explain");

        output.Should().Contain("r1 rewrote the MACs and kept the IPs: next hop 192.168.2.20 via eth1, TTL 64 -> 63");
        output.Should().Contain("pc1 sent to its default gateway 192.168.1.1: 192.168.2.20 is not in 192.168.1.0/24");
        output.Should().Contain("r1 forwarded 4 packets.");
        SampleRunner.Run("RouterNetwork").Should().NotContain("rewrote the MACs", "the sentences are told on request");
    }

    [Fact]
    public void TwoComputers_and_HubNetwork_with_explain_tell_arp_and_the_hub()
    {
        SampleRunner.Run("TwoComputers", "--explain").Should().Contain("alice/eth0 broadcast an ARP request: who has 192.168.1.2?");
        SampleRunner.Run("HubNetwork", "--explain").Should().Contain(": a hub copies every bit to every other port, whatever the address");
    }

    [Fact]
    public void WebVisit_and_Traceroute_with_explain_tell_the_handshake_and_the_time_exceeded()
    {
        string visit = SampleRunner.Run("WebVisit", "--explain");
        visit.Should().Contain("pc asked the DNS server 198.51.100.53 for the address of www.example.com");
        visit.Should().Contain("the three-way handshake is complete, and data can flow both ways");
        SampleRunner.Run("Traceroute", "--explain").Should().Contain("sent ICMP time exceeded to 10.0.1.10 about its packet to 10.0.4.10: its TTL ran out here (this is how traceroute finds each router)");
    }
}
