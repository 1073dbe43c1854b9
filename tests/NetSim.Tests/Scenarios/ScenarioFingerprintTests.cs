using NetSim.Benchmarks.Scenarios;
using NetSim.Tracing;

namespace NetSim.Tests.Scenarios;

/// <summary>
/// The benchmark scenarios' behaviour, pinned: their event counts untraced (what the
/// benchmarks measure) and their fingerprints traced. A change of behaviour changes them; a
/// deliberate one updates the numbers here, and its commit says why.
/// </summary>
public sealed class ScenarioFingerprintTests
{
    private const string HowToUpdate =
        "a change of behaviour must be deliberate: if it is, put the new value in ScenarioFingerprintTests and say why in the commit (benchmarks/README.md records the scenario counts too)";

    [Theory]
    [InlineData("S2", 2_400_587L)]
    [InlineData("S3", 3_750_001L)]
    public void A_scenario_runs_the_recorded_number_of_events(string name, long events)
    {
        ScenarioResult result = Make(name, trace: null).Run();

        result.Events.Should().Be(events, HowToUpdate);
    }

    [Theory]
    [InlineData("S2", "c226891f7ddc7705")]
    [InlineData("S3", "fc478a06b8b3055a")]
    public void A_scenario_has_the_recorded_fingerprint(string name, string expected)
    {
        var scenario = Make(name, trace: null);
        using var fingerprint = new Fingerprint(scenario.Network.Tracer);
        _ = scenario.Run();

        fingerprint.Value.Should().Be(expected, $"{HowToUpdate} (it was {fingerprint})");
    }

    private static Scenario Make(string name, ITraceListener? trace) => name switch
    {
        "S2" => Scenario.SwitchStar(trace),
        _ => Scenario.RouterChain(trace),
    };
}
