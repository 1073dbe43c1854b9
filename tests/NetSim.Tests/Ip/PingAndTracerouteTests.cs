using NetSim.Applications;
using NetSim.Engine;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

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
        ping.ResultReceived += (_, result) => live.Add(result);
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
        ping.Results[1].Message.Should().Be("64 bytes from 192.168.1.2: icmp_seq=2 ttl=64 time=0.019 ms", "19.6 us, in whole microseconds as ping measures");

        PingSummary summary = ping.Summary;
        summary.Sent.Should().Be(3);
        summary.Received.Should().Be(3);
        summary.LossPercent.Should().Be(0);
        summary.Minimum.Should().Be(oneWay * 2);
        summary.Maximum.Should().Be(ping.Results[0].RoundTripTime);
        summary.StandardDeviation.Should().BeGreaterThan(SimDuration.Zero);
        summary.Elapsed.Should().Be(SimDuration.FromSeconds(1), "from the first request to the last");
        summary.ToString().Should().MatchRegex(
            @"^--- 192\.168\.1\.2 ping statistics ---\r?\n3 packets transmitted, 3 received, 0% packet loss, time 1000ms\r?\nrtt min/avg/max/mdev = 0\.019/0\.0\d\d/0\.0\d\d/0\.0\d\d ms$");
        ping.Banner.Should().Be("PING 192.168.1.2 (192.168.1.2) 56(84) bytes of data.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ping_counts_a_lost_request_as_loss_and_names_it_only_when_asked(bool reportOutstanding)
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        var cable = net.Connect(a.Port, b.Port);
        cable.FromA.Impairments.DropFrameNumbers.Add(3); // frame 1 is ARP, 2 the first request, 3 the second
        var ping = new Ping(a, b.Address) { Count = 4, ReportOutstanding = reportOutstanding };
        ping.Start();
        net.Simulation.Run();

        // iputils ping says nothing about a request that got no answer; with -O it says so when the next one goes out.
        ping.Results.Select(r => r.Message[..Math.Min(r.Message.Length, 29)]).Should().Equal(reportOutstanding
            ? ["64 bytes from 192.168.1.2: ic", "no answer yet for icmp_seq=2", "64 bytes from 192.168.1.2: ic", "64 bytes from 192.168.1.2: ic"]
            : ["64 bytes from 192.168.1.2: ic", "64 bytes from 192.168.1.2: ic", "64 bytes from 192.168.1.2: ic"]);
        ping.Results.Where(r => r.Status == PingStatus.Reply).Select(r => r.Sequence).Should().Equal(1, 3, 4);
        ping.Summary.LossPercent.Should().Be(25);
        ping.Summary.ToString().Should().Contain("4 packets transmitted, 3 received, 25% packet loss, time 3000ms");
    }

    [Fact]
    public void Ping_prints_a_late_reply_and_counts_the_requests_in_flight_as_the_pipe()
    {
        // 0.7 s each way: every reply comes after the next request has gone out.
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        _ = new NetSim.Links.Cable(a.Port, b.Port, IpTestNetwork.Rate, SimDuration.FromMilliseconds(700));
        var ping = new Ping(a, b.Address) { Count = 3, ReportOutstanding = true };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Select(r => (r.Status, r.Sequence)).Should().Equal(
            (PingStatus.Timeout, 1), (PingStatus.Timeout, 2), (PingStatus.Reply, 1), (PingStatus.Reply, 2), (PingStatus.Reply, 3));
        ping.Results[2].Message.Should().MatchRegex(@"^64 bytes from 192\.168\.1\.2: icmp_seq=1 ttl=64 time=2800 ms$",
            "the request waited 1.4 s for ARP, then 1.4 s for its reply; ping prints whole milliseconds from 100 ms up");
        ping.Summary.Received.Should().Be(3);
        ping.Summary.Pipe.Should().Be(3, "the first reply came when three requests were out");
        ping.Summary.ToString().Should().EndWith(" ms, pipe 3");
    }

    [Fact]
    public void Ping_marks_a_duplicate_reply_and_counts_it()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        var cable = net.Connect(a.Port, b.Port);
        cable.FromB.Impairments.DuplicationProbability = 1;
        var ping = new Ping(a, b.Address) { Count = 2 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Select(r => r.Status).Should().Equal(PingStatus.Reply, PingStatus.Duplicate, PingStatus.Reply);
        ping.Results[1].Message.Should().EndWith(" ms (DUP!)").And.StartWith("64 bytes from 192.168.1.2: icmp_seq=1 ");
        ping.Summary.ToString().Should().Contain("2 packets transmitted, 2 received, +1 duplicates, 0% packet loss",
            "the run ends at the second reply, before its copy");
    }

    [Theory]
    [InlineData(IcmpType.DestinationUnreachable, 0, "Destination Net Unreachable")]
    [InlineData(IcmpType.DestinationUnreachable, 1, "Destination Host Unreachable")]
    [InlineData(IcmpType.DestinationUnreachable, 2, "Destination Protocol Unreachable")]
    [InlineData(IcmpType.DestinationUnreachable, 3, "Destination Port Unreachable")]
    [InlineData(IcmpType.DestinationUnreachable, 4, "Frag needed and DF set (mtu = 1400)")]
    [InlineData(IcmpType.DestinationUnreachable, 5, "Source Route Failed")]
    [InlineData(IcmpType.DestinationUnreachable, 6, "Destination Net Unknown")]
    [InlineData(IcmpType.DestinationUnreachable, 7, "Destination Host Unknown")]
    [InlineData(IcmpType.DestinationUnreachable, 8, "Source Host Isolated")]
    [InlineData(IcmpType.DestinationUnreachable, 9, "Destination Net Prohibited")]
    [InlineData(IcmpType.DestinationUnreachable, 10, "Destination Host Prohibited")]
    [InlineData(IcmpType.DestinationUnreachable, 11, "Destination Net Unreachable for Type of Service")]
    [InlineData(IcmpType.DestinationUnreachable, 12, "Destination Host Unreachable for Type of Service")]
    [InlineData(IcmpType.DestinationUnreachable, 13, "Packet filtered")]
    [InlineData(IcmpType.DestinationUnreachable, 14, "Precedence Violation")]
    [InlineData(IcmpType.DestinationUnreachable, 15, "Precedence Cutoff")]
    [InlineData(IcmpType.DestinationUnreachable, 16, "Dest Unreachable, Bad Code: 16")]
    [InlineData(IcmpType.TimeExceeded, 0, "Time to live exceeded")]
    [InlineData(IcmpType.TimeExceeded, 1, "Frag reassembly time exceeded")]
    [InlineData(IcmpType.TimeExceeded, 2, "Time exceeded, Bad Code: 2")]
    [InlineData((IcmpType)4, 0, "Source Quench")]
    [InlineData((IcmpType)12, 0, "Parameter problem: pointer = 1")]
    [InlineData((IcmpType)42, 0, "Bad ICMP type: 42")]
    public void Ping_words_each_icmp_error_as_iputils_does(IcmpType type, byte code, string expected)
    {
        // The four bytes after the checksum: the MTU of "fragmentation needed", the pointer of a parameter problem.
        var icmp = new IcmpHeader(type, code, Identifier: (ushort)(type == (IcmpType)12 ? 0x0100 : 0), NextHopMtu: 1400);
        Ping.Describe(icmp).Text.Should().Be(expected);
    }

    [Fact]
    public void Ping_words_a_redirect_with_its_gateway_as_iputils_does()
    {
        var icmp = new IcmpHeader((IcmpType)5, 1, Identifier: 0x0A00, SequenceNumber: 0x00FE);
        Ping.Describe(icmp).Text.Should().Be("Redirect Host(New nexthop: 10.0.0.254)");
    }

    [Theory]
    [InlineData(0, "0.000")]
    [InlineData(123_456, "0.123")]
    [InlineData(1_234_567, "1.23")]
    [InlineData(1_235_000, "1.24")]
    [InlineData(12_345_678, "12.3")]
    [InlineData(99_949_999, "99.9")]
    [InlineData(99_950_000, "100")]
    [InlineData(2_800_000_000, "2800")]
    public void Ping_gives_a_reply_time_the_precision_iputils_gives_it(long nanoseconds, string expected) =>
        PingText.ReplyTime(SimDuration.FromNanoseconds(nanoseconds)).Should().Be(expected);

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
        trace.Hops[0].ToString().Should().MatchRegex(@"^ 1  10\.0\.1\.1  0\.\d{3} ms  0\.\d{3} ms  0\.\d{3} ms$");
        trace.Hops[0].Probes.Should().OnlyContain(p => p.Type == IcmpType.TimeExceeded && p.Code == 0 && !p.IsFinal && p.Marker == "");
        trace.Hops[^1].Probes.Should().OnlyContain(p => p.Type == IcmpType.EchoReply && p.IsFinal && p.Marker == "");
        trace.Banner.Should().Be("traceroute to 10.0.4.10 (10.0.4.10), 30 hops max, 60 byte packets");
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
        trace.Hops[1].ToString().Should().Be(" 2  * * *", "as traceroute prints a hop where nothing answered");
        trace.Hops[1].Probes.Should().OnlyContain(p => !p.IsAnswered && p.Type == null && p.Marker == "");
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

    [Fact]
    public void Ping_to_an_absent_host_behind_a_router_reports_each_host_unreachable_as_iputils_does()
    {
        // r1 tries ARP three times, one second apart, for each waiting request, then answers
        // "host unreachable": 3 s after the first request, later than one interval.
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(1);
        var ping = new Ping(pc1, Ipv4Address.Parse("10.0.2.99")) { Count = 5 };
        ping.Start();
        net.Simulation.Run();

        ping.IsComplete.Should().BeTrue();
        ping.Results.Select(r => r.Message).Should().Equal(
            Enumerable.Range(1, 5).Select(n => $"From 10.0.1.1 icmp_seq={n} Destination Host Unreachable"));
        ping.Results.Should().OnlyContain(r => r.Status == PingStatus.Unreachable);
        string summary = ping.Summary.ToString();
        summary.Should().StartWith("--- 10.0.2.99 ping statistics ---\n5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 4000ms");
        summary.Should().NotContain("rtt", "nothing was received");
    }

    [Fact]
    public void Traceroute_into_a_network_the_last_router_has_no_route_for_shows_that_router_once_with_N_and_stops()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, _) = net.Chain(2);
        routers[0].SetDefaultRoute("10.0.2.1"); // r1 sends everything else on to r2, which has no route for it
        var trace = new Traceroute(pc1, Ipv4Address.Parse("172.16.9.9"));
        trace.Start();
        net.Simulation.Run();

        trace.IsComplete.Should().BeTrue();
        trace.ReachedDestination.Should().BeFalse();
        trace.Hops.Select(h => h.Address.ToString()).Should().Equal("10.0.1.1", "10.0.2.1");
        trace.Hops[0].ToString().Should().NotContain("!");
        trace.Hops[1].ToString().Should().MatchRegex(@"^ 2  10\.0\.2\.1  \d+\.\d{3} ms !N  \d+\.\d{3} ms !N  \d+\.\d{3} ms !N$",
            "r2 finds no route before it looks at the TTL (RFC 1812, 5.2.1.2), so it answers TTL 2 with net unreachable");
        trace.Hops[1].Probes.Should().OnlyContain(p => p.Type == IcmpType.DestinationUnreachable && p.Code == 0);
    }

    [Fact]
    public void Traceroute_to_an_absent_host_on_the_last_routers_network_ends_with_H()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(1);
        var trace = new Traceroute(pc1, Ipv4Address.Parse("10.0.2.99"));
        trace.Start();
        net.Simulation.Run();

        trace.ReachedDestination.Should().BeFalse();
        trace.Hops.Should().HaveCount(2);
        // r1 answers each probe after three ARP requests, one second apart: later than ping's
        // old two seconds, within traceroute's five.
        trace.Hops[1].ToString().Should().MatchRegex(@"^ 2  10\.0\.1\.1  3000\.\d{3} ms !H  3000\.\d{3} ms !H  3000\.\d{3} ms !H$");
        trace.Hops[1].Probes.Should().OnlyContain(p => p.Type == IcmpType.DestinationUnreachable && p.Code == 1 && p.IsFinal);
    }

    [Theory]
    [InlineData(IcmpType.TimeExceeded, 0, "", false)]
    [InlineData(IcmpType.EchoReply, 0, "", true)]
    [InlineData(IcmpType.DestinationUnreachable, 0, "!N", true)]
    [InlineData(IcmpType.DestinationUnreachable, 1, "!H", true)]
    [InlineData(IcmpType.DestinationUnreachable, 2, "!P", true)]
    [InlineData(IcmpType.DestinationUnreachable, 3, "", true)]
    [InlineData(IcmpType.DestinationUnreachable, 4, "!F-1500", true)]
    [InlineData(IcmpType.DestinationUnreachable, 5, "!S", true)]
    [InlineData(IcmpType.DestinationUnreachable, 6, "!N", true)]
    [InlineData(IcmpType.DestinationUnreachable, 7, "!H", true)]
    [InlineData(IcmpType.DestinationUnreachable, 8, "!N", true)]
    [InlineData(IcmpType.DestinationUnreachable, 9, "!X", true)]
    [InlineData(IcmpType.DestinationUnreachable, 10, "!X", true)]
    [InlineData(IcmpType.DestinationUnreachable, 11, "!N", true)]
    [InlineData(IcmpType.DestinationUnreachable, 12, "!H", true)]
    [InlineData(IcmpType.DestinationUnreachable, 13, "!X", true)]
    [InlineData(IcmpType.DestinationUnreachable, 14, "!V", true)]
    [InlineData(IcmpType.DestinationUnreachable, 15, "!C", true)]
    [InlineData(IcmpType.DestinationUnreachable, 16, "!<16>", true)]
    [InlineData(IcmpType.TimeExceeded, 1, "!<11-1>", true)]
    [InlineData((IcmpType)12, 0, "!<12-0>", true)]
    public void Traceroute_marks_each_answer_as_linux_traceroute_does(IcmpType type, byte code, string marker, bool final)
    {
        var probe = new TracerouteProbe(Ipv4Address.Parse("10.0.0.1"), SimDuration.FromMicroseconds(1234), type, code, NextHopMtu: 1500);
        probe.Marker.Should().Be(marker);
        probe.IsFinal.Should().Be(final);
        new TracerouteHop(3, [probe, probe]).ToString().Should().Be(marker.Length == 0
            ? " 3  10.0.0.1  1.234 ms  1.234 ms"
            : $" 3  10.0.0.1  1.234 ms {marker}  1.234 ms {marker}");
    }

    [Fact]
    public void Traceroute_prints_an_address_again_only_where_the_answer_comes_from_elsewhere()
    {
        var a = Ipv4Address.Parse("10.0.0.1");
        var b = Ipv4Address.Parse("10.0.9.1");
        SimDuration rtt = SimDuration.FromMicroseconds(500);
        var hop = new TracerouteHop(4, [new(null, null), new(a, rtt, IcmpType.TimeExceeded), new(b, rtt, IcmpType.TimeExceeded), new(b, rtt, IcmpType.TimeExceeded)]);
        hop.ToString().Should().Be(" 4  * 10.0.0.1  0.500 ms 10.0.9.1  0.500 ms  0.500 ms");
        hop.Address.Should().Be(a);
        hop.RoundTripTimes.Should().Equal(null, rtt, rtt, rtt);
    }
}
