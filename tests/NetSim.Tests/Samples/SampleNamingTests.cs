using System.Text.RegularExpressions;

namespace NetSim.Tests.Samples;

/// <summary>
/// The library's names (Ping, TcpListener, Switch, Host...) meet a user's other names without
/// trouble: the samples, built with the default implicit usings and warnings as errors, use
/// them with plain <c>using NetSim.*;</c> lines and no alias.
/// </summary>
public sealed partial class SampleNamingTests
{
    [Fact]
    public void No_sample_needs_an_alias_for_a_library_type()
    {
        string samples = RepositoryFiles.PathOf("samples");
        string[] aliases = [.. Directory.GetFiles(samples, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Alias().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(Path.GetDirectoryName(f))}: {m.Value.Trim()}"))];

        aliases.Should().BeEmpty("a name of the library that collides with one in scope is renamed, not aliased");
    }

    [GeneratedRegex(@"^using \w+ = NetSim\.[\w.]+;", RegexOptions.Multiline)]
    private static partial Regex Alias();
}
