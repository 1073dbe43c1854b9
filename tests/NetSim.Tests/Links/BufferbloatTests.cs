using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Links;

/// <summary>
/// The queue disciplines in a whole network, as the bufferbloat experiments show them: a ping shares a 10 Mb/s
/// bottleneck with a bulk TCP flow (host - r1 - 10 Mb/s - r2 - server, a 30 ms base round trip). Behind a drop-tail
/// queue of 1,000 frames the ping waits hundreds of milliseconds; FQ-CoDel keeps it near the base round trip (its own
/// queue, served first as a sparse flow, RFC 8290 section 1.3); CoDel lands between them, near its 5 ms target.
/// </summary>
public sealed class BufferbloatTests
{
    private static readonly SimDuration BaseRoundTrip = SimDuration.FromMilliseconds(30);

    [Fact]
    public void Under_FQ_CoDel_a_ping_beside_a_bulk_flow_keeps_near_the_base_round_trip_while_drop_tail_bloats_it()
    {
        Measured dropTail = Run(new DropTailDiscipline { FrameLimit = 1000 });
        Measured codel = Run(new CoDelDiscipline());
        Measured fqCodel = Run(new FqCoDelDiscipline());

        dropTail.Median.Should().BeGreaterThan(10 * BaseRoundTrip, "the bulk flow keeps hundreds of full frames ahead of each echo request");
        fqCodel.P95.Should().BeLessThan(BaseRoundTrip + SimDuration.FromMilliseconds(5), "the ping's queue is served before the bulk flow's backlog");
        codel.P95.Should().BeLessThan(dropTail.Median / 4, "CoDel keeps the standing queue short")
            .And.BeGreaterThan(fqCodel.P95, "behind CoDel's single queue the ping still waits for the bulk flow's few frames");
        foreach (Measured measured in new[] { dropTail, codel, fqCodel })
        {
            measured.Replies.Should().BeGreaterThan(60, "most of the 80 requests get a reply");
            measured.BulkBytes.Should().BeGreaterThan((long)(0.8 * 10e6 / 8 * 12), "the bulk flow fills the link over the 12 s under any queue");
        }
    }

    private sealed record Measured(SimDuration Median, SimDuration P95, int Replies, long BulkBytes);

    // The bulk flow starts at 0; the ping sends 80 requests, one every 100 ms from 2 s on (the queue has built by then).
    private static Measured Run(IQueueDiscipline queue)
    {
        var sim = new Simulation(seed: 1);
        var network = new Network(sim);
        var host = new Host(network, "host", "10.0.1.10/24", defaultGateway: "10.0.1.1");
        var server = new Host(network, "server", "10.0.2.10/24", defaultGateway: "10.0.2.1");
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.0.1/30");
        r2.AddInterface("10.0.0.2/30");
        r2.AddInterface("10.0.2.1/24");
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.FromMegabitsPerSecond(100) };
        topology.Connect(host, r1, delay: SimDuration.FromMicroseconds(2500));
        Cable bottleneck = topology.Connect(r1, r2, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(10));
        topology.Connect(r2, server, delay: SimDuration.FromMicroseconds(2500));
        topology.ComputeRoutes();
        bottleneck.FromA.From.QueueDiscipline = queue;

        long received = 0;
        // A 1 MiB receive window: the bulk flow's window, not a loss, limits what stands in the drop-tail queue (about 700
        // frames). With 6 MiB its slow start would overshoot the queue by hundreds of segments, repaired one per round trip
        // without SACK, and the flow would stall rather than bloat the queue.
        var listener = new TcpListener(server, 5001, new TcpSettings { ReceiveBufferSize = 1 << 20 });
        listener.Start();
        _ = sim.Start(async () =>
        {
            TcpConnection incoming = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = await incoming.ReadAsync(buffer)) > 0)
            {
                received += n;
            }
        });
        _ = sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(host, server.Address, 5001);
            byte[] chunk = new byte[65536];
            while (true)
            {
                await connection.WriteAsync(chunk);
            }
        });
        var ping = new Ping(host, server.Address) { Count = 80, Interval = SimDuration.FromMilliseconds(100) };
        sim.ScheduleAt(SimTime.FromSeconds(2), ping.Start);
        sim.RunUntil(SimTime.FromSeconds(12));

        SimDuration[] rtts = [.. ping.Results.Where(r => r.Status == PingStatus.Reply).Select(r => r.RoundTripTime).Order()];
        return new Measured(rtts[(rtts.Length - 1) / 2], rtts[(int)Math.Ceiling(0.95 * rtts.Length) - 1], rtts.Length, received);
    }
}
