using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimulationTimeProviderTests
{
    private static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;

    [Fact]
    public void The_clock_reads_simulated_time_from_the_unix_epoch_in_utc()
    {
        var sim = new Simulation();
        TimeProvider time = sim.TimeProvider;
        sim.RunUntil(SimTime.FromPicoseconds(1_250_000_123_456)); // 1.25 s and 123,456 ps

        time.GetUtcNow().Should().Be(new DateTimeOffset(1970, 1, 1, 0, 0, 1, TimeSpan.Zero).AddTicks(2_500_001), "cut to the 100 ns tick below");
        time.GetLocalNow().Offset.Should().Be(TimeSpan.Zero, "a simulation's local time does not depend on the machine");
        time.TimestampFrequency.Should().Be(1_000_000_000_000);
        time.GetTimestamp().Should().Be(1_250_000_123_456);
        SimulationTimeProvider.Epoch.Should().Be(DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void Elapsed_time_between_timestamps_is_exact_to_the_tick()
    {
        var sim = new Simulation();
        long start = sim.TimeProvider.GetTimestamp();
        foreach (long ticks in new long[] { 1, 3, 7, 10_000, 12_345_678, 86_400L * TimeSpan.TicksPerSecond * 100 })
        {
            sim.TimeProvider.GetElapsedTime(start, start + (ticks * 100_000)).Should().Be(TimeSpan.FromTicks(ticks));
        }

        sim.RunUntil(SimTime.FromMilliseconds(7));
        sim.TimeProvider.GetElapsedTime(start).Should().Be(TimeSpan.FromMilliseconds(7));
    }

    [Fact]
    public void Task_Delay_with_the_provider_resumes_at_exactly_now_plus_the_delay_on_the_simulation_thread()
    {
        var sim = new Simulation();
        int thread = Environment.CurrentManagedThreadId;
        var log = new List<string>();
        sim.Start(async () =>
        {
            await sim.Delay(SimDuration.FromPicoseconds(1_000_000_000_123)); // off the tick grid: the delay counts from Now, not from a tick
            await Task.Delay(TimeSpan.FromMilliseconds(3), sim.TimeProvider);
            log.Add($"{sim.Now:P} {Environment.CurrentManagedThreadId == thread}");
            await Task.Delay(TimeSpan.Zero, sim.TimeProvider);
            log.Add($"{sim.Now:P}");
            await Task.Delay(TimeSpan.FromMicroseconds(2_999), sim.TimeProvider); // Task.Delay itself counts whole milliseconds
            log.Add($"{sim.Now:P}");
        });

        sim.Run();

        log.Should().Equal("1003000000123 ps True", "1003000000123 ps", "1005000000123 ps");
        sim.Now.Should().Be(SimTime.FromPicoseconds(1_005_000_000_123));
    }

    [Fact]
    public void Library_code_awaiting_a_delay_with_ConfigureAwait_false_stays_on_the_simulation_thread()
    {
        var sim = new Simulation();
        int thread = Environment.CurrentManagedThreadId;
        var log = new List<string>();
        string Where() => $"{(SynchronizationContext.Current is null ? "no context" : "simulation context")} {(Environment.CurrentManagedThreadId == thread ? "simulation thread" : "other thread")} {sim.Now}";

        async Task Inner()
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), sim.TimeProvider).ConfigureAwait(false);
            log.Add($"inner: {Where()}");
        }

        async Task Outer()
        {
            await Inner().ConfigureAwait(false);
            log.Add($"outer: {Where()}");
        }

        sim.Start(async () =>
        {
            await Outer();
            log.Add($"application: {Where()}");
        });

        sim.Run();

        log.Should().Equal("inner: no context simulation thread 5 ms", "outer: no context simulation thread 5 ms", "application: simulation context simulation thread 5 ms");
    }

    [Fact]
    public void A_pending_delay_keeps_the_run_going_though_only_background_events_are_left_beside_it()
    {
        var sim = new Simulation();
        var housekeeping = new Counter();
        sim.ScheduleBackground(SimTime.FromSeconds(1), housekeeping);
        sim.ScheduleBackground(SimTime.FromSeconds(10), housekeeping);
        SimTime? resumed = null;
        sim.Start(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2), sim.TimeProvider);
            resumed = sim.Now;
        });

        sim.Run();

        resumed.Should().Be(SimTime.FromSeconds(2), "the delay is the application's work");
        housekeeping.Count.Should().Be(1, "the run returns once only background events are left");
        sim.PendingBackgroundEvents.Should().Be(1);
    }

    [Fact]
    public void A_periodic_timer_ticks_in_simulated_time_and_remembers_one_tick_missed_while_busy()
    {
        static List<string> RunOnce()
        {
            var sim = new Simulation();
            var ticks = new List<string>();
            sim.Start(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10), sim.TimeProvider);
                for (int i = 0; i < 4; i++)
                {
                    (await timer.WaitForNextTickAsync()).Should().BeTrue();
                    ticks.Add(sim.Now.ToString());
                    if (i == 1)
                    {
                        await sim.Delay(SimDuration.FromMilliseconds(25)); // busy through the ticks at 30 and 40 ms
                    }
                }
            });
            sim.Run();
            ticks.Add($"run ended at {sim.Now}");
            return ticks;
        }

        List<string> first = RunOnce();
        first.Should().Equal("10 ms", "20 ms", "45 ms", "50 ms", "run ended at 50 ms");
        RunOnce().Should().Equal(first);
    }

    [Fact]
    public void A_timer_calls_back_at_its_due_time_and_period_and_change_and_dispose_move_and_stop_it()
    {
        var sim = new Simulation();
        var calls = new List<string>();
        ITimer? timer = null;
        timer = sim.TimeProvider.CreateTimer(
            state =>
            {
                calls.Add($"{state} {sim.Now}");
                if (calls.Count == 3)
                {
                    timer!.Change(TimeSpan.FromMilliseconds(100), Infinite).Should().BeTrue(); // from inside its own callback
                }
            },
            "a",
            TimeSpan.FromMilliseconds(5),
            TimeSpan.FromMilliseconds(2));
        sim.PendingEvents.Should().Be(1, "a timer made before the run waits for it as any event");

        sim.Run();

        calls.Should().Equal("a 5 ms", "a 7 ms", "a 9 ms", "a 109 ms");
        sim.Now.Should().Be(SimTime.FromMilliseconds(109), "a one-shot timer that has fired leaves nothing to run");

        timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)).Should().BeTrue();
        sim.RunUntil(SimTime.FromMilliseconds(3109));
        calls.Should().EndWith(["a 1.109 s", "a 2.109 s", "a 3.109 s"]);

        timer.Dispose();
        sim.PendingEvents.Should().Be(0, "disposing cancels the next tick");
        timer.Change(TimeSpan.Zero, Infinite).Should().BeFalse("a disposed timer cannot be changed");
        sim.Run();
        calls.Should().HaveCount(7);
    }

    [Fact]
    public void Timers_due_at_one_instant_call_back_in_the_order_they_were_set_and_after_events_already_there()
    {
        var sim = new Simulation();
        var calls = new List<string>();
        sim.Schedule(SimDuration.FromMilliseconds(1), () => calls.Add("event"));
        using ITimer b = sim.TimeProvider.CreateTimer(_ => calls.Add("b"), null, TimeSpan.FromMilliseconds(1), Infinite);
        using ITimer a = sim.TimeProvider.CreateTimer(_ => calls.Add("a"), null, TimeSpan.FromMilliseconds(1), Infinite);

        sim.Run();

        calls.Should().Equal("event", "b", "a");
    }

    [Fact]
    public void A_timer_that_is_never_due_schedules_nothing()
    {
        var sim = new Simulation();
        bool called = false;
        using ITimer stopped = sim.TimeProvider.CreateTimer(_ => called = true, null, Infinite, TimeSpan.FromSeconds(1));
        using ITimer beyondTheEnd = sim.TimeProvider.CreateTimer(_ => called = true, null, TimeSpan.FromDays(200), Infinite); // past SimTime.MaxValue (about 106 days)
        using ITimer largest = sim.TimeProvider.CreateTimer(_ => called = true, null, TimeSpan.MaxValue, Infinite);

        sim.PendingEvents.Should().Be(0);
        sim.Run();
        called.Should().BeFalse();
    }

    [Fact]
    public void A_periodic_timer_stops_at_the_end_of_simulated_time_instead_of_overflowing()
    {
        var sim = new Simulation();
        int calls = 0;
        SimDuration day = SimDuration.FromSeconds(86_400);
        using ITimer timer = sim.TimeProvider.CreateTimer(_ => calls++, null, TimeSpan.FromDays(100), TimeSpan.FromDays(5));

        sim.Run();

        calls.Should().Be(2, "at 100 and 105 days; 110 days is past SimTime.MaxValue");
        sim.Now.Should().Be(SimTime.FromDuration(day * 105));
    }

    [Fact]
    public void Negative_due_times_and_periods_are_refused()
    {
        var sim = new Simulation();
        Action due = () => sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.FromTicks(-1), Infinite);
        Action period = () => sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(-2));
        due.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dueTime");
        period.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("period");
        sim.PendingEvents.Should().Be(0);
    }

    [Fact]
    public void A_cancellation_token_source_made_before_the_run_cancels_at_its_simulated_time()
    {
        var sim = new Simulation();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), sim.TimeProvider);
        using var moved = new CancellationTokenSource(TimeSpan.FromSeconds(1), sim.TimeProvider);
        moved.CancelAfter(TimeSpan.FromSeconds(3));
        SimTime? cancelled = null;
        SimTime? movedCancelled = null;
        timeout.Token.Register(() => cancelled = sim.Now);
        moved.Token.Register(() => movedCancelled = sim.Now);

        sim.Run();

        cancelled.Should().Be(SimTime.FromSeconds(1));
        movedCancelled.Should().Be(SimTime.FromSeconds(3));
    }

    [Fact]
    public void A_disposed_cancellation_token_source_leaves_nothing_to_run()
    {
        var sim = new Simulation();
        var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), sim.TimeProvider);
        sim.PendingEvents.Should().Be(1);
        timeout.Dispose();

        sim.Run();

        sim.Now.Should().Be(SimTime.Zero, "the timeout's event was cancelled with its source");
    }

    [Fact]
    public void A_delay_cancelled_by_a_simulated_timeout_ends_at_the_timeout_and_its_own_timer_goes()
    {
        var sim = new Simulation();
        Exception? caught = null;
        SimTime? at = null;
        sim.Start(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), sim.TimeProvider);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), sim.TimeProvider, timeout.Token);
            }
            catch (OperationCanceledException e)
            {
                caught = e;
                at = sim.Now;
            }
        });

        sim.Run();

        caught.Should().BeOfType<TaskCanceledException>();
        at.Should().Be(SimTime.FromSeconds(2));
        sim.Now.Should().Be(SimTime.FromSeconds(2), "the 10 s delay's timer was disposed with it, so nothing kept the run going");
    }

    [Fact]
    public void WaitAsync_with_the_provider_times_out_in_simulated_time()
    {
        var sim = new Simulation();
        var never = new TaskCompletionSource();
        SimTime? timedOut = null;
        sim.Start(async () =>
        {
            try
            {
                await never.Task.WaitAsync(TimeSpan.FromMilliseconds(250), sim.TimeProvider);
            }
            catch (TimeoutException)
            {
                timedOut = sim.Now;
            }
        });

        sim.Run();

        timedOut.Should().Be(SimTime.FromMilliseconds(250));
    }

    [Fact]
    public void A_timer_callback_sees_the_async_locals_of_its_creator_unless_the_flow_was_suppressed()
    {
        var sim = new Simulation();
        var local = new AsyncLocal<string>();
        var seen = new List<string?>();
        local.Value = "creator's";
        using ITimer flowing = sim.TimeProvider.CreateTimer(_ => seen.Add(local.Value), null, TimeSpan.FromSeconds(1), Infinite);
        ITimer suppressed;
        using (ExecutionContext.SuppressFlow())
        {
            suppressed = sim.TimeProvider.CreateTimer(_ => seen.Add(local.Value), null, TimeSpan.FromSeconds(2), Infinite);
        }

        local.Value = "changed later";
        sim.Run();
        suppressed.Dispose();

        seen.Should().Equal("creator's", "changed later");
    }

    [Fact]
    public void Timers_and_timeouts_keep_the_ticks_of_their_time_span_and_Task_Delay_and_WaitAsync_count_whole_milliseconds()
    {
        var sim = new Simulation();
        var log = new List<string>();
        TimeSpan oneAndAHalf = TimeSpan.FromMicroseconds(1_500);
        using var timeout = new CancellationTokenSource(oneAndAHalf, sim.TimeProvider);
        timeout.Token.Register(() => log.Add($"cancelled {sim.Now}"));
        sim.Start(async () =>
        {
            using var periodic = new PeriodicTimer(oneAndAHalf, sim.TimeProvider);
            await periodic.WaitForNextTickAsync();
            log.Add($"tick {sim.Now}");
            await Task.Delay(oneAndAHalf, sim.TimeProvider);
            log.Add($"delayed {sim.Now}");
            try
            {
                await new TaskCompletionSource().Task.WaitAsync(oneAndAHalf, sim.TimeProvider);
            }
            catch (TimeoutException)
            {
                log.Add($"timed out {sim.Now}");
            }
        });

        sim.Run();

        log.Should().Equal("cancelled 1.500 ms", "tick 1.500 ms", "delayed 2.500 ms", "timed out 3.500 ms");
    }

    private sealed class Counter : IEventTarget
    {
        public int Count { get; private set; }

        public void OnEvent(int kind, long argument) => Count++;
    }
}
