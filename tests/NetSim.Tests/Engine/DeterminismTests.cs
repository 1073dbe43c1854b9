using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class DeterminismTests
{
    // A small model with randomness in it: stations that wake up after random delays,
    // sometimes cancel their next wake-up, and record what they did and when.
    private static List<string> RunModel(ulong seed)
    {
        var sim = new Simulation(seed);
        var trace = new List<string>();
        for (int s = 0; s < 4; s++)
        {
            var station = new Station(sim, $"station {s}", trace);
            station.Start();
        }

        sim.RunUntil(SimTime.FromMilliseconds(5));
        trace.Add($"end {sim.Now} after {sim.EventsExecuted} events");
        return trace;
    }

    [Fact]
    public void The_same_seed_gives_the_same_event_trace()
    {
        List<string> first = RunModel(seed: 11);
        List<string> second = RunModel(seed: 11);

        first.Count.Should().BeGreaterThan(100);
        second.Should().Equal(first);
    }

    [Fact]
    public void Different_seeds_give_different_traces()
    {
        RunModel(seed: 11).Should().NotEqual(RunModel(seed: 12));
    }

    private sealed class Station(Simulation sim, string name, List<string> trace) : IEventTarget
    {
        private readonly RandomSource random = sim.CreateRandomSource(name);
        private EventHandle next;

        public void Start() => next = sim.Schedule(Delay(), this, kind: 1);

        public void OnEvent(int kind, long argument)
        {
            trace.Add($"{sim.Now} {name} {kind} {argument}");
            next = sim.Schedule(Delay(), this, kind: 1, argument: argument + 1);
            if (random.NextBoolean(0.1))
            {
                sim.Cancel(next);
                next = sim.Schedule(Delay(), this, kind: 2, argument: argument + 1);
            }
        }

        private SimDuration Delay() => SimDuration.FromPicoseconds(random.NextInt64(1, 100_000_000));
    }
}
