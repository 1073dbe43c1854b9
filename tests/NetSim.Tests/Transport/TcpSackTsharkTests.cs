using System.Globalization;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Tests.Tracing;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>tshark, the real dissector, over a transfer with every option on: SACK, timestamps, window scaling and ECN.</summary>
public class TcpSackTsharkTests
{
    /// <summary>Records, for every ACK with SACK blocks the receiving host hands to its NIC, the receiver's out-of-order ranges at that moment.</summary>
    private sealed class AckRecorder(string device) : ITraceListener
    {
        public TcpConnection? Receiver { get; set; }

        public List<(uint Ack, (uint Start, uint End)[] Ranges, TcpSackBlocks Blocks)> Acks { get; } = [];

        public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
        {
            if (traceEvent.Kind != FrameEventKind.Sent || traceEvent.Device != device || Receiver is null
                || EthernetHeader.TryParse(frame, out EthernetHeader ethernet) != WireError.None || ethernet.PayloadType != EtherType.IPv4)
            {
                return;
            }

            ReadOnlySpan<byte> packet = frame[ethernet.Length..];
            if (Ipv4Header.TryParse(packet, out Ipv4Header ip) != WireError.None || ip.Protocol != IpProtocol.Tcp
                || TcpHeader.TryParse(packet[ip.HeaderLength..ip.TotalLength], out TcpHeader tcp) != WireError.None || tcp.SackBlocks.Count == 0)
            {
                return;
            }

            Acks.Add((tcp.AcknowledgmentNumber, Receiver.OutOfOrderRanges(), tcp.SackBlocks));
        }
    }

    [RequiresTsharkFact]
    public void A_transfer_with_every_option_decodes_cleanly_and_its_sack_blocks_are_the_receiver_s_ranges()
    {
        var net = new IpTestNetwork(seed: 4);
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        Impairments toReceiver = routers[0].Interfaces[1].Port.Cable!.FromA.Impairments;
        toReceiver.LossProbability = 0.02;
        var settings = new TcpSettings { Ecn = TcpEcnMode.On }; // SACK, timestamps and window scaling are on by default
        var recorder = new AckRecorder(pc2.Interfaces[0].Nic.Name);
        using IDisposable subscription = net.Network.Tracer.Subscribe(recorder);
        string path = Path.Combine(Path.GetTempPath(), $"netsim-sack-{Guid.NewGuid():N}.pcap");
        TcpConnection? sender = null;
        try
        {
            using (PcapWriter pcap = PcapWriter.Create(path, net.Simulation))
            {
                pcap.Capture(pc2.Port);
                var listener = new TcpListener(pc2, 5000, settings);
                listener.Start();
                net.Simulation.Start(async () =>
                {
                    TcpConnection s = await listener.AcceptAsync();
                    recorder.Receiver = s;
                    byte[] buffer = new byte[65536];
                    while (await s.ReadAsync(buffer) > 0)
                    {
                    }

                    await s.CloseAsync();
                });
                net.Simulation.Start(async () =>
                {
                    sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, settings);
                    await sender.WriteAsync(new byte[500_000]);
                    await sender.CloseAsync();
                });
                net.Simulation.Run();
            }

            sender!.SelectiveAcknowledgments.Should().BeTrue();
            sender.Timestamps.Should().BeTrue();
            sender.WindowScaling.Should().BeTrue();
            sender.Ecn.Negotiated.Should().BeTrue();
            recorder.Acks.Should().NotBeEmpty("losses left holes the receiver reported");

            // Port 5000's payload read as plain data: a heuristic (GSM RSL) would otherwise claim the zeros.
            (int exit, string expert) = Tshark.Run("-r", path, "-d", "tcp.port==5000,data", "-q", "-z", "expert");
            exit.Should().Be(0, expert);
            expert.Should().NotContain("Malformed").And.NotContain("Errors (", "no expert error, only the notes and warnings of a lossy transfer");

            // The SYN: MSS, SACK_PERM, TS, NOP, WS, as Linux lays them out; ECN setup flags.
            (exit, string syn) = Tshark.Run("-r", path, "-d", "tcp.port==5000,data", "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-T", "fields", "-E", "separator=;",
                "-e", "tcp.option_kind", "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift", "-e", "tcp.options.sack_perm", "-e", "tcp.hdr_len", "-e", "tcp.flags.ece", "-e", "tcp.flags.cwr");
            exit.Should().Be(0, syn);
            string[] synFields = syn.Split('\n').Single(l => l.Contains(';', StringComparison.Ordinal)).Trim().Split(';'); // not tshark's notes on stderr
            synFields[0].Should().Be("2,4,8,1,3");
            synFields[1].Should().Be("1460");
            synFields[2].Should().Be("7");
            synFields[3].Should().NotBeEmpty();
            synFields[4].Should().Be("40");
            synFields[5].Should().BeOneOf("1", "True");
            synFields[6].Should().BeOneOf("1", "True");

            // ECN on the wire (RFC 3168 6.1.2, 6.1.5): new data goes as ECT(0), retransmissions and pure ACKs as Not-ECT.
            (exit, string ecn) = Tshark.Run("-r", path, "-d", "tcp.port==5000,data", "-T", "fields", "-E", "separator=;",
                "-e", "ip.src", "-e", "tcp.len", "-e", "ip.dsfield.ecn", "-e", "tcp.analysis.retransmission");
            exit.Should().Be(0, ecn);
            string[][] packets = [.. ecn.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(';', StringComparison.Ordinal)).Select(l => l.Trim().Split(';'))];
            string[][] newData = [.. packets.Where(p => p[0] == pc1.Address.ToString() && p[1] != "0" && p[3].Length == 0)];
            string[][] resent = [.. packets.Where(p => p[0] == pc1.Address.ToString() && p[1] != "0" && p[3].Length != 0)];
            string[][] acks = [.. packets.Where(p => p[0] == pc2.Address.ToString() && p[1] == "0")];
            newData.Should().NotBeEmpty();
            newData.Select(p => p[2]).Should().AllBe("2", "new data is ECN-capable, ECT(0)");
            resent.Should().NotBeEmpty("the losses were repaired");
            resent.Select(p => p[2]).Should().AllBe("0", "a retransmission is not ECN-capable (RFC 3168 6.1.5)");
            acks.Select(p => p[2]).Should().AllBe("0", "a pure ACK is not ECN-capable (RFC 3168 6.1.4)");

