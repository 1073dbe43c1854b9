namespace NetSim.Labs.Tests;

/// <summary>The lab files the tests read, copied beside the test assembly.</summary>
internal static class LabPaths
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Labs");

    public static string Of(string name) => Path.Combine(Directory, name);

    public static IEnumerable<string> All() =>
        System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}

/// <summary>The built-in lessons' parts, as test data: (lesson, part).</summary>
internal static class LessonData
{
    public static TheoryData<string, string> Parts()
    {
        var data = new TheoryData<string, string>();
        foreach (LabLesson lesson in LabLessons.All)
        {
            foreach (string part in lesson.Parts)
            {
                data.Add(lesson.Name, part);
            }
        }

        return data;
    }
}
