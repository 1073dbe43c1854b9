using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NetSim.Tests;

/// <summary>
/// The package README (src/NetSim/PACKAGE.md, the page nuget.org shows) is written for someone
/// who installs the package: its program is one that compiles and prints what the page says,
/// and its links work from nuget.org, where a relative link leads nowhere.
/// </summary>
[Collection(ConsoleUsers.Name)] // running the example takes over Console.Out
public sealed partial class PackageReadmeTests
{
    private static readonly string PackageReadme = File.ReadAllText(RepositoryFiles.PathOf("src", "NetSim", "PACKAGE.md")).ReplaceLineEndings("\n");

    /// <summary>The project's home, from the one property that names it (Directory.Build.props).</summary>
    internal static string RepositoryUrl { get; } =
        XElement.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("NetSimRepositoryUrl").Single().Value.Trim();

    [Fact]
    public void The_first_network_is_the_program_that_the_tests_run()
    {
        string program = File.ReadAllText(RepositoryFiles.PathOf("tests", "PackageReadmeExample", "Program.cs"));

        Block("csharp").Should().Be(program.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_first_network_prints_what_the_package_README_shows()
    {
        SampleRunner.Run("PackageReadmeExample").Should().Be(Block("text"));
    }

    [Fact]
    public void It_says_how_to_install_the_package()
    {
        Block("sh").Should().Contain("dotnet add package NetSim\n");
    }

    [Fact]
    public void Every_link_is_absolute_and_those_into_the_repository_start_at_its_home()
    {
        string[] links = Links().ToArray();

        links.Should().NotBeEmpty();
        links.Should().OnlyContain(link => link.StartsWith("https://", StringComparison.Ordinal), "nuget.org shows the page away from the repository, where a relative link leads nowhere");
        links.Where(link => link.Contains("github.com", StringComparison.Ordinal)).Should().OnlyContain(
            link => link == RepositoryUrl || link.StartsWith(RepositoryUrl + "/", StringComparison.Ordinal),
            $"the repository's home is NetSimRepositoryUrl in Directory.Build.props ({RepositoryUrl})");
    }

    [Fact]
    public void Every_link_into_the_repository_names_a_file_or_folder_and_heading_that_exist()
    {
        var broken = new List<string>();
        foreach (string link in Links().Where(link => link.StartsWith(RepositoryUrl + "/", StringComparison.Ordinal)))
        {
            Match match = RepositoryLink().Match(link[RepositoryUrl.Length..]);
            if (!match.Success)
            {
                broken.Add(link + " (not /blob/main/PATH or /tree/main/PATH)");
                continue;
            }

            string path = RepositoryFiles.PathOf(match.Groups["path"].Value.Split('/'));
            bool isFile = match.Groups["kind"].Value == "blob";
            if (isFile ? !File.Exists(path) : !Directory.Exists(path))
            {
                broken.Add(link + " (no such " + (isFile ? "file" : "folder") + ")");
            }
            else if (match.Groups["heading"].Success && !Headings(File.ReadAllText(path)).Contains(match.Groups["heading"].Value))
            {
                broken.Add(link + " (no such heading)");
            }
        }

        broken.Should().BeEmpty();
    }

    [Fact]
    public void The_package_shows_this_README()
    {
        XElement project = XElement.Load(RepositoryFiles.PathOf("src", "NetSim", "NetSim.csproj"));

        project.Descendants("PackageReadmeFile").Single().Value.Should().Be("PACKAGE.md");
        project.Descendants("None").Should().Contain(e => (string?)e.Attribute("Include") == "PACKAGE.md" && (string?)e.Attribute("Pack") == "true");
    }

    private static string Block(string language)
    {
        Match match = new Regex($"```{language}\n(?<code>.*?)```", RegexOptions.Singleline).Match(PackageReadme);
        match.Success.Should().BeTrue($"the package README has a ```{language} block");
        return match.Groups["code"].Value;
    }

    private static IEnumerable<string> Links() => MarkdownLink().Matches(PackageReadme).Select(m => m.Groups["url"].Value);

    // GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens.
    private static HashSet<string> Headings(string markdown) =>
        markdown.ReplaceLineEndings("\n").Split('\n')
            .Where(line => line.StartsWith('#'))
            .Select(line => Punctuation().Replace(line.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();

    [GeneratedRegex(@"\]\((?<url>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^/(?<kind>blob|tree)/main/(?<path>[^#]+?)(#(?<heading>.+))?$")]
    private static partial Regex RepositoryLink();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Punctuation();
}
