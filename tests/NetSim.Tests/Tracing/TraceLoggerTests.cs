using Microsoft.Extensions.Logging;
using NetSim.Ethernet;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Tracing;

public class TraceLoggerTests
{
    [Fact]
    public void Trace_events_reach_an_ILogger_as_readable_lines_with_the_simulated_time()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        _ = new TraceLogger(net.Network, factory);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        provider.Messages.Where(m => m.Category == "NetSim.Trace").Select(m => m.Message).Should().Equal(
            "0 s pc1: sent 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)",
            "6.760 us h1 port 0: repeated 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)",
            "7.760 us pc2: received 02:00:00:00:00:01 -> 02:00:00:00:00:02 (60 bytes)");
    }

    [Fact]
    public void A_logger_that_does_not_log_debug_does_not_listen()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        var net = new TestNetwork();
        _ = new TraceLogger(net.Network, factory);
        net.Network.IsTracing.Should().BeFalse("so devices skip building trace events");
    }
}
