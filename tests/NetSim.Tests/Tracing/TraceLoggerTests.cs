using Microsoft.Extensions.Logging;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

public class TraceLoggerTests
{
    [Fact]
    public void Frame_events_reach_an_ILogger_as_readable_lines_with_the_simulated_time()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        _ = new TraceLogger(net.Network.Tracer, factory);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        provider.Messages.Where(m => m.Category == "NetSim.Trace.Frame").Select(m => m.Message).Should().Equal(
            "0 s pc1: Sent 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)",
            "6.760 us h1 port 0: Repeated 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)",
            "7.760 us pc2: Received 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)");
    }

    [Fact]
    public void A_logger_that_does_not_log_debug_does_not_listen()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        var net = new TestNetwork();
        _ = new TraceLogger(net.Network.Tracer, factory);
        net.Network.Tracer.IsOn.Should().BeFalse("so devices skip building trace events");
    }

    [Fact]
    public void Each_layer_logs_under_its_own_category_with_structured_fields()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);
        using var logger = new TraceLogger(net.Network.Tracer, factory);
        using var socket = new UdpSocket(pc1);
        socket.Bind(5000);
        _ = socket.SendTo(new byte[10], pc2.Address, 9);
        net.Simulation.Run();

        provider.Messages.Select(m => m.Category).Distinct().Should().Contain(["NetSim.Trace.Frame", "NetSim.Trace.Arp", "NetSim.Trace.Ip", "NetSim.Trace.Udp"]);
        IReadOnlyDictionary<string, object?> forwarded = provider.Fields.First(f => f.Category == "NetSim.Trace.Ip" && Equals(f.Fields["Kind"], IpEventKind.Forwarded)).Fields;
        forwarded["Device"].Should().Be("r1");
        forwarded["Route"].Should().Be(Ipv4Network.Parse("10.0.2.0/24"));
        forwarded["NextHop"].Should().Be(pc2.Address);
        forwarded["InterfaceName"].Should().Be("r1/eth1");
        forwarded["DestinationPort"].Should().Be((ushort)9);
        provider.Fields.Should().Contain(f => f.Category == "NetSim.Trace.Udp" && Equals(f.Fields["Kind"], UdpEventKind.PortUnreachable));
    }

    [Fact]
    public void The_logger_takes_the_simulation_s_logger_factory_and_stops_when_disposed()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var sim = new Simulation(seed: 1, factory);
        var network = new Network(sim);
        Nic[] pcs = [new Nic(network, "pc1"), new Nic(network, "pc2")];
        _ = new Cable(pcs[0].Port, pcs[1].Port, DataRate.FromMegabitsPerSecond(100), SimDuration.FromMicroseconds(1));
        var logger = new TraceLogger(network.Tracer);
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        sim.Run();
        int logged = provider.Messages.Count(m => m.Category == "NetSim.Trace.Frame");
        logged.Should().Be(2, "sent and received");

        logger.Dispose();
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        sim.Run();
        provider.Messages.Count(m => m.Category == "NetSim.Trace.Frame").Should().Be(logged);
        network.Tracer.IsOn.Should().BeFalse("no one listens any more");
    }
}
