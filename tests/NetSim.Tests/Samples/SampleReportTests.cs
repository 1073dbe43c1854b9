namespace NetSim.Tests.Samples;

/// <summary>Every sample that runs a network takes <c>--report PATH</c> and writes a report a browser opens.</summary>
[Collection(ConsoleUsers.Name)]
public sealed class SampleReportTests
{
    [Theory]
    [InlineData("TwoComputers", "-same-subnet", "-different-subnets")]
    [InlineData("HubNetwork", "")]
    [InlineData("HubCongestion", "")]
    [InlineData("SwitchNetwork", "")]
    [InlineData("RouterNetwork", "")]
    [InlineData("Traceroute", "")]
    [InlineData("FileTransfer", "")]
    [InlineData("WebVisit", "")]
    [InlineData("Dumbbell", "")]
    [InlineData("Bufferbloat", "-droptail", "-codel", "-fqcodel")]
    public void Sample_writes_its_report_and_says_where(string sample, params string[] suffixes)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"netsim-report-{sample}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string[] arguments = sample is "Bufferbloat" or "Dumbbell" ? ["--report", Path.Combine(folder, "report.html"), "--time", sample == "Bufferbloat" ? "5s" : "2s"] : ["--report", Path.Combine(folder, "report.html")];
            string output = SampleRunner.Run(sample, arguments);
            foreach (string suffix in suffixes)
            {
                string path = Path.Combine(folder, $"report{suffix}.html");
                output.Should().Contain($"Report written to {path}");
                string page = File.ReadAllText(path);
                page.Should().StartWith("<!doctype html>").And.Contain("<script id=\"netsim-run\" type=\"application/json\">{\"title\":");
                page.Should().Contain("<figcaption>Sequence diagram</figcaption>", "every report has the run's sequence diagram (or a note that it is too long)");
                if (sample == "Dumbbell")
                {
                    page.Should().Contain("<figcaption>Congestion window of each flow").And.Contain("<figcaption>Bottleneck queue", "the sample's plots are in its report");
                }

                if (sample == "Bufferbloat")
                {
                    page.Should().Contain("<figcaption>The ping&#39;s round trip beside a bulk upload");
                }
            }

            Directory.GetFiles(folder).Should().HaveCount(suffixes.Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string> WithReport => new(SampleRunner.AllSamples.Where(s => s != "HelloSimulation"));

    [Theory]
    [MemberData(nameof(WithReport))]
    public void The_usage_offers_report_PATH(string sample)
    {
        SampleRunner.Execute(sample, "--help").Output.Should().Contain("--report <PATH>");
    }

    [Fact]
    public void The_demo_tells_how_to_get_its_report()
    {
        SampleRunner.Run("WebVisit").Should().Contain("run again with --report visit.html");
        SampleRunner.Run("WebVisit", "--report", Path.Combine(Path.GetTempPath(), $"netsim-visit-{Guid.NewGuid():N}.html")).Should().NotContain("run again with --report");
    }

    [Fact]
    public void Report_needs_a_file_in_a_folder_that_exists()
    {
        SampleRun run = SampleRunner.Execute("WebVisit", "--report", "/no/such/folder/report.html");
        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--report cannot write '/no/such/folder/report.html': the folder '/no/such/folder' does not exist.");
    }
}
