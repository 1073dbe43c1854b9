using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ethernet;

public class CableTests
{
    [Fact]
    public void Two_computers_on_one_cable_exchange_frames_at_the_exact_time()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var arrivals = new List<(SimTime Time, byte[] Bytes)>();
        pcs[1].Received += (nic, frame) =>
        {
            arrivals.Add((net.Simulation.Now, frame.ToArray()));
        };

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 100);
        net.Simulation.Run();

        arrivals.Should().ContainSingle();
        // 112 bytes on the wire (8 preamble + 100 + 4 FCS) at 100 Mb/s is 8.96 us, then 1 us of cable.
        arrivals[0].Time.Should().Be(SimTime.FromNanoseconds(9_960));
        arrivals[0].Bytes.Should().HaveCount(100);
        MacAddress.Read(arrivals[0].Bytes).Should().Be(pcs[1].Mac);
        MacAddress.Read(arrivals[0].Bytes.AsSpan(6)).Should().Be(pcs[0].Mac);
        net.Network.Frames.InUse.Should().Be(0, "every frame went back to the pool");
    }

    [Fact]
    public void Short_frames_are_padded_to_60_bytes_and_long_ones_refused()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        int received = 0;
        pcs[1].Received += (nic, frame) =>
        {
            received = frame.Length;
        };

        pcs[0].Send(pcs[0].CreateFrame(pcs[1].Mac, FrameSource.TestEtherType, 10));
        FrameHandle tooLong = net.Network.Frames.Rent(EthernetFrame.MaxLength + 1);
        new EthernetHeader(pcs[1].Mac, pcs[0].Mac, EtherType.IPv4).Emit(net.Network.Frames.GetSpan(tooLong));
        pcs[0].Send(tooLong).Should().BeFalse();
        net.Simulation.Run();

        received.Should().Be(60);
        pcs[0].Port.Counters.Dropped(DropReason.Malformed).Should().Be(1);
    }

    [Fact]
    public void Frames_queue_behind_each_other_and_leave_back_to_back()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var times = new List<SimTime>();
        pcs[1].Received += (nic, frame) =>
        {
            times.Add(net.Simulation.Now);
        };

        for (int i = 0; i < 3; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, 1514);
        }

        net.Simulation.Run();

        // Each frame holds the wire for preamble + frame + FCS + the 12-byte inter-frame gap.
        SimDuration slot = TestNetwork.Rate.TransmissionTime(8 + 1514 + 4 + 12);
        times.Should().Equal(
            SimTime.Zero + TestNetwork.OnWire(1514) + TestNetwork.Delay,
            SimTime.Zero + slot + TestNetwork.OnWire(1514) + TestNetwork.Delay,
            SimTime.Zero + (slot * 2) + TestNetwork.OnWire(1514) + TestNetwork.Delay);
        pcs[0].Port.Counters.QueuePeak.Should().Be(2);
    }

    [Fact]
    public void A_full_queue_drops_the_newest_frame()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        cable.FromA.QueueLimitFrames = 3;

        for (int i = 0; i < 10; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        }

        net.Simulation.Run();

        pcs[1].FramesDelivered.Should().Be(4, "one on the wire and three waiting");
        pcs[0].Port.Counters.Dropped(DropReason.QueueFull).Should().Be(6);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_cable_that_goes_down_loses_what_is_queued_and_on_the_wire()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        for (int i = 0; i < 3; i++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        }

        net.Simulation.RunFor(SimDuration.FromNanoseconds(100));
        cable.IsUp = false;
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac).Should().BeFalse();
        net.Simulation.Run();

        pcs[1].FramesDelivered.Should().Be(0);
        pcs[0].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(3, "two queued and the one sent while down");
        pcs[1].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(1, "the one on the wire");
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void Bad_topology_input_names_the_device_port_and_value()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(3);
        net.Connect(pcs[0].Port, pcs[1].Port);

        ((Action)(() => net.Connect(pcs[0].Port, pcs[2].Port))).Should().Throw<ArgumentException>().WithMessage("pc1 port 0 is already connected*");
        ((Action)(() => _ = new Cable(pcs[2].Port, pcs[2].Port, TestNetwork.Rate, TestNetwork.Delay))).Should().Throw<ArgumentException>().WithMessage("*pc3 port 0 to itself*");
        ((Action)(() => _ = new Cable(pcs[2].Port, new Nic(net.Network, "pc4").Port, DataRate.FromBitsPerSecond(0), TestNetwork.Delay)))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*pc3 port 0*pc4 port 0*0 bps*");
        ((Action)(() => _ = new Nic(net.Network, "pc5", pcs[0].Mac))).Should().Throw<ArgumentException>().WithMessage($"pc5: MAC address {pcs[0].Mac} is already used by pc1*");
        ((Action)(() => _ = new Nic(net.Network, "pc1"))).Should().Throw<ArgumentException>().WithMessage("*already has a device named 'pc1'*");
        ((Action)(() => _ = new Nic(net.Network, "pc6", MacAddress.Broadcast))).Should().Throw<ArgumentException>().WithMessage("pc6*group address*");
    }

    [Fact]
    public void Assigned_addresses_are_unique_locally_administered_and_repeatable()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(3);
        pcs.Select(p => p.Mac.ToString()).Should().Equal("02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03");
        pcs.Should().OnlyContain(p => p.Mac.IsLocallyAdministered && p.Mac.IsUnicast);
    }
}
