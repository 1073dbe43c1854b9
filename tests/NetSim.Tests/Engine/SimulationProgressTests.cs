using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimulationProgressTests
{
    // One event every microsecond, `count` of them: a run whose length in events and in simulated time is known.
    private static Simulation Ticking(int count, List<string>? log = null)
    {
        var sim = new Simulation();
        var ticker = new Ticker(sim, count, log);
        ticker.Start();
        return sim;
    }

    [Fact]
    public void RunUntil_reports_at_the_wall_clock_interval_and_once_at_the_end()
    {
        // 10 240 events, 1 us apart. The fake wall clock moves 0.25 s each time it is read, and
        // the loop reads it every 1024 events: a 1 s interval is due every fourth read.
        Simulation sim = Ticking(10_240);
        var clock = new SteppingClock(TimeSpan.FromSeconds(0.25));
        var reports = new ListProgress();

        sim.RunUntil(SimTime.FromMicroseconds(20_480), reports, TimeSpan.FromSeconds(1), clock);

        reports.Items.Should().HaveCount(3);
        SimulationProgress first = reports.Items[0];
        first.IsFinal.Should().BeFalse();
        first.EventsExecuted.Should().Be(4096); // the 4th read (the 1st is at the start)
        first.Now.Should().Be(SimTime.FromMicroseconds(4096));
        first.Fraction.Should().BeApproximately(0.2, 1e-12); // 4096 us of 20 480 us
        first.WallTime.Should().Be(TimeSpan.FromSeconds(1));
        first.EventsPerSecond.Should().BeApproximately(4096, 1e-9);
        first.EstimatedTimeLeft.Should().Be(TimeSpan.FromSeconds(4)); // 20 % took 1 s: 80 % takes 4 s more

        reports.Items[1].EventsExecuted.Should().Be(8192);
        reports.Items[1].Fraction.Should().BeApproximately(0.4, 1e-12);

        SimulationProgress last = reports.Items[^1];
        last.IsFinal.Should().BeTrue();
        last.Now.Should().Be(SimTime.FromMicroseconds(20_480)); // RunUntil moved the clock to the stop time
        last.Fraction.Should().Be(1.0);
        last.EventsExecuted.Should().Be(10_240);
        last.EstimatedTimeLeft.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Run_has_no_stop_time_so_no_fraction_and_no_estimate_until_the_end()
    {
        Simulation sim = Ticking(5_000);
        var reports = new ListProgress();

        sim.Run(reports, TimeSpan.FromSeconds(1), new SteppingClock(TimeSpan.FromSeconds(1)));

        reports.Items.Should().HaveCountGreaterThan(1);
        reports.Items.Should().OnlyContain(p => p.Fraction == null);
        reports.Items.SkipLast(1).Should().OnlyContain(p => p.EstimatedTimeLeft == null && !p.IsFinal);
        reports.Items[^1].Should().Be(reports.Items[^1] with { IsFinal = true, Now = SimTime.FromMicroseconds(5_000), EventsExecuted = 5_000 });
    }

    [Fact]
    public void A_short_run_reports_once_at_the_end()
    {
        Simulation sim = Ticking(10);
        var reports = new ListProgress();

        sim.Run(reports, TimeSpan.FromSeconds(1), new SteppingClock(TimeSpan.FromMilliseconds(1)));

        reports.Items.Should().ContainSingle().Which.Should().Match<SimulationProgress>(p => p.IsFinal && p.EventsExecuted == 10 && p.Now == SimTime.FromMicroseconds(10));
    }

    [Fact]
    public void The_fraction_counts_from_where_the_run_started_and_events_from_this_run_only()
    {
        Simulation sim = Ticking(3_000);
        sim.RunUntil(SimTime.FromMicroseconds(1_000));
        var reports = new ListProgress();

        sim.RunUntil(SimTime.FromMicroseconds(3_000), reports, TimeSpan.FromSeconds(1), new SteppingClock(TimeSpan.FromSeconds(2)));

        // The first read after the start is at the 1024th event overall (1024 us): 24 us of 2000 us.
        SimulationProgress first = reports.Items[0];
        first.Now.Should().Be(SimTime.FromMicroseconds(1024));
        first.EventsExecuted.Should().Be(24);
        first.Fraction.Should().BeApproximately(24 / 2000.0, 1e-12);
        reports.Items[^1].EventsExecuted.Should().Be(2_000);
    }

    [Fact]
    public void RunFor_reports_the_fraction_of_its_duration()
    {
        Simulation sim = Ticking(3_000);
        sim.RunUntil(SimTime.FromMicroseconds(1_000));
        var reports = new ListProgress();

        sim.RunFor(SimDuration.FromMicroseconds(1_000), reports, TimeSpan.FromSeconds(1), new SteppingClock(TimeSpan.FromSeconds(2)));

        reports.Items[0].Fraction.Should().BeApproximately(24 / 1000.0, 1e-12, "the 1024th event is 24 us into the 1000 us asked for");
        reports.Items[^1].Should().Match<SimulationProgress>(p => p.IsFinal && p.Fraction == 1 && p.EventsExecuted == 1_000);
        sim.Now.Should().Be(SimTime.FromMicroseconds(2_000));
    }

    [Fact]
    public void A_stopped_run_makes_its_final_report_where_it_stopped()
    {
        Simulation sim = Ticking(100);
        sim.ScheduleAt(SimTime.FromMicroseconds(50), sim.Stop);
        var reports = new ListProgress();

        sim.RunUntil(SimTime.FromMicroseconds(200), reports, wallClock: new SteppingClock(TimeSpan.FromSeconds(1)));

        SimulationProgress last = reports.Items.Should().ContainSingle().Subject;
        last.IsFinal.Should().BeTrue();
        last.Now.Should().Be(SimTime.FromMicroseconds(50));
        last.Fraction.Should().Be(0.25);
    }

    [Fact]
    public void Progress_changes_nothing_in_the_run()
    {
        var without = new List<string>();
        Simulation plain = Ticking(20_000, without);
        plain.RunUntil(SimTime.FromMilliseconds(30));

        var with = new List<string>();
        Simulation reported = Ticking(20_000, with);
        var reports = new ListProgress();
        reported.RunUntil(SimTime.FromMilliseconds(30), reports, TimeSpan.Zero, new SteppingClock(TimeSpan.FromSeconds(3)));

        reports.Items.Should().HaveCountGreaterThan(10);
        with.Should().Equal(without);
        reported.EventsExecuted.Should().Be(plain.EventsExecuted);
        reported.Now.Should().Be(plain.Now);
    }

    [Fact]
    public void Null_progress_runs_as_without_it_and_a_negative_interval_is_refused()
    {
        Simulation sim = Ticking(100);
        sim.Run(null);
        sim.EventsExecuted.Should().Be(100);

        Action negative = () => Ticking(1).Run(new ListProgress(), TimeSpan.FromSeconds(-1));
        negative.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reportInterval");
    }

    // Reports collected in order, on the simulation's thread (Progress<T> would post them elsewhere).
    private sealed class ListProgress : IProgress<SimulationProgress>
    {
        public List<SimulationProgress> Items { get; } = [];

        public void Report(SimulationProgress value) => Items.Add(value);
    }

    // A wall clock that moves on by `step` every time it is read.
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            long now = ticks;
            ticks += step.Ticks;
            return now;
        }
    }

    private sealed class Ticker(Simulation sim, int count, List<string>? log) : IEventTarget
    {
        private int ran;

        public void Start() => sim.Schedule(SimDuration.FromMicroseconds(1), this);

        public void OnEvent(int kind, long argument)
        {
            ran++;
            log?.Add($"{sim.Now} {ran}");
            if (ran < count)
            {
                sim.Schedule(SimDuration.FromMicroseconds(1), this);
            }
        }
    }
}
