using NetSim.Applications;
using NetSim.Devices;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tests.Stack;

public class PingAndTracerouteTests
{
    [Fact]
    public void Ping_reports_each_reply_and_the_summary_in_simulated_time()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        net.Connect(a.Port, b.Port);
        var ping = new Ping(a, b.Address) { Count = 3, Interval = SimDuration.FromMilliseconds(500), PayloadSize = 56 };
        var live = new List<PingResult>();
        ping.ResultReceived = live.Add;
        ping.Start();
        net.Simulation.Run();

        ping.IsComplete.Should().BeTrue();
        live.Should().Equal(ping.Results);
        ping.Results.Select(r => r.Sequence).Should().Equal(1, 2, 3);
        ping.Results.Should().OnlyContain(r => r.Status == PingStatus.Reply && r.Bytes == 64 && r.TimeToLive == 64);

        // 98-byte frames each way: 8 + 98 + 4 bytes at 100 Mb/s is 8.8 us, plus 1 us of cable.
        SimDuration oneWay = IpTestNetwork.Rate.TransmissionTime(8 + 98 + 4) + IpTestNetwork.Delay;
        ping.Results[1].RoundTripTime.Should().Be(oneWay * 2);
        ping.Results[0].RoundTripTime.Should().BeGreaterThan(oneWay * 2, "the first one waited for ARP");
        ping.Results[1].Message.Should().Be($"64 bytes from 192.168.1.2: icmp_seq=2 ttl=64 time={oneWay * 2}");

        PingSummary summary = ping.Summary;
        summary.Sent.Should().Be(3);
        summary.Received.Should().Be(3);
        summary.LossPercent.Should().Be(0);
        summary.Minimum.Should().Be(oneWay * 2);
        summary.Maximum.Should().Be(ping.Results[0].RoundTripTime);
        summary.ToString().Should().Contain("3 packets transmitted, 3 received, 0% packet loss").And.Contain("rtt min/avg/max = ");
        ping.Banner.Should().Be("PING 192.168.1.2 56(84) bytes of data.");
    }

    [Fact]
    public void Ping_counts_losses_and_timeouts()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        var cable = net.Connect(a.Port, b.Port);
        cable.FromA.Impairments.DropFrameNumbers.Add(3); // frame 1 is ARP, 2 the first request, 3 the second
        var ping = new Ping(a, b.Address) { Count = 4 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Select(r => r.Status).Should().BeEquivalentTo(
            [PingStatus.Reply, PingStatus.Timeout, PingStatus.Reply, PingStatus.Reply]);
        ping.Results.Single(r => r.Status == PingStatus.Timeout).Message.Should().Be("Request timeout for icmp_seq 2");
        ping.Summary.LossPercent.Should().Be(25);
        ping.Summary.ToString().Should().Contain("4 packets transmitted, 3 received, 25% packet loss");
    }

    [Fact]
    public void Traceroute_lists_each_router_then_the_destination_and_stops()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(3);
        var trace = new Traceroute(pc1, pc2.Address);
        trace.Start();
        net.Simulation.Run();

        trace.IsComplete.Should().BeTrue();
        trace.ReachedDestination.Should().BeTrue();
        trace.Hops.Select(h => h.Address.ToString()).Should().Equal("10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.10");
        trace.Hops.Should().OnlyContain(h => h.RoundTripTimes.Count == 3 && h.RoundTripTimes.All(t => t != null));
        trace.Hops[1].RoundTripTimes[1]!.Value.Should().BeGreaterThan(trace.Hops[0].RoundTripTimes[1]!.Value, "a farther hop takes longer");
        trace.Hops[0].ToString().Should().StartWith(" 1  10.0.1.1  ");
    }

    [Fact]
    public void Traceroute_prints_stars_for_a_hop_that_does_not_answer()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        routers[1].Interfaces[0].Port.Cable!.FromB.Impairments.LossProbability = 1; // r2 can send nothing back toward pc1
        var trace = new Traceroute(pc1, pc2.Address) { MaxHops = 3, Timeout = SimDuration.FromMilliseconds(100) };
        trace.Start();
        net.Simulation.Run();

        trace.IsComplete.Should().BeTrue();
        trace.ReachedDestination.Should().BeFalse();
        trace.Hops.Should().HaveCount(3);
        trace.Hops[0].Address.Should().Be(Ipv4Address.Parse("10.0.1.1"));
        trace.Hops[1].Address.Should().BeNull();
        trace.Hops[1].ToString().Should().Be(" 2  *  *  *  *");
    }

    [Fact]
    public void Ping_and_traceroute_can_be_awaited_from_application_code()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(2);
        string? report = null;
        net.Simulation.Start(async () =>
        {
            PingSummary summary = await new Ping(pc1, pc2.Address) { Count = 2, Interval = SimDuration.FromMilliseconds(100) }.RunAsync();
            IReadOnlyList<TracerouteHop> hops = await new Traceroute(pc1, pc2.Address).RunAsync();
            report = $"{summary.Received}/{summary.Sent} then {hops.Count} hops at {net.Simulation.Now}";
        });
        net.Simulation.Run();
        report.Should().StartWith("2/2 then 3 hops at ");
    }
}
