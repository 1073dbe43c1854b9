using System.Buffers.Binary;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Reporting.Tests;

public class PacketJourneyTests
{
    [Fact]
    public void The_http_request_crosses_switch_and_two_routers_keeping_its_ip_addresses()
    {
        var run = new WebVisitRun(new RunRecorderOptions { SnapLength = 1514 });
        run.Visit!.Succeeded.Should().BeTrue();
        IReadOnlyList<PacketJourney> journeys = PacketJourney.Group(run.Recorder, out int[] journeyOfFrame);

        PacketJourney get = journeys.Single(j => IsHttpGet(run.Recorder.Frames[j.Frames[0]].Bytes));
        string[] where = get.Frames.Select(f => Describe(run.Recorder, f)).ToArray();
        where.Should().Equal(
            "pc/eth0 Sent", "sw Forwarded", "r1/eth0 Received", "r1/eth1 Sent", "r2/eth0 Received", "r2/eth2 Sent", "www/eth0 Received");
        get.Frames.Should().OnlyContain(f => journeyOfFrame[f] == get.Index);

        byte[] atPc = run.Recorder.Frames[get.Frames[0]].Bytes;
        byte[] afterSwitch = run.Recorder.Frames[get.Frames[1]].Bytes;
        byte[] afterR1 = run.Recorder.Frames[get.Frames[3]].Bytes;
        PacketJourney.Compare(atPc, afterSwitch).Should().BeEmpty("a switch changes nothing");

        IReadOnlyList<HopChange> r1Changes = PacketJourney.Compare(atPc, afterR1);
        r1Changes.Select(c => c.Field).Should().Equal("destination MAC", "source MAC", "TTL", "IPv4 header checksum");
        r1Changes.Single(c => c.Field == "TTL").Should().Be(new HopChange("TTL", 22, 1, "64", "63"));
        r1Changes[0].Before.Should().Be(run.R1.Interfaces[0].Mac.ToString(), "the pc sent it to its gateway's MAC");
        r1Changes[1].After.Should().Be(run.R1.Interfaces[1].Mac.ToString(), "r1 sends it from its WAN interface");
    }

    [Fact]
    public void Every_kept_frame_belongs_to_one_journey_and_each_journey_starts_at_a_station()
    {
        var run = new WebVisitRun();
        IReadOnlyList<PacketJourney> journeys = PacketJourney.Group(run.Recorder, out int[] journeyOfFrame);

        journeyOfFrame.Should().HaveCount(run.Recorder.Frames.Count).And.OnlyContain(j => j >= 0);
        journeys.Sum(j => j.Frames.Count).Should().Be(run.Recorder.Frames.Count);
        journeys.Should().OnlyContain(j => ((FrameEvent)run.Recorder.Events[run.Recorder.Frames[j.Frames[0]].Event].Event).Kind == FrameEventKind.Sent);

        // ARP requests and replies are journeys of their own: the pc asks for r1, r2 for the servers, and so on.
        journeys.Count(j => EtherTypeOf(run.Recorder.Frames[j.Frames[0]].Bytes) == EtherType.Arp).Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void A_segment_kept_only_in_part_is_still_one_journey_from_www_to_the_pc()
    {
        // 1,514-byte frames, of which the recorder keeps the first 256 bytes (its default snap length).
        var run = new WebVisitRun(page: new string('x', 20_000));
        run.Recorder.Frames.Should().Contain(f => !f.IsWhole);
        IReadOnlyList<PacketJourney> journeys = PacketJourney.Group(run.Recorder, out _);

        PacketJourney[] cut = journeys.Where(j => !run.Recorder.Frames[j.Frames[0]].IsWhole).ToArray();
        cut.Should().NotBeEmpty();
        foreach (PacketJourney journey in cut)
        {
            journey.Frames.Select(f => Describe(run.Recorder, f)).Should().Equal(
                "www/eth0 Sent", "r2/eth2 Received", "r2/eth0 Sent", "r1/eth1 Received", "r1/eth0 Sent", "sw Forwarded", "pc/eth0 Received");
        }
    }

    [Fact]
    public void A_hub_repeating_and_a_router_marking_ecn_are_named()
    {
        byte[] frame = new byte[60];
        frame[12] = 0x08; // IPv4
        frame[14] = 0x45;
        frame[22] = 64;
        byte[] marked = (byte[])frame.Clone();
        marked[15] = 0x03; // CE
        PacketJourney.Compare(frame, marked).Should().Equal(new HopChange("DSCP and ECN", 15, 1, "0x00", "0x03"));

        byte[] other = (byte[])frame.Clone();
        other[40] = 7;
        PacketJourney.Compare(frame, other).Single().Field.Should().Be("byte 40");
        PacketJourney.Compare(frame, frame).Should().BeEmpty();
    }

    private static string Describe(RunRecorder recorder, int frame)
    {
        var e = (FrameEvent)recorder.Events[recorder.Frames[frame].Event].Event;
        return $"{e.Device} {e.Kind}";
    }

    private static EtherType EtherTypeOf(byte[] frame) => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12));

    private static bool IsHttpGet(byte[] frame)
    {
        if (frame.Length <= 54 || EtherTypeOf(frame) != EtherType.IPv4 || frame[23] != (byte)IpProtocol.Tcp)
        {
            return false;
        }

        int data = 14 + 20 + ((frame[14 + 20 + 12] >> 4) * 4); // after the TCP header and its options
        return frame.Length > data && System.Text.Encoding.ASCII.GetString(frame, data, frame.Length - data).StartsWith("GET ", StringComparison.Ordinal);
    }
}
