using NetSim.Engine;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpPersistTimerTests
{
    private static readonly SimDuration Rto = SimDuration.FromSeconds(1);

    /// <summary>Stands for the sender: probes each time the timer runs, as long as the window stays shut.</summary>
    private sealed class Sender : IEventTarget
    {
        public Sender(Simulation sim, SimDuration ceiling)
        {
            Sim = sim;
            Ceiling = ceiling;
            Timer = new TcpPersistTimer(sim, this, 2);
        }

        public Simulation Sim { get; }

        public SimDuration Ceiling { get; }

        public TcpPersistTimer Timer { get; }

        public List<double> ProbesAt { get; } = [];

        public void OnEvent(int kind, long argument)
        {
            ProbesAt.Add(Sim.Now.TotalSeconds);
            Timer.ProbeSent(Rto, Ceiling);
        }
    }

    [Fact]
    public void The_first_probe_comes_one_timeout_after_the_window_closed_and_each_next_twice_as_late()
    {
        var sender = new Sender(new Simulation(), SimDuration.FromSeconds(1000));

        sender.Timer.Start(Rto);
        sender.Sim.RunUntil(SimTime.FromSeconds(100));

        // Intervals 1, 2, 4, 8, 16, 32 s, then 64 s: the backoff stops at 2^6.
        sender.ProbesAt.Should().Equal(1, 3, 7, 15, 31, 63);
        sender.Timer.Backoff.Should().Be(6);
        sender.Sim.RunUntil(SimTime.FromSeconds(300));
        sender.ProbesAt.Skip(5).Should().Equal(63, 127, 191, 255);
    }

    [Fact]
    public void No_interval_is_longer_than_the_ceiling()
    {
        var sender = new Sender(new Simulation(), SimDuration.FromSeconds(5));

        sender.Timer.Start(Rto);
        sender.Sim.RunUntil(SimTime.FromSeconds(30));

        sender.ProbesAt.Should().Equal(1, 3, 7, 12, 17, 22, 27);
    }

    [Fact]
    public void Starting_a_pending_timer_does_not_move_it()
    {
        var sender = new Sender(new Simulation(), SimDuration.FromSeconds(60));

        sender.Timer.Start(Rto);
        sender.Sim.RunUntil(SimTime.Zero + SimDuration.FromMilliseconds(500));
        sender.Timer.Start(Rto); // the sender's output runs again while the window is still shut
        sender.Sim.RunUntil(SimTime.FromSeconds(2));

        sender.ProbesAt.Should().Equal(1);
    }

    [Fact]
    public void When_the_window_opens_the_timer_stops_and_the_backoff_starts_over()
    {
        var sender = new Sender(new Simulation(), SimDuration.FromSeconds(60));
        sender.Timer.Start(Rto);
        sender.Sim.RunUntil(SimTime.FromSeconds(8)); // probes at 1, 3, 7

        sender.Timer.Reset();
        sender.Timer.IsPending.Should().BeFalse();
        sender.Timer.Backoff.Should().Be(0);
        sender.Sim.RunUntil(SimTime.FromSeconds(20));
        sender.ProbesAt.Should().Equal(1, 3, 7);

        sender.Timer.Start(Rto); // shut again at 20 s
        sender.Sim.RunUntil(SimTime.FromSeconds(24));
        sender.ProbesAt.Should().Equal(1, 3, 7, 21, 23);
    }
}
