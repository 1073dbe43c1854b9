using System.Text.RegularExpressions;

namespace NetSim.Tests.Samples;

/// <summary>
/// Each sample's behaviour, pinned: the fingerprint of its run (every trace event of every
/// layer, and every frame's bytes) as <c>--fingerprint</c> prints it. A change of behaviour,
/// even one the captures and the output do not show, changes it.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed partial class SampleFingerprintTests
{
    [Theory]
    [InlineData("TwoComputers", "dc4ff56d0e00d9bc 4fbf56a488b961ed")]
    [InlineData("HubNetwork", "da0b84055420005c")]
    [InlineData("HubCongestion", "ac64134cd4ec6315 167ed8edb15b65a2 230f816e1c12ef22 16f22623d09c16a0 85c89b710a151591 6ecf99a5b80c788f 899ac4014be809b8 252745b2c6380457 636b558c3c1e5156 e9696ca2bad671b3")]
    [InlineData("SwitchNetwork", "9ee0747065f8d440")]
    [InlineData("RouterNetwork", "bec910bd20267e7e")]
    [InlineData("Traceroute", "94ade059471df3d2")]
    [InlineData("FileTransfer", "f6c48f964ba00587")]
    [InlineData("WebVisit", "8248bb811186c867")]
    [InlineData("Dumbbell", "ae4f6b021cd32794")]
    [InlineData("Bufferbloat", "143b7bc14ffbee23 62b82121bcf735e1 59fc920893b44cce")]
    public void A_sample_runs_with_its_recorded_fingerprint(string sample, string expected)
    {
        string output = SampleRunner.Run(sample, "--fingerprint");
        string printed = string.Join(" ", FingerprintLine().Matches(output).Select(m => m.Groups[1].Value));

        printed.Should().Be(expected, $"{sample}'s behaviour should not change unless a commit says why; if it should, put the new value in SampleFingerprintTests (the output said: {string.Join("; ", FingerprintLine().Matches(output).Select(m => m.Value.Trim()))})");
    }

    [Fact]
    public void Without_the_option_a_sample_prints_no_fingerprint()
    {
        SampleRunner.Run("SwitchNetwork").Should().NotContain("fingerprint:");
    }

    [GeneratedRegex(@"fingerprint: ([0-9a-f]{16}) \(.*\)")]
    private static partial Regex FingerprintLine();
}
