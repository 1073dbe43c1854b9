namespace NetSim.Tests;

/// <summary>Where the repository's files are, seen from a test run (the folder holding NetSim.sln).</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="parts"/> under the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetSim.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NetSim.sln not found above " + AppContext.BaseDirectory);
    }
}