            // Every SACK block as tshark reads it, in order, against the receiver's ranges when the ACK was sent.
            (exit, string sacks) = Tshark.Run("-r", path, "-d", "tcp.port==5000,data", "-o", "tcp.relative_sequence_numbers:FALSE", "-Y", $"ip.src == {pc2.Address} && tcp.options.sack_le",
                "-T", "fields", "-E", "separator=;", "-e", "tcp.ack", "-e", "tcp.options.sack_le", "-e", "tcp.options.sack_re");
            exit.Should().Be(0, sacks);
            string[] lines = [.. sacks.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(';', StringComparison.Ordinal))];
            lines.Should().HaveCount(recorder.Acks.Count);
            for (int i = 0; i < lines.Length; i++)
            {
                string[] fields = lines[i].Split(';');
                (uint ack, (uint Start, uint End)[] ranges, TcpSackBlocks blocks) = recorder.Acks[i];
                uint.Parse(fields[0], CultureInfo.InvariantCulture).Should().Be(ack);
                uint[] left = [.. fields[1].Split(',').Select(f => uint.Parse(f, CultureInfo.InvariantCulture))];
                uint[] right = [.. fields[2].Split(',').Select(f => uint.Parse(f, CultureInfo.InvariantCulture))];
                left.Should().HaveCount(Math.Min(3, ranges.Length), "three blocks beside timestamps, or as many ranges as there are");
                for (int b = 0; b < left.Length; b++)
                {
                    ranges.Should().Contain((left[b], right[b]), "block {0} of ACK {1} names a range the receiver held", b, ack);
                    blocks[b].Should().Be(new TcpSackBlock(left[b], right[b]));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
