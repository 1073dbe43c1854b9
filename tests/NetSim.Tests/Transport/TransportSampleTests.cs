using System.Globalization;
using NetSim.Tests.Tracing;
using PacketDotNet;

namespace NetSim.Tests.Transport;

/// <summary>The FileTransfer sample: 1 MB over TCP through a lossy path arrives intact, and its capture is real TCP.</summary>
[Collection(ConsoleUsers.Name)]
public sealed class TransportSampleTests : IDisposable
{
    private readonly string pcap = Path.Combine(Path.GetTempPath(), $"netsim-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(pcap);

    private static string Run(params string[] args) => SampleRunner.Run("FileTransfer", args);

    [Fact]
    public void FileTransfer_repairs_the_losses_and_the_hash_matches()
    {
        string output = Run("--pcap", pcap);
        output.Should().Contain("1.0 % loss between the routers");
        output.Should().Contain("Received 1,000,000 bytes; SHA-256 matches the file sent.");
        System.Text.RegularExpressions.Match tally = System.Text.RegularExpressions.Regex.Match(output, @"Retransmitted segments: (\d+) = (\d+) by fast retransmit .* \+ (\d+) holes the SACK blocks showed .* \+ (\d+) on partial ACKs .* \+ (\d+) resent after \d+ retransmission timeouts .* \+ (\d+) window probes");
        tally.Success.Should().BeTrue("every kind of retransmission is named: {0}", output);
        long[] counts = [.. tally.Groups.Values.Skip(1).Select(g => long.Parse(g.Value, CultureInfo.InvariantCulture))];
        counts[0].Should().BeGreaterThan(0);
        (counts[1] + counts[2] + counts[3] + counts[4] + counts[5]).Should().Be(counts[0], "the kinds add up to the total");
        output.Should().Contain("So the losses are the limit");
        output.Should().Contain("Congestion window over time");

        int segments = 0;
        foreach (byte[] frame in PcapWriterTests.ReadPcap(File.ReadAllBytes(pcap)).Select(r => r.Bytes))
        {
            var ip = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame)).Extract<IPv4Packet>();
            if (ip?.Extract<TcpPacket>() is { } tcp)
            {
                tcp.ValidTcpChecksum.Should().BeTrue();
                segments++;
            }
        }

        segments.Should().BeGreaterThan(1000, "about 700 data segments leave and their ACKs come back");
    }

    [Fact]
    public void Without_loss_nothing_is_retransmitted()
    {
        string output = Run("--loss", "0");
        output.Should().Contain("Retransmitted segments: 0 = 0 by fast retransmit");
        output.Should().Contain("the receiver's window 0 %", "window scaling offers the 6 MiB buffer: the window never holds the sender back");
        output.Should().Contain("window scaling on, its windows shifted by 7; timestamps on");
        output.Should().MatchRegex(@"data arrived at 9[2-4]\.\d Mb/s: the path is full \(the 100 Mbps links carry at most 94\.1 Mb/s of data in 1448-byte segments", "after slow start the transfer fills the path");
        output.Should().Contain("SHA-256 matches");
    }

    [RequiresTsharkFact]
    public void Tshark_reads_the_transfer_as_tcp_with_good_checksums_and_no_malformed_frames()
    {
        Run("--pcap", pcap);
        (int exit, string expert) = Tshark.Run("-r", pcap, "-q", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-z", "expert");
        exit.Should().Be(0, expert);
        expert.Should().NotContainAny("Malformed", "Bad checksum", "bad checksum");
        (exit, string fields) = Tshark.Run("-r", pcap, "-Y", "tcp.flags.syn == 1", "-T", "fields", "-e", "tcp.options.mss_val");
        exit.Should().Be(0, fields);
        fields.Should().Contain("1460");
        (exit, fields) = Tshark.Run("-r", pcap, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-T", "fields", "-e", "tcp.options.wscale.shift", "-e", "tcp.options.timestamp.tsecr", "-e", "tcp.hdr_len");
        exit.Should().Be(0, fields);
        fields.Should().StartWith("7\t0\t40\n", "the SYN offers a window scale of 7 and timestamps (TSecr 0), in 40 bytes of header");
        (exit, fields) = Tshark.Run("-r", pcap, "-Y", "tcp.len > 0", "-T", "fields", "-e", "tcp.options.timestamp.tsval");
        exit.Should().Be(0, fields);
        fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith("Running as", StringComparison.Ordinal)).Should().OnlyContain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d+$"), "every data segment carries timestamps");
    }
}
