using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>Fast recovery in whole transfers: how the congestion window comes out of it.</summary>
public class TcpFastRecoveryTests
{
    [Fact]
    public void One_loss_while_the_peers_window_limits_the_sender_is_recovered_without_slow_start()
    {
        // 100 Mb/s with 10 ms each way: the bandwidth-delay product (250 kB) is far above the peer's
        // 65,535-byte window, so once slow start has grown cwnd past it the window is the limit and
        // cwnd stops growing. One data segment is lost in the middle of 1 MB.
        var sim = new Simulation(7);
        var net = new Network(sim);
        var client = new Host(net, "client", "10.0.0.1/24");
        var server = new Host(net, "server", "10.0.0.2/24");
        var cable = new Cable(client.Port, server.Port, DataRate.FromMegabitsPerSecond(100), SimDuration.FromMilliseconds(10));
        cable.FromA.Impairments.DropFrameNumbers.Add(400);
        var listener = new TcpListener(server, 5001, new TcpSettings { ReceiveBufferSize = 65_535 }); // the window of an unscaled receiver
        listener.Start();
        const int bytes = 1_000_000;
        long received = 0;
        sim.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                received += n;
            }
        });
        TcpConnection? sender = null;
        var windows = new List<(int Cwnd, int Ssthresh, long FastRetransmits)>();
        sim.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Address, 5001, new TcpSettings { CongestionControl = () => new NewRenoCongestionControl() });
            sender = c;
            c.CongestionWindowChanged += (_, _) => windows.Add((c.CongestionWindow, c.SlowStartThreshold, c.FastRetransmits));
            await c.WriteAsync(new byte[bytes]);
            await c.CloseAsync();
        });
        sim.Run();

        received.Should().Be(bytes);
        sender!.FastRetransmits.Should().Be(1, "the one loss is repaired by fast retransmit");
        sender.RetransmissionTimeouts.Should().Be(0);
        int loss = windows.FindIndex(w => w.FastRetransmits == 1);
        windows.Take(loss).Max(w => w.Cwnd).Should().BeGreaterThan(65_535, "cwnd had outgrown the peer's window before the loss");
        int ssthresh = windows[loss].Ssthresh;
        ssthresh.Should().BeLessThanOrEqualTo(65_535 / 2, "half of what the peer's window let fly");
        var after = windows.Skip(loss).ToList();
        after.Should().OnlyContain(w => w.Ssthresh == ssthresh, "one loss, one reduction");
        after.Should().Contain(w => w.Cwnd == ssthresh, "recovery ends with cwnd = ssthresh (RFC 6937)");
        after.Should().OnlyContain(w => w.Cwnd >= ssthresh, "no slow start after the recovery: cwnd never fell below ssthresh ({0})", string.Join(", ", after.Select(w => w.Cwnd).Take(40)));
    }
}
