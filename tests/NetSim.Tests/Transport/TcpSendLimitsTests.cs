using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpSendLimitsTests
{
    private static (Simulation Sim, Host Client, Host Server, Cable Cable) Pair(long rateMbps, long delayMs)
    {
        var sim = new Simulation(seed: 1);
        var network = new Network(sim);
        var client = new Host(network, "client", "10.0.0.1/24");
        var server = new Host(network, "server", "10.0.0.2/24");
        Cable cable = new TopologyBuilder(network) { DefaultRate = DataRate.FromMegabitsPerSecond(rateMbps), DefaultDelay = SimDuration.FromMilliseconds(delayMs) }.Connect(client, server);
        return (sim, client, server, cable);
    }

    private static TcpConnection Transfer(Simulation sim, Host client, Host server, Func<TcpConnection, Task> write, TcpSettings? settings = null, TcpSettings? receiverSettings = null)
    {
        var listener = new TcpListener(server, 5001, receiverSettings);
        listener.Start();
        TcpConnection? sender = null;
        sim.Start(async () =>
        {
            TcpConnection incoming = await listener.AcceptAsync();
            byte[] buffer = new byte[16384];
            while (await incoming.ReadAsync(buffer) > 0)
            {
            }

            await incoming.CloseAsync();
        });
        sim.Start(async () =>
        {
            sender = await TcpConnection.ConnectAsync(client, server.Address, 5001, settings);
            await write(sender);
            await sender.CloseAsync();
        });
        sim.Run();
        return sender!;
    }

    [Fact]
    public void A_bulk_transfer_on_a_long_fat_path_is_held_back_by_the_receive_window()
    {
        // 100 Mb/s with a 20 ms round trip holds 250 kB; a 65,535-byte window fills it a quarter.
        (Simulation sim, Host client, Host server, _) = Pair(100, 10);
        TcpConnection sender = Transfer(sim, client, server, c => c.WriteAsync(new byte[2_000_000]).AsTask(), receiverSettings: new TcpSettings { ReceiveBufferSize = 65_535 });

        TcpSendLimits limits = sender.SendLimits;
        (limits.ReceiveWindow.Picoseconds / (double)limits.Busy.Picoseconds).Should().BeGreaterThan(0.8, "after slow start the peer's window is what is full: {0}", limits);
        limits.CongestionWindow.Should().BeGreaterThan(SimDuration.Zero, "slow start held the first round trips back");
        limits.Busy.Should().BeLessThan(SimDuration.FromSeconds(1), "2 MB at one window per 20 ms take about 0.65 s");
        limits.ToString().Should().StartWith("receive window ");
    }

    [Fact]
    public void With_window_scaling_the_default_buffers_do_not_hold_back_a_bulk_transfer_on_a_long_fat_path()
    {
        // The same path with the default 6 MiB receive buffer, offered through window scaling (RFC 7323).
        (Simulation sim, Host client, Host server, _) = Pair(100, 10);
        TcpConnection sender = Transfer(sim, client, server, c => c.WriteAsync(new byte[2_000_000]).AsTask());

        sender.WindowScaling.Should().BeTrue();
        TcpSendLimits limits = sender.SendLimits;
        limits.ReceiveWindow.Should().Be(SimDuration.Zero, "the peer's window is never full: {0}", limits);
        limits.SendBuffer.Should().Be(SimDuration.Zero, "the 4 MiB send buffer holds the whole write");
        limits.Busy.Should().BeLessThan(SimDuration.FromMilliseconds(400), "2 MB at 100 Mb/s take 0.16 s once slow start has filled the path");
    }

    [Fact]
    public void A_small_send_buffer_on_a_long_fat_path_is_the_limit()
    {
        // 8,000 bytes of buffer hold less than the peer's 65,535-byte window and soon less than the congestion window.
        (Simulation sim, Host client, Host server, _) = Pair(100, 10);
        TcpConnection sender = Transfer(sim, client, server, c => c.WriteAsync(new byte[400_000]).AsTask(), new TcpSettings { SendBufferSize = 8_000 });

        TcpSendLimits limits = sender.SendLimits;
        (limits.SendBuffer.Picoseconds / (double)limits.Busy.Picoseconds).Should().BeGreaterThan(0.8, "the write waits for the buffer most of the time: {0}", limits);
        limits.ReceiveWindow.Should().Be(SimDuration.Zero, "the peer's window is never full");
    }

    [Fact]
    public void A_sender_that_writes_a_little_now_and_then_is_held_back_by_the_application()
    {
        (Simulation sim, Host client, Host server, _) = Pair(100, 1);
        TcpConnection sender = Transfer(sim, client, server, async c =>
        {
            for (int i = 0; i < 10; i++)
            {
                await c.WriteAsync(new byte[100]);
                await Task.Delay(TimeSpan.FromMilliseconds(100), sim.TimeProvider);
            }
        });

        TcpSendLimits limits = sender.SendLimits;
        limits.ReceiveWindow.Should().Be(SimDuration.Zero);
        limits.CongestionWindow.Should().Be(SimDuration.Zero);
        limits.SendBuffer.Should().Be(SimDuration.Zero);
        limits.Application.Should().BeGreaterThan(SimDuration.Zero, "each write waits a round trip for its ACK");
        // Each of the 10 writes is in flight a round trip (2 ms) and the receiver's delayed ACK (40 ms),
        // about 420 ms of the second; between writes nothing is in flight: idle time is no limit.
        limits.Busy.Should().BeGreaterThan(SimDuration.FromMilliseconds(400)).And.BeLessThan(SimDuration.FromMilliseconds(450));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Retransmissions_by_cause_add_up_and_name_the_partial_acknowledgments_or_the_sack_holes(bool sack)
    {
        (Simulation sim, Host client, Host server, Cable cable) = Pair(100, 1);
        cable.FromA.Impairments.LossProbability = 0.03;
        var settings = new TcpSettings { SelectiveAcknowledgments = sack };
        TcpConnection sender = Transfer(sim, client, server, c => c.WriteAsync(new byte[3_000_000]).AsTask(), settings, settings);

        long timeout = sender.GetRetransmissions(TcpRetransmitCause.Timeout);
        long fast = sender.GetRetransmissions(TcpRetransmitCause.FastRetransmit);
        long partial = sender.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment);
        long probe = sender.GetRetransmissions(TcpRetransmitCause.Probe);
        long holes = sender.GetRetransmissions(TcpRetransmitCause.SackRecovery);
        (timeout + fast + partial + probe + holes).Should().Be(sender.Retransmissions);
        fast.Should().Be(sender.FastRetransmits, "each fast retransmit resends one segment");
        timeout.Should().BeGreaterThanOrEqualTo(sender.RetransmissionTimeouts);
        if (sack)
        {
            holes.Should().BeGreaterThan(0, "two losses in one window: the SACK scoreboard names the second (RFC 6675)");
            partial.Should().Be(0, "with SACK a partial ACK needs no retransmission of its own");
        }
        else
        {
            partial.Should().BeGreaterThan(0, "two losses in one window leave a partial ACK (RFC 6582)");
            holes.Should().Be(0);
        }
    }
}
