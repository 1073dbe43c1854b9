using NetSim.Engine;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

namespace NetSim.Tests.Tracing;

/// <summary>A run's fingerprint: the same model and seed give the same one, any change of behaviour another.</summary>
public sealed class FingerprintTests
{
    private static Fingerprint Run(int bytes, ulong seed = 1, bool lossy = false)
    {
        var net = new IpTestNetwork(seed);
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        if (lossy)
        {
            routers[0].Interfaces[1].Port.Cable!.FromA.Impairments.LossProbability = 0.2;
        }

        var fingerprint = new Fingerprint(net.Network.Tracer);
        using var socket = new UdpSocket(pc1);
        socket.Bind(5000);
        for (int i = 0; i < 20; i++)
        {
            _ = socket.SendTo(new byte[bytes], pc2.Address, 9);
        }

        net.Simulation.RunFor(SimDuration.FromSeconds(1));
        return fingerprint;
    }

    [Fact]
    public void The_same_run_gives_the_same_fingerprint()
    {
        Fingerprint first = Run(100);
        Fingerprint second = Run(100);

        second.Value.Should().Be(first.Value);
        second.Value.Should().MatchRegex("^[0-9a-f]{16}$");
        first.Events.Should().BeGreaterThan(100, "every layer's events went in");
        first.Frames.Should().BeGreaterThan(40);
    }

    [Fact]
    public void A_change_of_one_byte_in_the_traffic_changes_the_fingerprint()
    {
        Run(101).Value.Should().NotBe(Run(100).Value);
    }

    [Fact]
    public void A_different_seed_changes_the_fingerprint_only_where_randomness_is_used()
    {
        Run(100, seed: 2).Value.Should().Be(Run(100, seed: 1).Value, "nothing in a loss-free run draws a random number");
        Run(100, seed: 2, lossy: true).Value.Should().NotBe(Run(100, seed: 1, lossy: true).Value, "the seed picks which frames the lossy cable drops");
    }

    [Fact]
    public void A_fingerprint_stops_when_disposed()
    {
        var net = new IpTestNetwork();
        _ = net.Chain(1);
        var fingerprint = new Fingerprint(net.Network.Tracer);
        net.Network.Tracer.IsOn.Should().BeTrue();
        fingerprint.Dispose();
        net.Network.Tracer.IsOn.Should().BeFalse();
    }
}
