namespace NetSim.Tests.Samples;

/// <summary>
/// Every sample checks its command line: <c>--help</c> prints the usage and exits 0; a bad option or value prints one line
/// that names it, then the usage, on standard error, and exits 2, with no stack trace.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed class SampleCommandLineTests
{
    public static TheoryData<string> All => new(SampleRunner.AllSamples);

    public static TheoryData<string> Network => new(SampleRunner.NetworkSamples);

    public static TheoryData<string, string> BadPcap
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string sample in SampleRunner.NetworkSamples)
            {
                data.Add(sample, "");
                data.Add(sample, Path.Combine(Path.GetTempPath(), "netsim-no-such-folder", "capture.pcap"));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Help_prints_the_usage_on_standard_output_and_exits_0(string sample)
    {
        SampleRun run = SampleRunner.Execute(sample, "--help");

        run.ExitCode.Should().Be(0);
        run.Error.Should().BeEmpty();
        run.Output.Should().StartWith("Description:", "the sample prints its usage instead of running");
        run.Output.Should().Contain("Usage:").And.Contain("--help");
    }

    [Theory]
    [MemberData(nameof(Network))]
    public void The_usage_of_a_network_sample_offers_pcap_PATH(string sample)
    {
        SampleRunner.Execute(sample, "--help").Output.Should().Contain("--pcap <PATH>");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void An_unknown_option_exits_2_naming_it(string sample)
    {
        SampleRun run = SampleRunner.Execute(sample, "--bogus");

        ShouldBeRejected(run, sample, "--bogus");
    }

    [Theory]
    [MemberData(nameof(Network))]
    public void A_pcap_without_a_path_exits_2(string sample)
    {
        SampleRun run = SampleRunner.Execute(sample, "--pcap");

        ShouldBeRejected(run, sample, "--pcap");
    }

    [Theory]
    [MemberData(nameof(BadPcap))]
    public void A_pcap_path_that_cannot_be_created_exits_2(string sample, string path)
    {
        SampleRun run = SampleRunner.Execute(sample, "--pcap", path);

        ShouldBeRejected(run, sample, "--pcap");
        File.Exists(path).Should().BeFalse();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1%")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("one percent")]
    public void FileTransfer_rejects_a_loss_that_is_not_a_probability_below_1_and_says_what_is_allowed(string loss)
    {
        SampleRun run = SampleRunner.Execute("FileTransfer", "--loss", loss);

        string message = ShouldBeRejected(run, "FileTransfer", "--loss");
        message.Should().Contain($"'{loss}'").And.Contain("from 0 up to 1 (not 1 itself)");
    }

    [Fact]
    public void FileTransfer_rejects_a_loss_without_a_value()
    {
        ShouldBeRejected(SampleRunner.Execute("FileTransfer", "--loss"), "FileTransfer", "--loss");
    }

    [Fact]
    public void FileTransfer_takes_a_loss_in_exponent_form()
    {
        SampleRunner.Run("FileTransfer", "--loss", "2e-2").Should().Contain("2.0 % loss between the routers");
    }

    [Fact]
    public void The_process_of_a_sample_given_a_bad_value_exits_2_as_a_shell_sees_it()
    {
        SampleRun run = SampleRunner.ExecuteProcess("FileTransfer", "--loss", "1%");

        ShouldBeRejected(run, "FileTransfer", "--loss");
    }

    /// <summary>
    /// Checks a rejected command line: exit code 2, nothing on standard output, and on standard error one line naming
    /// <paramref name="option"/>, then the usage, with no exception. Returns that line.
    /// </summary>
    private static string ShouldBeRejected(SampleRun run, string sample, string option)
    {
        run.ExitCode.Should().Be(2, run.Error);
        run.Output.Should().BeEmpty();
        run.Error.Should().NotContain("Exception").And.NotContain("   at ", "no stack trace");

        string[] lines = run.Error.ReplaceLineEndings("\n").Split('\n');
        lines[0].Should().StartWith($"{sample}: ").And.Contain(option);
        lines[1].Should().BeEmpty("the error is one line, and the usage follows it");
        string.Join('\n', lines[2..]).Should().Contain("Usage:");
        return lines[0];
    }
}
