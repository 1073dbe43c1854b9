using System.Text.RegularExpressions;
using NetSim.Labs;

namespace NetSim.Cli.Tests;

/// <summary>The README's "Labs" section shows a lesson's lab file and what netsim prints, as they are.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");

    [Fact]
    public void The_lab_file_is_the_lessons()
    {
        Block("yaml").Should().Be(LabLessons.Find("two-computers")!.ReadPart("two-computers-same-subnet.yaml").ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_run_prints_what_the_README_shows()
    {
        using var folder = new TempFolder();
        string lab = folder.Write("two-computers-same-subnet.yaml", Block("yaml"));

        var (exitCode, output, _) = Netsim.Run("run", lab, "--quiet");

        exitCode.Should().Be(0);
        output.Should().Be(Block("text netsim-run"));
    }

    [Fact]
    public void The_lessons_are_listed_as_the_README_shows()
    {
        Netsim.Run("lessons").Output.Should().Be(Block("text netsim-lessons"));
    }

    [Fact]
    public void The_first_command_runs_the_netsim_command()
    {
        Readme.Should().Contain("dotnet run --project src/NetSim.Cli ");
        File.Exists(Path.Combine(RepositoryRoot(), "src", "NetSim.Cli", "NetSim.Cli.csproj")).Should().BeTrue();
    }

    private static string Block(string language)
    {
        Match match = new Regex($"```{language}\n(?<code>.*?)```", RegexOptions.Singleline).Match(Readme);
        match.Success.Should().BeTrue($"the README has a ```{language} block");
        return match.Groups["code"].Value;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetSim.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"NetSim.sln is not above {AppContext.BaseDirectory}.");
    }
}
