using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetSim.Cli.Tests;

/// <summary>
/// The packed tool, installed as a user installs it (<c>dotnet tool install</c> into a temporary tool path, from a
/// folder of packages, with a NuGet configuration that lists only that folder), runs a lesson, writes its captures and
/// runs the default lesson with no argument. A tool package carries its dependencies (NetSim, NetSim.Labs,
/// NetSim.Reporting) inside it, so NetSim.Cli's package alone is packed. It packs the portable (JIT-compiled) form
/// from the build the tests run against, in seconds; the ReadyToRun form that .ci/run packs needs a build of its own
/// (about a minute), and installs the same way (benchmarks/README.md, "netsim start-up").
/// </summary>
public sealed class ToolInstallTests(ToolInstallTests.InstalledTool tool) : IClassFixture<ToolInstallTests.InstalledTool>
{
    [Fact]
    public void The_installed_tool_runs_a_lesson_and_writes_one_capture_per_part()
    {
        tool.Lesson.ExitCode.Should().Be(0, tool.Lesson.Output);
        tool.Lesson.Output.Should().Contain("Lesson two-computers, part 1 of 2").And.Contain("Lesson two-computers, part 2 of 2");
        tool.Lesson.Output.Split('\n').Where(l => l.EndsWith("checks passed", StringComparison.Ordinal)).Should().Equal("2 of 2 checks passed", "2 of 2 checks passed");
        File.Exists(tool.SameSubnetCapture).Should().BeTrue(tool.Lesson.Output);
        tool.Lesson.Output.Should().Contain(tool.SameSubnetCapture);
    }

    [Fact]
    public void The_installed_tool_with_no_argument_runs_the_web_visit_lesson()
    {
        var (exitCode, output) = tool.Run();

        exitCode.Should().Be(0, output);
        output.Should().StartWith("── Lesson web-visit: Visiting a web site");
        output.Should().Contain("HTTP");
        output.Should().MatchRegex(@"\n(\d+) of \1 checks passed\n");
    }

    [Fact]
    public void The_installed_tool_exits_2_on_an_unknown_lesson()
    {
        var (exitCode, output) = tool.Run("lesson", "nosuch");

        exitCode.Should().Be(2);
        output.Should().Contain("netsim: no lesson 'nosuch'");
    }

    [RequiresTsharkFact]
    public void Tshark_reads_the_ping_in_the_installed_tools_capture()
    {
        tool.Lesson.ExitCode.Should().Be(0, tool.Lesson.Output);
        var start = new ProcessStartInfo(RequiresTsharkFactAttribute.Tshark!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-r", tool.SameSubnetCapture, "-T", "fields", "-e", "icmp.type"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process tshark = Process.Start(start)!;
        string fields = tshark.StandardOutput.ReadToEnd();
        _ = tshark.StandardError.ReadToEnd();
        tshark.WaitForExit();

        tshark.ExitCode.Should().Be(0);
        // The ARP exchange carries no ICMP (empty fields), then three echo requests (8), each answered (0).
        fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0)
            .Should().Equal("8", "0", "8", "0", "8", "0");
    }

    /// <summary>Packs NetSim.Cli, installs it into a temporary tool path, and runs <c>netsim lesson two-computers --pcap DIR</c> once.</summary>
    public sealed class InstalledTool : IDisposable
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        private readonly TempFolder folder = new();
        private readonly string dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

        public InstalledTool()
        {
            string root = RepositoryRoot();
            string packages = Path.Combine(folder.Path, "packages");
            string config = folder.Write("nuget.config", """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="netsim" value="packages" />
                  </packageSources>
                </configuration>
                """);
            Dotnet(root, "pack", Path.Combine(root, "src", "NetSim.Cli", "NetSim.Cli.csproj"), "-c", Configuration, "--no-build", "-p:NetSimPortableTool=true", "-o", packages);
            string version = Path.GetFileNameWithoutExtension(Directory.GetFiles(packages, "NetSim.Cli.*.nupkg").Single())["NetSim.Cli.".Length..];
            Dotnet(folder.Path, "tool", "install", "NetSim.Cli", "--tool-path", Path.Combine(folder.Path, "tools"), "--configfile", config, "--version", version);
            Captures = Path.Combine(folder.Path, "captures");
            Lesson = Run("lesson", "two-computers", "--pcap", Captures);
        }

        public string Captures { get; }

        public string SameSubnetCapture => Path.Combine(Captures, "two-computers-same-subnet", "alice.pcap");

        public (int ExitCode, string Output) Lesson { get; }

        /// <summary>Runs the installed <c>netsim</c>; its standard output, then its standard error.</summary>
        public (int ExitCode, string Output) Run(params string[] args)
        {
            ProcessStartInfo start = Start(Path.Combine(folder.Path, "tools", "netsim"), folder.Path, args);
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, (output + error.Result).ReplaceLineEndings("\n"));
        }

        public void Dispose() => folder.Dispose();

        private void Dotnet(string directory, params string[] args)
        {
            ProcessStartInfo start = Start(Path.Combine(dotnetRoot, "dotnet"), directory, args);
            start.Environment["NUGET_PACKAGES"] = Path.Combine(folder.Path, "nuget-packages"); // no stale NetSim.Cli from the user's cache
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}\n{error.Result}");
            }
        }

        private ProcessStartInfo Start(string file, string directory, string[] args)
        {
            var start = new ProcessStartInfo(file)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in args)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_ROOT"] = dotnetRoot;
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            return start;
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
}

/// <summary>Marks a test that needs Debian's tshark; without it the test is reported as skipped.</summary>
public sealed class RequiresTsharkFactAttribute : FactAttribute
{
    /// <summary>tshark's path, or null when it is not installed.</summary>
    public static readonly string? Tshark = new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);

    public RequiresTsharkFactAttribute()
    {
        if (Tshark is null)
        {
            Skip = "tshark is not installed (.ci/run installs it: apt-get install tshark)";
        }
    }
}
