using NetSim.Engine;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class DeadlineTimerTests
{
    private sealed class Target(Simulation sim) : IEventTarget
    {
        public DeadlineTimer? Timer { get; set; }

        public List<SimTime> Expired { get; } = [];

        public int Events { get; private set; }

        public void OnEvent(int kind, long argument)
        {
            Events++;
            if (Timer!.OnEvent())
            {
                Expired.Add(sim.Now);
            }
        }
    }

    private static (Simulation Sim, DeadlineTimer Timer, Target Target) Make()
    {
        var sim = new Simulation();
        var target = new Target(sim);
        var timer = new DeadlineTimer(sim, target, 1);
        target.Timer = timer;
        return (sim, timer, target);
    }

    private static SimTime At(long ms) => SimTime.Zero + SimDuration.FromMilliseconds(ms);

    [Fact]
    public void It_expires_once_at_its_deadline()
    {
        (Simulation sim, DeadlineTimer timer, Target target) = Make();

        timer.Restart(SimDuration.FromMilliseconds(100));
        timer.IsRunning.Should().BeTrue();
        sim.Run();

        target.Expired.Should().Equal(At(100));
        timer.IsRunning.Should().BeFalse();
    }

    [Fact]
    public void Restarts_that_move_it_later_wait_on_without_new_events_per_restart()
    {
        (Simulation sim, DeadlineTimer timer, Target target) = Make();
        timer.Restart(SimDuration.FromMilliseconds(100));
        for (int i = 1; i <= 50; i++)
        {
            sim.RunUntil(At(i)); // an ACK each millisecond restarts it
            timer.Restart(SimDuration.FromMilliseconds(100));
        }

        sim.Run();

        target.Expired.Should().Equal(At(150));
        target.Events.Should().Be(2, "the first event came early and waited on once; fifty restarts added no events");
    }

    [Fact]
    public void A_restart_to_an_earlier_deadline_fires_at_the_earlier_one()
    {
        (Simulation sim, DeadlineTimer timer, Target target) = Make();
        timer.Restart(SimDuration.FromMilliseconds(1000));

        timer.Restart(SimDuration.FromMilliseconds(200));
        sim.Run();

        target.Expired.Should().Equal(At(200));
    }

    [Fact]
    public void A_stopped_timer_does_not_expire()
    {
        (Simulation sim, DeadlineTimer timer, Target target) = Make();
        timer.Restart(SimDuration.FromMilliseconds(100));

        timer.Stop();
        sim.Run();

        target.Expired.Should().BeEmpty();
        timer.IsRunning.Should().BeFalse();
    }
}
