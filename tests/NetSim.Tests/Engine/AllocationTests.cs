using Microsoft.Extensions.Logging;
using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class AllocationTests
{
    [Fact]
    public void Scheduling_and_running_hot_path_events_allocates_nothing_even_with_logging_on_at_a_higher_level()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        var sim = new Simulation(seed: 1, factory);
        var target = new Rescheduler(sim, new RandomSource(1));

        // Warm up: let the queue reach its size and the JIT finish compiling.
        target.Remaining = 200_000;
        target.StartMany(1_000);
        sim.Run();

        target.Remaining = 100_000;
        target.StartMany(1_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        sim.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        sim.EventsExecuted.Should().BeGreaterThanOrEqualTo(2 * 100_000);
        allocated.Should().Be(0);
    }

    [Fact]
    public void Cancelling_allocates_nothing()
    {
        var sim = new Simulation();
        var target = new Rescheduler(sim, new RandomSource(2));
        var handles = new EventHandle[1_000];
        long fewest = long.MaxValue; // of the rounds after the first: a round the JIT's tiering lands in may allocate, a steady cost shows in every round
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < handles.Length; i++)
            {
                handles[i] = sim.Schedule(SimDuration.FromNanoseconds(i), target);
            }

            foreach (EventHandle handle in handles)
            {
                sim.Cancel(handle);
            }

            sim.Run();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round > 0)
            {
                fewest = Math.Min(fewest, allocated);
            }
        }

        fewest.Should().Be(0);
    }

    // Each event schedules the next at a random delay, as a hot path does.
    private sealed class Rescheduler(Simulation sim, RandomSource random) : IEventTarget
    {
        public int Remaining { get; set; }

        public void StartMany(int count)
        {
            for (int i = 0; i < count; i++)
            {
                sim.Schedule(SimDuration.FromPicoseconds(random.NextInt64(1_000_000)), this, kind: 1, argument: i);
            }
        }

        public void OnEvent(int kind, long argument)
        {
            if (kind == 1 && Remaining-- > 0)
            {
                sim.Schedule(SimDuration.FromPicoseconds(random.NextInt64(1_000_000)), this, kind, argument);
            }
        }
    }
}
