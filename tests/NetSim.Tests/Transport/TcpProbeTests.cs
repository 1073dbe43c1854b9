using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>A TCP connection's metrics as they change, and the probes that record them.</summary>
public sealed class TcpProbeTests
{
    private const int Mss = 1448; // 1,460 less the 12 bytes of the timestamps option in every segment (RFC 7323 and 6691, as Linux)

    private sealed record Probes(TcpConnection Connection, TimeSeries Cwnd, TimeSeries Ssthresh, TimeSeries Srtt, TimeSeries Rto, TimeSeries InFlight, List<TcpMetrics> Raised);

    // A bulk transfer of 300,000 bytes from pc1 to pc2 through one router, probed from the moment the connection is established.
    private static Probes BulkTransfer()
    {
        var net = new IpTestNetwork(seed: 3);
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 5000);
        listener.Start();
        Probes? probes = null;
        net.Simulation.Start(async () =>
        {
            TcpConnection s = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            while (await s.ReadAsync(buffer) > 0)
            {
            }
        });
        net.Simulation.Start(async () =>
        {
            TcpConnection c = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000);
            var raised = new List<TcpMetrics>();
            c.MetricsChanged += (_, metrics) => raised.Add(metrics);
            probes = new Probes(c, c.Probe(TcpMetric.CongestionWindow), c.Probe(TcpMetric.SlowStartThreshold), c.Probe(TcpMetric.SmoothedRoundTripTime), c.Probe(TcpMetric.RetransmissionTimeout), c.Probe(TcpMetric.BytesInFlight), raised);
            await c.WriteAsync(new byte[300_000]);
            await c.CloseAsync();
        });
        net.Simulation.Run();
        return probes!;
    }

    [Fact]
    public void The_cwnd_series_of_a_bulk_transfer_starts_at_the_initial_window_and_grows_by_what_each_ack_acknowledged_in_slow_start()
    {
        Probes probes = BulkTransfer();

        probes.Connection.RetransmissionTimeouts.Should().Be(0);
        probes.Connection.FastRetransmits.Should().Be(0);
        IReadOnlyList<TimeSeriesPoint> cwnd = probes.Cwnd.Points;
        cwnd[0].Value.Should().Be(10 * Mss, "RFC 6928: the initial window is 10 segments");
        cwnd.Should().HaveCountGreaterThan(10);
        for (int i = 1; i < cwnd.Count; i++)
        {
            (cwnd[i].Value - cwnd[i - 1].Value).Should().BeOneOf([(double)Mss, 2.0 * Mss], "slow start adds what each ACK acknowledged, up to two MSS (RFC 3465), and there is no loss");
            cwnd[i].Time.Should().BeGreaterThanOrEqualTo(cwnd[i - 1].Time);
        }

        probes.Ssthresh.Points.Should().ContainSingle().Which.Value.Should().Be(int.MaxValue, "no loss: the threshold never moves");
        probes.Cwnd.Unit.Should().Be("bytes");
        probes.Srtt.Unit.Should().Be("s");
    }

    [Fact]
    public void Smoothed_rtt_rto_and_bytes_in_flight_are_recorded_as_they_change()
    {
        Probes probes = BulkTransfer();

        probes.Srtt.Points.Should().OnlyContain(p => p.Value > 0, "the handshake measured the first RTT");
        probes.Srtt.Points.Should().HaveCountGreaterThan(1, "each timed segment changes the smoothed RTT");
        probes.Rto.Points.Should().OnlyContain(p => p.Value >= 0.2, "RFC 6298 with a 200 ms minimum, as the default settings have");
        IReadOnlyList<TimeSeriesPoint> inFlight = probes.InFlight.Points;
        inFlight[0].Value.Should().Be(0);
        inFlight[1].Should().Be(new TimeSeriesPoint(inFlight[0].Time, 10 * Mss), "the write sends the initial window at once, and the probe sees it then, not at the first ACK");
        inFlight[^1].Value.Should().Be(0, "everything, the FIN too, was acknowledged");
        inFlight.Max(p => p.Value).Should().BeGreaterThan(10 * Mss).And.BeLessThanOrEqualTo(probes.Cwnd.Points.Max(p => p.Value) + 1);
        probes.Raised.Zip(probes.Raised.Skip(1)).Should().OnlyContain(pair => pair.First != pair.Second, "raised only when a value changed");
        probes.Raised[^1].Should().Be(probes.Connection.Metrics);
    }

    [Fact]
    public void Every_point_of_a_metric_series_is_a_change_of_that_metric()
    {
        Probes probes = BulkTransfer();

        foreach (TimeSeries series in new[] { probes.Cwnd, probes.Srtt, probes.Rto, probes.InFlight })
        {
            series.Points.Zip(series.Points.Skip(1)).Should().NotContain(pair => pair.First.Value == pair.Second.Value, series.Name);
        }
    }

    [Fact]
    public void The_rto_series_doubles_at_each_timeout_when_the_path_is_cut()
    {
        var net = new IpTestNetwork(seed: 3);
        (Host pc1, _, Host pc2) = net.Chain(1);
        var listener = new TcpListener(pc2, 5000);
        listener.Start();
        TimeSeries? rto = null;
        TcpConnection? client = null;
        net.Simulation.Start(async () => await listener.AcceptAsync());
        net.Simulation.Start(async () =>
        {
            client = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, new TcpSettings { MaxRetransmissions = 3 });
            rto = client.Probe(TcpMetric.RetransmissionTimeout);
            pc2.Port.Cable!.IsUp = false;
            await client.WriteAsync(new byte[1000]);
        });

        net.Simulation.Run();

        client!.RetransmissionTimeouts.Should().Be(4, "three retransmissions, then the fourth timeout gives up");
        double first = rto!.Points[0].Value;
        rto.Points.Select(p => p.Value).Should().StartWith([first, 2 * first, 4 * first, 8 * first], "RFC 6298, 5.5: each timeout doubles the RTO, and the probe sees it when the timer fires");
    }
}
