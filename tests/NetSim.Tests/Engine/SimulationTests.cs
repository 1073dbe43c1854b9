using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimulationTests
{
    private static SimDuration Us(long microseconds) => SimDuration.FromMicroseconds(microseconds);

    [Fact]
    public void Events_run_in_time_order_whatever_the_order_they_were_scheduled_in()
    {
        var sim = new Simulation();
        var ran = new List<string>();
        sim.Schedule(Us(30), () => ran.Add($"c at {sim.Now}"));
        sim.Schedule(Us(10), () => ran.Add($"a at {sim.Now}"));
        sim.Schedule(Us(20), () => ran.Add($"b at {sim.Now}"));

        sim.Run();

        ran.Should().Equal("a at 10 us", "b at 20 us", "c at 30 us");
        sim.Now.Should().Be(SimTime.FromMicroseconds(30));
    }

    [Fact]
    public void Events_at_the_same_instant_run_in_the_order_they_were_scheduled()
    {
        var sim = new Simulation();
        var ran = new List<int>();
        for (int i = 0; i < 1_000; i++)
        {
            int n = i;
            // Interleave two instants so that the heap really has to keep ties in order.
            sim.Schedule(Us(i % 2 == 0 ? 5 : 7), () => ran.Add(n));
        }

        sim.Run();

        ran.Should().Equal(Enumerable.Range(0, 1_000).Where(i => i % 2 == 0).Concat(Enumerable.Range(0, 1_000).Where(i => i % 2 == 1)));
    }

    [Fact]
    public void A_zero_delay_event_runs_after_the_events_already_scheduled_for_now()
    {
        var sim = new Simulation();
        var ran = new List<string>();
        sim.Schedule(Us(1), () =>
        {
            ran.Add("first");
            sim.Schedule(SimDuration.Zero, () => ran.Add("zero delay"));
        });
        sim.Schedule(Us(1), () => ran.Add("second"));

        sim.Run();

        ran.Should().Equal("first", "second", "zero delay");
    }

    [Fact]
    public void Ties_stay_in_scheduling_order_under_random_load()
    {
        // Against a reference: a stable sort of (time, scheduling order).
        var sim = new Simulation();
        var random = new RandomSource(7);
        var expected = new List<(long Time, int Order)>();
        var ran = new List<int>();
        for (int i = 0; i < 5_000; i++)
        {
            long time = random.NextInt64(50); // many ties
            int order = i;
            expected.Add((time, order));
            sim.ScheduleAt(SimTime.FromPicoseconds(time), () => ran.Add(order));
        }

        sim.Run();

        ran.Should().Equal(expected.OrderBy(e => e.Time).Select(e => e.Order));
    }

    [Fact]
    public void Scheduling_in_the_past_throws_with_both_times_in_the_message()
    {
        var sim = new Simulation();
        sim.Schedule(Us(5), () => { });
        sim.Run();

        ((Action)(() => sim.ScheduleAt(SimTime.FromMicroseconds(2), () => { })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at 2 us*already at 5 us*");
        ((Action)(() => sim.Schedule(Us(-1), () => { })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at 4 us*already at 5 us*");
    }

    [Fact]
    public void Scheduling_after_the_end_of_time_throws_overflow()
    {
        var sim = new Simulation();
        ((Action)(() => sim.Schedule(SimDuration.MaxValue, () => { }))).Should().NotThrow();
        sim.Schedule(Us(1), () => sim.Schedule(SimDuration.MaxValue, () => { }));
        ((Action)sim.Run).Should().Throw<OverflowException>();
    }

    [Fact]
    public void A_cancelled_event_does_not_run_and_does_not_count()
    {
        var sim = new Simulation();
        var ran = new List<string>();
        sim.Schedule(Us(1), () => ran.Add("kept"));
        EventHandle doomed = sim.Schedule(Us(2), () => ran.Add("cancelled"));
        sim.PendingEvents.Should().Be(2);

        sim.Cancel(doomed).Should().BeTrue();

        sim.PendingEvents.Should().Be(1);
        sim.IsPending(doomed).Should().BeFalse();
        sim.Run();
        ran.Should().Equal("kept");
        sim.EventsExecuted.Should().Be(1);
        sim.PendingEvents.Should().Be(0);
        sim.Now.Should().Be(SimTime.FromMicroseconds(1), "the cancelled event does not move the clock");
    }

    [Fact]
    public void Cancelling_twice_after_running_or_with_no_handle_is_harmless()
    {
        var sim = new Simulation();
        EventHandle handle = sim.Schedule(Us(1), () => { });
        sim.Cancel(handle).Should().BeTrue();
        sim.Cancel(handle).Should().BeFalse("it is already cancelled");
        sim.PendingEvents.Should().Be(0);

        EventHandle ran = sim.Schedule(Us(1), () => { });
        sim.Run();
        sim.Cancel(ran).Should().BeFalse("it already ran");
        sim.Cancel(EventHandle.None).Should().BeFalse();
        sim.Cancel(default).Should().BeFalse();
        sim.EventsExecuted.Should().Be(1);
    }

    [Fact]
    public void A_stale_handle_does_not_cancel_the_event_that_reuses_its_slot()
    {
        var sim = new Simulation();
        EventHandle first = sim.Schedule(Us(1), () => { });
        sim.Run();
        var ran = false;
        EventHandle second = sim.Schedule(Us(1), () => ran = true); // takes the freed slot

        sim.Cancel(first).Should().BeFalse();

        sim.IsPending(second).Should().BeTrue();
        sim.Run();
        ran.Should().BeTrue();
    }

    [Fact]
    public void An_event_can_cancel_a_later_event_at_the_same_instant()
    {
        var sim = new Simulation();
        var ran = new List<string>();
        EventHandle later = default;
        sim.Schedule(Us(1), () => { ran.Add("a"); sim.Cancel(later); });
        later = sim.Schedule(Us(1), () => ran.Add("b"));
        sim.Run();
        ran.Should().Equal("a");
    }

    [Fact]
    public void RunUntil_runs_events_at_the_limit_and_leaves_later_ones_pending()
    {
        var sim = new Simulation();
        var ran = new List<SimTime>();
        foreach (long us in new long[] { 1, 10, 11 })
        {
            sim.Schedule(Us(us), () => ran.Add(sim.Now));
        }

        sim.RunUntil(SimTime.FromMicroseconds(10));

        ran.Should().Equal(SimTime.FromMicroseconds(1), SimTime.FromMicroseconds(10));
        sim.Now.Should().Be(SimTime.FromMicroseconds(10));
        sim.PendingEvents.Should().Be(1);

        sim.RunUntil(SimTime.FromMicroseconds(50));
        ran.Should().HaveCount(3);
        sim.Now.Should().Be(SimTime.FromMicroseconds(50), "the clock moves to the limit even when no event is there");
    }

    [Fact]
    public void RunUntil_a_time_in_the_past_throws()
    {
        var sim = new Simulation();
        sim.RunFor(Us(5));
        sim.Now.Should().Be(SimTime.FromMicroseconds(5));
        ((Action)(() => sim.RunUntil(SimTime.FromMicroseconds(4)))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*4 us*already at 5 us*");
        ((Action)(() => sim.RunFor(Us(-1)))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Stop_inside_an_event_returns_after_that_event_and_the_run_can_continue()
    {
        var sim = new Simulation();
        var ran = new List<int>();
        for (int i = 1; i <= 5; i++)
        {
            int n = i;
            sim.Schedule(Us(i), () =>
            {
                ran.Add(n);
                if (n == 2)
                {
                    sim.Stop();
                }
            });
        }

        sim.RunUntil(SimTime.FromMicroseconds(100));

        ran.Should().Equal(1, 2);
        sim.Now.Should().Be(SimTime.FromMicroseconds(2), "a stopped run does not jump to the limit");
        sim.EventsExecuted.Should().Be(2);
        sim.IsRunning.Should().BeFalse();

        sim.Run();
        ran.Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public void Stop_outside_a_run_does_nothing()
    {
        var sim = new Simulation();
        sim.Schedule(Us(1), () => { });
        sim.Stop();
        sim.Run();
        sim.EventsExecuted.Should().Be(1);
    }

    [Fact]
    public void Running_from_inside_an_event_is_refused()
    {
        var sim = new Simulation();
        sim.Schedule(Us(1), () => sim.Run());
        ((Action)sim.Run).Should().Throw<InvalidOperationException>().WithMessage("*already running*");
        sim.IsRunning.Should().BeFalse("the failed run still ends cleanly");
    }

    [Fact]
    public void An_exception_in_an_event_leaves_the_simulation_usable()
    {
        var sim = new Simulation();
        var ran = new List<int>();
        sim.Schedule(Us(1), () => throw new InvalidOperationException("model bug"));
        sim.Schedule(Us(2), () => ran.Add(2));

        ((Action)sim.Run).Should().Throw<InvalidOperationException>().WithMessage("model bug");

        sim.Now.Should().Be(SimTime.FromMicroseconds(1));
        sim.Run();
        ran.Should().Equal(2);
    }

    [Fact]
    public void Counts_executed_and_pending_events()
    {
        var sim = new Simulation();
        var target = new CountingTarget(sim, reschedules: 99);
        sim.Schedule(Us(1), target, kind: 3, argument: 42);
        sim.PendingEvents.Should().Be(1);

        sim.Run();

        sim.EventsExecuted.Should().Be(100);
        target.Kinds.Should().AllBeEquivalentTo(3);
        target.Arguments.Should().AllBeEquivalentTo(42L);
        sim.PendingEvents.Should().Be(0);
        sim.Now.Should().Be(SimTime.FromMicroseconds(100));
    }

    [Fact]
    public void Schedule_rejects_a_null_target()
    {
        var sim = new Simulation();
        ((Action)(() => sim.Schedule(Us(1), (IEventTarget)null!))).Should().Throw<ArgumentNullException>();
        ((Action)(() => sim.Schedule(Us(1), (Action)null!))).Should().Throw<ArgumentNullException>();
    }

    private sealed class CountingTarget(Simulation sim, int reschedules) : IEventTarget
    {
        private int remaining = reschedules;

        public List<int> Kinds { get; } = [];

        public List<long> Arguments { get; } = [];

        public void OnEvent(int kind, long argument)
        {
            Kinds.Add(kind);
            Arguments.Add(argument);
            if (remaining-- > 0)
            {
                sim.Schedule(SimDuration.FromMicroseconds(1), this, kind, argument);
            }
        }
    }
}
