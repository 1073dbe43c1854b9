using System.Buffers.Binary;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Links;

public class EcnMarkingTests
{
    public static TheoryData<int, bool, bool> Fields => new()
    {
        // ECN field offered, VLAN-tagged, marked
        { 0b10, false, true }, // ECT(0)
        { 0b01, false, true }, // ECT(1)
        { 0b11, false, true }, // CE already: stays CE
        { 0b00, false, false }, // Not-ECT
        { 0b10, true, true }, // ECT(0) behind an 802.1Q tag
        { 0b00, true, false },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void An_ecn_capable_ipv4_packet_is_marked_ce_with_a_checksum_that_still_holds(int ecn, bool tagged, bool marked)
    {
        var (net, pcs, queue) = Marking();
        SendIpv4(net, pcs[0], pcs[1], (byte)(0xb8 | ecn), tagged); // DSCP EF beside the ECN field

        queue.Results.Should().Equal(marked);
        byte[] frame = queue.Frames[0];
        int ip = tagged ? EthernetFrame.TaggedHeaderLength : EthernetFrame.HeaderLength;
        Ipv4Header.TryParse(frame.AsSpan(ip), out Ipv4Header header).Should().Be(WireError.None, "the checksum was updated with the field");
        header.TypeOfService.Should().Be((byte)(0xb8 | (marked ? 0b11 : ecn)), "only the ECN field changes, and only on an ECN-capable packet");
        net.Simulation.Run();
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_frame_that_is_not_ipv4_is_left_alone()
    {
        var (net, pcs, queue) = Marking();
        FrameHandle arp = pcs[0].CreateFrame(pcs[1].Mac, EtherType.Arp, 28);
        net.Network.Frames.GetSpan(arp)[EthernetFrame.HeaderLength + 1] = 0x03; // where an IPv4 TOS would be: ECT-looking bits
        byte[] before = net.Network.Frames.GetSpan(arp).ToArray();
        pcs[0].Send(arp);

        FrameHandle zeros = pcs[0].CreateFrame(pcs[1].Mac, EtherType.IPv4, 10); // padded to 46 zero bytes: not a version 4 header
        pcs[0].Send(zeros);

        queue.Results.Should().Equal(false, false);
        queue.Frames[0].AsSpan(0, before.Length).ToArray().Should().Equal(before);
    }

    /// <summary>Writes an IPv4/UDP packet of <paramref name="payload"/> bytes with the given TOS into a new frame, optionally behind an 802.1Q tag.</summary>
    internal static FrameHandle CreateIpv4(Nic from, MacAddress to, byte typeOfService, bool tagged = false, int payload = 26)
    {
        int ipLength = Ipv4Header.MinLength + payload;
        FrameHandle frame = from.CreateFrame(to, tagged ? EtherType.Vlan : EtherType.IPv4, ipLength + (tagged ? 4 : 0));
        Span<byte> bytes = from.Network.Frames.GetSpan(frame);
        int ip = EthernetFrame.HeaderLength;
        if (tagged)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes[ip..], 7); // TCI: VLAN 7
            BinaryPrimitives.WriteUInt16BigEndian(bytes[(ip + 2)..], (ushort)EtherType.IPv4);
            ip += 4;
        }

        new Ipv4Header(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2"), IpProtocol.Udp, 64, ipLength, TypeOfService: typeOfService).Emit(bytes[ip..]);
        return frame;
    }

    private static void SendIpv4(TestNetwork net, Nic from, Nic to, byte typeOfService, bool tagged) => from.Send(CreateIpv4(from, to.Mac, typeOfService, tagged));

    private static (TestNetwork Net, Nic[] Pcs, MarkingQueue Queue) Marking()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        var queue = new MarkingQueue();
        pcs[0].Port.QueueDiscipline = queue;
        net.Connect(pcs[0].Port, pcs[1].Port);
        return (net, pcs, queue);
    }

    // A FIFO that marks every frame offered and keeps the result and the bytes after it.
    private sealed class MarkingQueue : IQueueDiscipline
    {
        private readonly Queue<FrameHandle> frames = new();

        public List<bool> Results { get; } = [];

        public List<byte[]> Frames { get; } = [];

        public int Count => frames.Count;

        public long Bytes => 0;

        public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
        {
            Results.Add(context.TryMarkCongestionExperienced(frame));
            Frames.Add(context.GetFrame(frame).ToArray());
            frames.Enqueue(frame);
            reason = default;
            return true;
        }

        public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame) => frames.TryDequeue(out frame);
    }
}
