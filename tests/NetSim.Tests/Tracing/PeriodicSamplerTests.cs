using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

/// <summary>A flow's throughput sampled at a fixed interval from a flow monitor.</summary>
public sealed class PeriodicSamplerTests
{
    private const int Payload = 100;
    private const int PacketLength = Ipv4Header.MinLength + 8 + Payload;

    [Fact]
    public void A_flow_s_interval_throughput_counts_the_ip_bytes_it_delivered_in_each_interval()
    {
        var simulation = new Simulation(1);
        var network = new Network(simulation);
        var pc1 = new Host(network, "pc1", "10.0.0.1/24");
        var pc2 = new Host(network, "pc2", "10.0.0.2/24");
        _ = new Cable(pc1.Port, pc2.Port, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMicroseconds(50));
        new UdpSocket(pc2).Bind(9);
        using var monitor = new FlowMonitor(network.Tracer);
        new UdpSocket(pc1).SendTo([0], pc2.Address, 9); // ARP before the flow
        var sender = new UdpSocket(pc1);
        sender.Bind();
        for (int i = 1; i <= 30; i++)
        {
            simulation.ScheduleAt(SimTime.FromMilliseconds(i), () => sender.SendTo(new byte[Payload], pc2.Address, 9));
        }

        var sampler = new PeriodicSampler(simulation, SimDuration.FromMilliseconds(10));
        var flow = new FlowKey(IpProtocol.Udp, pc1.Address, sender.LocalPort, pc2.Address, 9);
        TimeSeries throughput = sampler.SampleThroughput(monitor, flow);

        simulation.Run();

        // A packet sent at i ms arrives a little later: 9 packets by 10 ms, then 10 an interval.
        throughput.Points.Should().Equal(
            new TimeSeriesPoint(SimTime.FromMilliseconds(10), 9 * PacketLength * 8 / 0.01),
            new TimeSeriesPoint(SimTime.FromMilliseconds(20), 10 * PacketLength * 8 / 0.01),
            new TimeSeriesPoint(SimTime.FromMilliseconds(30), 10 * PacketLength * 8 / 0.01));
        throughput.Unit.Should().Be("bit/s");
        monitor.GetStatistics().Single(f => f.Key == flow).BytesReceived.Should().Be(30 * PacketLength);
    }

    [Fact]
    public void A_stopped_sampler_records_nothing_more()
    {
        var simulation = new Simulation(1);
        long counter = 0;
        simulation.ScheduleAt(SimTime.FromMilliseconds(100), () => { });
        for (int i = 1; i <= 100; i++)
        {
            simulation.ScheduleAt(SimTime.FromMilliseconds(i), () => counter++);
        }

        var sampler = new PeriodicSampler(simulation, SimDuration.FromMilliseconds(10));
        TimeSeries series = sampler.SampleRate("count", "1/s", () => counter);
        simulation.ScheduleAt(SimTime.FromMilliseconds(25), sampler.Stop);

        simulation.Run();

        series.Points.Should().HaveCount(2);
        series.IsRecording.Should().BeFalse();
    }

    [Fact]
    public void The_interval_must_be_positive()
    {
        Action make = () => _ = new PeriodicSampler(new Simulation(), SimDuration.Zero);

        make.Should().Throw<ArgumentOutOfRangeException>();
    }
}
