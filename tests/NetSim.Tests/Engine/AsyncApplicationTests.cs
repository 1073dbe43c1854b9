using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class AsyncApplicationTests
{
    [Fact]
    public void Awaited_delays_run_in_simulated_time_and_interleave_deterministically()
    {
        static List<string> RunOnce()
        {
            var sim = new Simulation(seed: 1);
            var log = new List<string>();
            int threadId = Environment.CurrentManagedThreadId;
            foreach (string name in new[] { "a", "b" })
            {
                sim.Start(async () =>
                {
                    for (int i = 0; i < 3; i++)
                    {
                        log.Add($"{sim.Now} {name}{i} on thread {Environment.CurrentManagedThreadId == threadId}");
                        await sim.Delay(SimDuration.FromMilliseconds(name == "a" ? 2 : 3));
                    }
                });
            }

            sim.Run();
            return log;
        }

        List<string> first = RunOnce();
        first.Should().Equal(
            "0 s a0 on thread True", "0 s b0 on thread True", "2 ms a1 on thread True", "3 ms b1 on thread True",
            "4 ms a2 on thread True", "6 ms b2 on thread True");
        RunOnce().Should().Equal(first);
    }

    [Fact]
    public void One_application_can_await_another_and_the_clock_does_not_move_for_a_yield()
    {
        var sim = new Simulation();
        SimTime? done = null;
        Task worker = sim.Start(async () => await sim.Delay(SimDuration.FromSeconds(5)));
        sim.Start(async () =>
        {
            await worker;
            await Task.Yield();
            done = sim.Now;
        });
        sim.Run();
        done.Should().Be(SimTime.FromSeconds(5));
        worker.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void An_application_that_throws_stops_the_run_and_run_throws_its_exception()
    {
        var sim = new Simulation();
        bool laterEventRan = false;
        sim.Schedule(SimDuration.FromSeconds(10), () => laterEventRan = true);
        sim.Start(async () =>
        {
            await sim.Delay(SimDuration.FromSeconds(1));
            throw new InvalidOperationException("the application failed");
        });

        Action run = sim.Run;
        run.Should().Throw<InvalidOperationException>().WithMessage("the application failed");
        sim.Now.Should().Be(SimTime.FromSeconds(1));
        laterEventRan.Should().BeFalse();
        sim.Run();
        laterEventRan.Should().BeTrue("the run can go on after the failure was reported");
    }

    [Fact]
    public void Library_code_awaiting_with_ConfigureAwait_false_stays_on_the_simulation_thread_and_the_application_resumes_in_its_context()
    {
        var sim = new Simulation();
        var source = new SimulationValueTaskSource<int>(sim);
        int thread = Environment.CurrentManagedThreadId;
        var log = new List<string>();
        string Where() => $"{(SynchronizationContext.Current is null ? "no context" : "simulation context")} {(Environment.CurrentManagedThreadId == thread ? "simulation thread" : "other thread")} {sim.Now}";

        // As the BCL's StreamReader over a socket: two layers of tasks, each awaiting with ConfigureAwait(false).
        async Task<int> Inner()
        {
            int value = await source.Next().ConfigureAwait(false);
            log.Add($"inner: {Where()}");
            return value;
        }

        async Task<int> Outer()
        {
            int value = await Inner().ConfigureAwait(false);
            log.Add($"outer: {Where()}");
            return value + 1;
        }

        sim.Start(async () =>
        {
            int value = await Outer();
            log.Add($"application got {value}: {Where()}");
        });
        sim.Schedule(SimDuration.FromMilliseconds(1), () => source.SetResult(41));

        sim.Run();

        log.Should().Equal(
            "inner: no context simulation thread 1 ms",
            "outer: no context simulation thread 1 ms",
            "application got 42: simulation context simulation thread 1 ms");
    }

    [Fact]
    public void The_context_is_only_installed_while_running()
    {
        var sim = new Simulation();
        SynchronizationContext? inside = null;
        sim.Schedule(SimDuration.Zero, () => inside = SynchronizationContext.Current);
        SynchronizationContext? before = SynchronizationContext.Current;
        sim.Run();
        inside.Should().NotBeNull();
        SynchronizationContext.Current.Should().BeSameAs(before);
    }
}
