using NetSim.Tracing;

namespace NetSim.Labs.Tests;

public sealed class LabRunTests
{
    [Fact]
    public void The_web_visit_lab_runs_as_the_WebVisit_sample()
    {
        LabDefinition lab = LabFile.Load(Path.Combine(AppContext.BaseDirectory, "../../../../../src/NetSim.Labs/Lessons/web-visit.yaml"));
        using LabRun run = LabRun.Build(lab);
        using var fingerprint = new Fingerprint(run.Network.Tracer);
        LabResult result = run.Run();

        result.Checks.Should().OnlyContain(c => c.Passed, string.Join("\n", result.Checks));
        fingerprint.Value.Should().Be("8248bb811186c867", string.Join("\n", result.Applications.Select(a => a.Summary)));
    }
}
