using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Tracing;

/// <summary>Observation can be undone: trace listeners and port taps come and go, and others stay.</summary>
public sealed class TracerTests
{
    [Fact]
    public void Two_trace_listeners_coexist_and_one_can_leave()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var first = new TraceRecorder(net.Network.Tracer);
        using var second = new TraceRecorder(net.Network.Tracer);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        first.Events.Should().HaveCount(2, "sent and received").And.Equal(second.Events);

        first.Dispose();
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        first.Events.Should().HaveCount(2, "it left");
        second.Events.Should().HaveCount(4);
        net.Network.Tracer.IsOn.Should().BeTrue("one still listens");
    }

    [Fact]
    public void A_port_tap_sees_frames_until_its_subscription_is_disposed()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var kept = new CountingTap();
        var removed = new CountingTap();
        _ = pcs[1].Port.AddTap(kept);
        IDisposable subscription = pcs[1].Port.AddTap(removed);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        subscription.Dispose();
        subscription.Dispose(); // twice is harmless
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        removed.Frames.Should().Be(1);
        kept.Frames.Should().Be(2);
    }

    private sealed class CountingTap : IFrameTap
    {
        public int Frames { get; private set; }

        public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing) => Frames++;
    }
}
