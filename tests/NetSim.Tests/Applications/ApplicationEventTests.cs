using NetSim.Applications;
using NetSim.Tests.Ip;
using NetSim.Topology;

namespace NetSim.Tests.Applications;

/// <summary>Ping's and traceroute's events take many handlers, each added and removed on its own.</summary>
public class ApplicationEventTests
{
    [Fact]
    public void Two_handlers_of_ResultReceived_both_get_each_result_and_one_that_leaves_gets_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        var ping = new Ping(pc1, pc2.Address) { Count = 3 };
        var first = new List<ushort>();
        var second = new List<ushort>();
        void First(object? sender, PingResult result)
        {
            first.Add(result.Sequence);
            ping.ResultReceived -= First; // leaves from inside its own call
        }

        ping.ResultReceived += First;
        ping.ResultReceived += (sender, result) =>
        {
            sender.Should().BeSameAs(ping);
            second.Add(result.Sequence);
        };
        ping.Start();
        net.Simulation.Run();

        first.Should().Equal([1]);
        second.Should().Equal([1, 2, 3]);
    }

    [Fact]
    public void Two_handlers_of_HopCompleted_both_get_each_hop_and_one_that_leaves_gets_no_more()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(2);
        var trace = new Traceroute(pc1, pc2.Address);
        var first = new List<int>();
        var second = new List<int>();
        void First(object? sender, TracerouteHop hop)
        {
            first.Add(hop.TimeToLive);
            trace.HopCompleted -= First;
        }

        trace.HopCompleted += First;
        trace.HopCompleted += (sender, hop) =>
        {
            sender.Should().BeSameAs(trace);
            second.Add(hop.TimeToLive);
        };
        trace.Start();
        net.Simulation.Run();

        trace.ReachedDestination.Should().BeTrue();
        first.Should().Equal([1]);
        second.Should().Equal([1, 2, 3]);
    }
}
