using System.Security.Cryptography;

namespace NetSim.Tests.Samples;

/// <summary>
/// The samples' captures are the lesson's evidence: a change to the core that is not meant to
/// change behaviour must leave every byte of them as it was. A deliberate change updates the
/// hash here, and its commit says why.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed class SampleCaptureTests
{
    [Theory]
    [InlineData("TwoComputers", "22452452fbfabb3884a492a71f9a1771faf7366d60d6be6491614cbebbfcf412")]
    [InlineData("HubNetwork", "229e4bdebd7ca9ea9e6cd86e81e93c9dcf7abf257a4c8320c0443b31813bf16b")]
    [InlineData("HubCongestion", "a201bcefc41f571db4d41251e0f9ba642c4b27138042991a2b48386c288c90b0")]
    [InlineData("SwitchNetwork", "6eba6e33643e4c88d2eba28e74f88107baa4621f67b215b69d04397a8f3d9c1d")]
    [InlineData("RouterNetwork", "e7bf3fbc579f16774f58d09c38e053d89f503b90970739601f0b5985529d0076")]
    [InlineData("Traceroute", "2c2159e7aae5b797137249f7c36c1d0c3fc5cd6bdc40e978fb2bf438c83352c0")]
    [InlineData("FileTransfer", "872b6d2d657f0ca97cd91c2bb46d4c964f0d7ffead7b415482a8b4a64777db4c")]
    [InlineData("WebVisit", "cbc3379b34e718003fc342137270d58f57031be809359022c8526fff8629b0ef")]
    [InlineData("Dumbbell", "f84b357aea10a3a6e7ca580eff90e4d696c28e506022e6ebae073144b941f7b4")]
    public void Sample_capture_is_byte_identical_to_the_recorded_one(string sample, string sha256)
    {
        string path = Path.Combine(Path.GetTempPath(), $"netsim-{sample}-{Guid.NewGuid():N}.pcap");
        try
        {
            SampleRunner.Run(sample, "--pcap", path);
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))).Should().Be(sha256, $"{sample}'s capture should not change unless a commit says why");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
