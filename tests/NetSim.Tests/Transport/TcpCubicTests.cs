using System.Security.Cryptography;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>CUBIC (RFC 9438) in whole transfers: what it carries arrives intact, and it regains its window sooner than NewReno.</summary>
public class TcpCubicTests
{
    private static readonly TcpSettings Cubic = new() { CongestionControl = () => new CubicCongestionControl() };

    [Fact]
    public void Two_cubic_flows_through_a_drop_tail_bottleneck_arrive_byte_identical()
    {
        // A dumbbell: left1 and left2 send 1 MB each to right1 and right2 through r1 == 5 Mb/s, 10 ms, a
        // queue of 10 frames == r2, so the queue overflows and both flows lose segments.
        var sim = new Simulation(11);
        var network = new Network(sim);
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        var left = new Host[2];
        var right = new Host[2];
        for (int i = 0; i < 2; i++)
        {
            left[i] = new Host(network, $"left{i + 1}", $"10.1.{i + 1}.10/24", defaultGateway: $"10.1.{i + 1}.1");
            right[i] = new Host(network, $"right{i + 1}", $"10.2.{i + 1}.10/24", defaultGateway: $"10.2.{i + 1}.1");
            r1.AddInterface($"10.1.{i + 1}.1/24");
        }

        r1.AddInterface("10.0.0.1/30");
        r2.AddInterface("10.0.0.2/30");
        for (int i = 0; i < 2; i++)
        {
            r2.AddInterface($"10.2.{i + 1}.1/24");
        }

        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.FromMegabitsPerSecond(100) };
        for (int i = 0; i < 2; i++)
        {
            topology.Connect(left[i], r1, delay: SimDuration.FromMilliseconds(2));
        }

        Cable bottleneck = topology.Connect(r1, r2, DataRate.FromMegabitsPerSecond(5), SimDuration.FromMilliseconds(10));
        bottleneck.FromA.QueueLimitFrames = 10;
        for (int i = 0; i < 2; i++)
        {
            topology.Connect(r2, right[i], delay: SimDuration.FromMilliseconds(2));
        }

        topology.ComputeRoutes();

        var data = new byte[2][];
        var received = new MemoryStream[2];
        var senders = new TcpConnection?[2];
        for (int i = 0; i < 2; i++)
        {
            int flow = i;
            data[flow] = new byte[1_000_000];
            new Random(flow + 1).NextBytes(data[flow]);
            received[flow] = new MemoryStream();
            var listener = new TcpListener(right[flow], 5001, Cubic);
            listener.Start();
            sim.Start(async () =>
            {
                TcpConnection incoming = await listener.AcceptAsync();
                byte[] buffer = new byte[65536];
                int n;
                while ((n = await incoming.ReadAsync(buffer)) > 0)
                {
                    received[flow].Write(buffer, 0, n);
                }

                await incoming.CloseAsync();
            });
            sim.Start(async () =>
            {
                TcpConnection c = await TcpConnection.ConnectAsync(left[flow], right[flow].Address, 5001, Cubic);
                senders[flow] = c;
                await c.WriteAsync(data[flow]);
                await c.CloseAsync();
            });
        }

        sim.Run();

        for (int i = 0; i < 2; i++)
        {
            senders[i]!.CongestionControl.Should().BeOfType<CubicCongestionControl>();
            received[i].Length.Should().Be(data[i].Length);
            SHA256.HashData(received[i].ToArray()).Should().Equal(SHA256.HashData(data[i]), "flow {0} arrives byte-identical", i + 1);
        }

        (senders[0]!.FastRetransmits + senders[1]!.FastRetransmits).Should().BeGreaterThan(0, "the bottleneck's queue overflowed and CUBIC recovered");
    }

    [Fact]
    public void After_one_loss_on_a_long_path_cubic_regains_ninety_percent_of_its_window_sooner_than_newreno()
    {
        Regain cubic = RegainAfterOneLoss(() => new CubicCongestionControl());
        Regain reno = RegainAfterOneLoss(() => new NewRenoCongestionControl());

        cubic.SlowStartThreshold.Should().BeCloseTo((int)(0.7 * cubic.WindowAtLoss), 1, "CUBIC backs off to 0.7 of its window");
        reno.SlowStartThreshold.Should().BeLessThan((int)(0.55 * reno.WindowAtLoss), "NewReno halves");

        // RFC 9438: 90% of W_max comes at t = K - cbrt(0.1 W_max / C), about 0.8 s for 26 segments
        // whatever the RTT; NewReno needs 0.4 W_max round trips of 200 ms, about 2 s.
        cubic.Time.TotalSeconds.Should().BeLessThan(0.6 * reno.Time.TotalSeconds, "CUBIC {0}, NewReno {1}", cubic, reno);
    }

    /// <summary>
    /// 4 MB over 100 Mb/s with 100 ms each way (the peer's 64 KiB window is far above the windows
    /// here), the 20th frame (a data segment of the second round trip) lost: the time from the end
    /// of recovery (the last time cwnd was at most ssthresh) to cwnd at 90% of the window at the loss.
    /// </summary>
    private static Regain RegainAfterOneLoss(Func<ICongestionControl> algorithm)
    {
        var settings = new TcpSettings { CongestionControl = algorithm };
        var sim = new Simulation(3);
        var net = new Network(sim);
        var client = new Host(net, "client", "10.0.0.1/24");
        var server = new Host(net, "server", "10.0.0.2/24");
        var cable = new Cable(client.Port, server.Port, DataRate.FromMegabitsPerSecond(100), SimDuration.FromMilliseconds(100));
        cable.FromA.Impairments.DropFrameNumbers.Add(20); // 1: ARP, 2: SYN, 3: ACK, then data
        var listener = new TcpListener(server, 5001, settings);
        listener.Start();
        const int bytes = 4_000_000;
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
        var windows = new List<(SimTime At, int Cwnd, int Ssthresh, long FastRetransmits)>();
        sim.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(client, server.Address, 5001, settings);
            sender = c;
            c.CongestionWindowChanged += (_, _) => windows.Add((sim.Now, c.CongestionWindow, c.SlowStartThreshold, c.FastRetransmits));
            await c.WriteAsync(new byte[bytes]);
            await c.CloseAsync();
        });
        sim.Run();

        received.Should().Be(bytes);
        sender!.FastRetransmits.Should().Be(1);
        sender.RetransmissionTimeouts.Should().Be(0);
        int loss = windows.FindIndex(w => w.FastRetransmits == 1);
        int atLoss = windows[loss - 1].Cwnd;
        int ssthresh = windows[loss].Ssthresh;
        int trough = windows.FindLastIndex(w => w.Cwnd <= ssthresh);
        int back = windows.FindIndex(trough, w => w.Cwnd >= 0.9 * atLoss);
        back.Should().BePositive("the window came back to 90% before the transfer ended");
        return new Regain(atLoss, ssthresh, windows[back].At - windows[trough].At);
    }

    private sealed record Regain(int WindowAtLoss, int SlowStartThreshold, SimDuration Time);
}
