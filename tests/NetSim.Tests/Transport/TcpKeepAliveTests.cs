using NetSim.Engine;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpKeepAliveTests
{
    private static readonly TcpSettings Settings = new()
    {
        KeepAlive = true,
        KeepAliveTime = SimDuration.FromSeconds(10),
        KeepAliveInterval = SimDuration.FromSeconds(2),
        KeepAliveProbes = 3,
    };

    /// <summary>Stands for the connection: does what the keep-alive asks, and can answer probes.</summary>
    private sealed class Connection : IEventTarget
    {
        public Connection(Simulation sim, TcpSettings settings)
        {
            Sim = sim;
            KeepAlive = new TcpKeepAlive(sim, settings, this, 4);
        }

        public Simulation Sim { get; }

        public TcpKeepAlive KeepAlive { get; }

        public List<(double Seconds, KeepAliveAction Action)> Actions { get; } = [];

        public long SegmentsReceived { get; set; }

        public bool PeerAnswers { get; set; }

        public bool GaveUp { get; private set; }

        public void OnEvent(int kind, long argument)
        {
            if (GaveUp)
            {
                return;
            }

            KeepAliveAction action = KeepAlive.OnEvent(argument, SegmentsReceived, dataOutstanding: false);
            if (action != KeepAliveAction.None)
            {
                Actions.Add((Sim.Now.TotalSeconds, action));
            }

            if (action == KeepAliveAction.Probe)
            {
                KeepAlive.ProbeSent();
                if (PeerAnswers)
                {
                    SegmentsReceived++;
                    KeepAlive.OnSegmentReceived();
                }
            }
            else if (action == KeepAliveAction.GiveUp)
            {
                GaveUp = true;
            }
        }
    }

    [Fact]
    public void An_idle_connection_is_probed_after_the_idle_time_then_every_interval_and_given_up()
    {
        var sim = new Simulation();
        var connection = new Connection(sim, Settings);
        connection.KeepAlive.Start();

        sim.RunFor(SimDuration.FromSeconds(100));

        connection.Actions.Should().Equal((10.0, KeepAliveAction.Probe), (12.0, KeepAliveAction.Probe), (14.0, KeepAliveAction.Probe), (16.0, KeepAliveAction.GiveUp));
    }

    [Fact]
    public void A_segment_from_the_peer_postpones_the_first_probe_without_moving_the_event()
    {
        var sim = new Simulation();
        var connection = new Connection(sim, Settings);
        connection.KeepAlive.Start();
        sim.RunFor(SimDuration.FromSeconds(5));

        connection.KeepAlive.OnSegmentReceived();
        sim.RunFor(SimDuration.FromSeconds(12));

        connection.Actions.Should().Equal((15.0, KeepAliveAction.Probe), (17.0, KeepAliveAction.Probe));
    }

    [Fact]
    public void Answered_probes_keep_the_connection_and_are_repeated_only_after_the_idle_time()
    {
        var sim = new Simulation();
        var connection = new Connection(sim, Settings) { PeerAnswers = true };
        connection.KeepAlive.Start();

        sim.RunFor(SimDuration.FromSeconds(35));

        connection.Actions.Should().Equal((10.0, KeepAliveAction.Probe), (20.0, KeepAliveAction.Probe), (30.0, KeepAliveAction.Probe));
        connection.GaveUp.Should().BeFalse();
    }

    [Fact]
    public void Stopped_or_off_it_never_probes()
    {
        var sim = new Simulation();
        var stopped = new Connection(sim, Settings);
        stopped.KeepAlive.Start();
        stopped.KeepAlive.Stop();
        var off = new Connection(sim, new TcpSettings());
        off.KeepAlive.Start();

        sim.RunFor(SimDuration.FromSeconds(100));

        stopped.Actions.Should().BeEmpty();
        off.Actions.Should().BeEmpty();
    }
}
