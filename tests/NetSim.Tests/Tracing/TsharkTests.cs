using System.Diagnostics;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;
using NetSim.Wire;
using Switch = NetSim.Ethernet.Switch;

namespace NetSim.Tests.Tracing;

/// <summary>Marks a test that needs Debian's tshark; without it the test is reported as skipped.</summary>
public sealed class RequiresTsharkFactAttribute : FactAttribute
{
    public RequiresTsharkFactAttribute()
    {
        if (Tshark.Path is null)
        {
            Skip = "tshark is not installed (.ci/run installs it: apt-get install tshark)";
        }
    }
}

/// <summary>Runs tshark, the real dissector, over a capture.</summary>
internal static class Tshark
{
    public static readonly string? Path = new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);

    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

public class TsharkTests
{
    [RequiresTsharkFact]
    public void Tshark_reads_our_captures_with_no_warnings_and_the_right_fields()
    {
        // A hub with collisions, a switch, padding and an 802.1Q-tagged frame: all in one capture.
        var net = new TestNetwork(seed: 2);
        var hub = new Hub(net.Network, "h1", 3);
        var sw = new Switch(net.Network, "s1", 2);
        Nic[] pcs = net.Computers(3);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        net.Connect(hub.Ports[2], sw.Ports[0]);
        net.Connect(pcs[2].Port, sw.Ports[1]);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"netsim-{Guid.NewGuid():N}.pcap");
        try
        {
            using (PcapWriter pcap = PcapWriter.Create(path, net.Simulation))
            {
                pcap.Capture(pcs[2]);
                new FrameSource(pcs[0], pcs[2].Mac, 500, count: 20).Start();
                new FrameSource(pcs[1], pcs[2].Mac, 60, count: 20).Start();
                FrameHandle tagged = net.Network.Frames.Rent(64);
                new EthernetHeader(pcs[2].Mac, pcs[0].Mac, FrameSource.TestEtherType, new VlanTag(3, false, 42)).Emit(net.Network.Frames.GetSpan(tagged));
                pcs[0].Send(tagged);
                net.Simulation.Run();
            }

            (int exit, string expert) = Tshark.Run("-r", path, "-q", "-z", "expert");
            exit.Should().Be(0, expert);
            expert.Should().NotContainAny("Malformed", "Warning", "Error");

            (exit, string fields) = Tshark.Run("-r", path, "-T", "fields", "-e", "eth.src", "-e", "eth.dst", "-e", "vlan.id", "-e", "frame.len");
            exit.Should().Be(0, fields);
            string[] lines = [.. fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('\t', StringComparison.Ordinal))]; // not tshark's notes on stderr
            lines.Should().HaveCount(41, "20 + 20 frames and the tagged one reached pc3");
            lines.Should().OnlyContain(l => l.Contains(pcs[2].Mac.ToString(), StringComparison.Ordinal));
            lines.Should().ContainSingle(l => l.Split('\t')[2] == "42");
            lines.Select(l => int.Parse(l.Split('\t')[3], System.Globalization.CultureInfo.InvariantCulture)).Should().OnlyContain(n => n >= 60);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
