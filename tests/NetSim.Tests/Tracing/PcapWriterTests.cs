using System.Buffers.Binary;
using NetSim.Ethernet;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;
using PacketDotNet;

namespace NetSim.Tests.Tracing;

public class PcapWriterTests
{
    internal sealed record Record(long Nanoseconds, byte[] Bytes);

    internal static List<Record> ReadPcap(byte[] file)
    {
        BinaryPrimitives.ReadUInt32LittleEndian(file).Should().Be(0xa1b23c4d, "nanosecond magic");
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4)).Should().Be(2);
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(6)).Should().Be(4);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)).Should().Be(1, "link type Ethernet");
        var records = new List<Record>();
        for (int offset = 24; offset < file.Length;)
        {
            long seconds = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            long nanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4));
            int included = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8));
            BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 12)).Should().Be((uint)included);
            records.Add(new Record((seconds * 1_000_000_000) + nanoseconds, file.AsSpan(offset + 16, included).ToArray()));
            offset += 16 + included;
        }

        return records;
    }

    [Fact]
    public void Captured_frames_are_the_bytes_sent_at_the_simulated_times_and_PacketDotNet_reads_them()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var sent = new List<byte[]>();
        using var stream = new MemoryStream();
        using (var pcap = new PcapWriter(stream, net.Simulation))
        {
            pcap.Capture(pcs[0]);
            for (int i = 0; i < 3; i++)
            {
                var frame = pcs[0].CreateFrame(pcs[1].Mac, FrameSource.TestEtherType, 100 + i);
                net.Network.Frames.GetSpan(frame)[14..].Fill((byte)(i + 1));
                sent.Add(net.Network.Frames.GetSpan(frame).ToArray());
                pcs[0].Send(frame);
            }

            net.Simulation.Run();
        }

        List<Record> records = ReadPcap(stream.ToArray());
        records.Select(r => r.Bytes).Should().BeEquivalentTo(sent, o => o.WithStrictOrdering());
        long slot0 = 0;
        long slot1 = TestNetwork.Rate.TransmissionTime(8 + 114 + 4 + 12).Picoseconds / 1000;
        records.Select(r => r.Nanoseconds).Should().Equal(slot0, slot1, slot1 + (TestNetwork.Rate.TransmissionTime(8 + 115 + 4 + 12).Picoseconds / 1000));

        for (int i = 0; i < records.Count; i++)
        {
            var packet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, records[i].Bytes);
            packet.SourceHardwareAddress.ToString().Should().Be(pcs[0].Mac.ToPhysicalAddress().ToString());
            packet.DestinationHardwareAddress.Should().Be(pcs[1].Mac.ToPhysicalAddress());
            ((ushort)packet.Type).Should().Be(0x88b5);
            packet.PayloadData.Should().HaveCount(100 + i).And.OnlyContain(b => b == i + 1);
        }
    }

    [Fact]
    public void A_cable_capture_holds_both_directions_once_each()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        var cable = net.Connect(pcs[0].Port, pcs[1].Port);
        using var stream = new MemoryStream();
        using (var pcap = new PcapWriter(stream, net.Simulation))
        {
            pcap.Capture(cable);
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
            TestNetwork.SendFrame(pcs[1], pcs[0].Mac);
            net.Simulation.Run();
            pcap.FramesWritten.Should().Be(2);
        }

        ReadPcap(stream.ToArray()).Should().HaveCount(2);
    }

    [Fact]
    public void The_same_run_gives_a_byte_identical_capture()
    {
        static byte[] Capture()
        {
            var net = new TestNetwork(seed: 4);
            var hub = new Hub(net.Network, "h1", 3);
            Nic[] pcs = net.Computers(3);
            for (int i = 0; i < 3; i++)
            {
                net.Connect(pcs[i].Port, hub.Ports[i]);
            }

            using var stream = new MemoryStream();
            using (var pcap = new PcapWriter(stream, net.Simulation))
            {
                pcap.Capture(pcs[2]);
                new FrameSource(pcs[0], pcs[2].Mac, 300, count: 50).Start();
                new FrameSource(pcs[1], pcs[2].Mac, 300, count: 50).Start();
                net.Simulation.Run();
            }

            return stream.ToArray();
        }

        byte[] first = Capture();
        first.Length.Should().BeGreaterThan(24 + (100 * 300));
        Capture().Should().Equal(first);
    }
}
