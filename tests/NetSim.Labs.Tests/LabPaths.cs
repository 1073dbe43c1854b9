namespace NetSim.Labs.Tests;

/// <summary>The lab files the tests read, copied beside the test assembly.</summary>
internal static class LabPaths
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Labs");

    public static string Of(string name) => Path.Combine(Directory, name);

    public static IEnumerable<string> All() =>
        System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}
