using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Ethernet;

/// <summary>A hub's collisions, counted and recorded over time.</summary>
public sealed class HubProbeTests
{
    [Fact]
    public void Two_talkers_that_start_together_collide_and_the_series_counts_each_collision_when_it_happens()
    {
        var net = new TestNetwork(seed: 7);
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        var trace = new TraceRecorder(net.Network.Tracer);
        TimeSeries collisions = hub.ProbeCollisions();

        for (int i = 0; i < 5; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
            TestNetwork.SendFrame(pcs[1], pcs[0].Mac);
        }

        net.Simulation.Run();

        List<FrameEvent> collided = [.. trace.Events.OfType<FrameEvent>().Where(e => e.Kind == FrameEventKind.Collided)];
        collided.Should().HaveCountGreaterThanOrEqualTo(2, "both stations start at time 0 and hear each other only after the cables' delay");
        hub.Collisions.Should().Be(collided.Count);
        collisions.Points[0].Should().Be(new TimeSeriesPoint(SimTime.Zero, 0));
        collisions.Points.Skip(1).Select(p => p.Value).Should().Equal(Enumerable.Range(1, collided.Count).Select(n => (double)n));
        collisions.Points.Skip(1).Select(p => p.Time).Should().Equal(collided.Select(e => e.Time), "a collision is counted when the medium finds it, as it is traced");

        // The first two: both stations started at time 0, and their attempts collide.
        collisions.Points[1].Time.Should().Be(SimTime.Zero);
        collisions.Points[2].Time.Should().Be(SimTime.Zero);
    }

    [Fact]
    public void A_hub_with_one_talker_has_no_collision()
    {
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        TimeSeries collisions = hub.ProbeCollisions();

        for (int i = 0; i < 5; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        }

        net.Simulation.Run();

        hub.Collisions.Should().Be(0);
        collisions.Points.Should().ContainSingle();
    }
}
