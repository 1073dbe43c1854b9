using Microsoft.Extensions.Logging;
using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimulationLoggingTests
{
    [Fact]
    public void Messages_carry_the_simulated_time()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        var sim = new Simulation(seed: 1, factory);
        sim.Schedule(SimDuration.FromMicroseconds(10), new NamedTarget("port 3"), kind: 2, argument: 77);
        sim.Schedule(SimDuration.FromMicroseconds(20), sim.Stop);

        sim.Run();

        var messages = provider.Messages.Where(m => m.Category == typeof(Simulation).FullName).Select(m => m.Message).ToList();
        messages.Should().Equal(
            "0 s: run starts with 2 events pending",
            "10 us: event 2 (77) for port 3",
            "20 us: event 0 (0) for Stop",
            "20 us: stop requested",
            "20 us: run ends (stopped) after 2 events");
    }

    [Fact]
    public void Nothing_is_logged_without_a_logger_factory_and_levels_are_respected()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var sim = new Simulation(seed: 1, factory);
        sim.Schedule(SimDuration.FromMicroseconds(10), () => { });
        sim.Run();

        provider.Messages.Should().NotBeEmpty();
        provider.Messages.Should().NotContain(m => m.Level == LogLevel.Trace);
        new Simulation().LoggerFactory.Should().NotBeNull();
    }

    private sealed class NamedTarget(string name) : IEventTarget
    {
        public void OnEvent(int kind, long argument)
        {
        }

        public override string ToString() => name;
    }
}
