using NetSim.Tracing;

namespace NetSim.Labs.Tests;

/// <summary>Every built-in lesson runs, and every one of its checks passes.</summary>
public sealed class LessonTests
{
    public static TheoryData<string, string> Parts() => LessonData.Parts();

    [Theory]
    [MemberData(nameof(Parts))]
    public void Every_check_of_a_lesson_passes(string lesson, string part)
    {
        LabDefinition lab = LabFile.Parse(LabLessons.Find(lesson)!.ReadPart(part), part);
        using LabRun run = LabRun.Build(lab);
        using var fingerprint = new Fingerprint(run.Network.Tracer);
        LabResult result = run.Run();

        result.Checks.Should().NotBeEmpty("a lesson is a lab with checks");
        result.Checks.Where(c => !c.Passed).Should().BeEmpty(string.Join("\n", result.Checks) + "\n" + string.Join("\n", result.Applications.Select(a => a.Summary)) + "\n" + fingerprint);
    }
}
