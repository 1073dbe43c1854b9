using System.Globalization;

namespace NetSim.Tests.Samples;

/// <summary>
/// The samples print the same text on every machine: a German user (decimal comma, dot grouping) sees what the
/// tests and the README show, and the options read a dot as the decimal point.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed class SampleCultureTests
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static TheoryData<string> All => new(SampleRunner.AllSamples);

    [Theory]
    [MemberData(nameof(All))]
    public void A_sample_prints_the_same_under_a_German_culture_as_under_the_invariant_culture(string sample)
    {
        string invariant = SampleRunner.RunUnder(CultureInfo.InvariantCulture, sample);

        SampleRunner.RunUnder(German, sample).Should().Be(invariant);
    }

    [Fact]
    public void FileTransfer_under_a_German_culture_prints_dot_decimals_and_comma_grouping()
    {
        string output = SampleRunner.RunUnder(German, "FileTransfer");

        output.Should().Contain("; 1.0 % loss between the routers.");
        output.Should().MatchRegex(@"of simulated time \(\d+\.\d\d Mb/s\)\.");
        output.Should().Contain("Received 1,000,000 bytes;");
        string[] rows = [.. output.Split('\n').SkipWhile(l => !l.Contains("cwnd (bytes)", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0)];
        rows.Should().NotBeEmpty();
        foreach (string row in rows)
        {
            // "   90.459 ms          5,840          -": time, unit, congestion window, slow-start threshold.
            string[] columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            columns[2].Should().MatchRegex(@"^\d{1,3}(,\d{3})*$", row);
            columns[3].Should().MatchRegex(@"^(-|\d{1,3}(,\d{3})*)$", row);
        }
    }

    [Fact]
    public void FileTransfer_reads_a_loss_with_a_decimal_point_under_a_German_culture()
    {
        SampleRunner.RunUnder(German, "FileTransfer", "--loss", "0.02").Should().Contain("; 2.0 % loss between the routers.");
    }
}
