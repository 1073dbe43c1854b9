using System.Text.RegularExpressions;

namespace NetSim.Tests;

/// <summary>The README's example is a sample that compiles, and it prints what the README says.</summary>
[Collection(ConsoleUsers.Name)] // running the sample takes over Console.Out
public class ReadmeTests
{
    private static readonly string Root = RepositoryFiles.Root;

    [Fact]
    public void The_usage_example_is_the_HelloSimulation_sample()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        string sample = File.ReadAllText(Path.Combine(Root, "samples", "HelloSimulation", "Program.cs"));

        Block(readme, "csharp").Should().Be(sample.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_sample_prints_what_the_README_shows()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        SampleRunner.Run("HelloSimulation").Should().Be(Block(readme, "text"));
    }

    [Fact]
    public void The_measuring_section_shows_what_the_Dumbbell_sample_prints()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        SampleRunner.Run("Dumbbell").Should().Be(Block(readme, "text dumbbell"));
    }

    [Fact]
    public void The_bufferbloat_passage_shows_what_the_Bufferbloat_sample_prints()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        SampleRunner.Run("Bufferbloat").Should().Be(Block(readme, "text bufferbloat"));
    }

    private static string Block(string markdown, string language)
    {
        Match match = FencedBlock(language).Match(markdown.ReplaceLineEndings("\n"));
        match.Success.Should().BeTrue($"the README has a ```{language} block");
        return match.Groups["code"].Value;
    }

    private static Regex FencedBlock(string language) => new($"```{language}\n(?<code>.*?)```", RegexOptions.Singleline);

}

/// <summary>Tests that redirect Console.Out run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleUsers
{
    public const string Name = "Console";
}
