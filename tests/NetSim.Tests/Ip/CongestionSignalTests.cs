using NetSim.Engine;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Ip;

/// <summary>A congestion control plugged in through <see cref="TcpSettings"/> is told real values at each event.</summary>
public class CongestionSignalTests
{
    private const int Mss = 1448; // 1,460 less the 12 bytes of the timestamps option in every segment (RFC 7323 and 6691, as Linux)

    /// <summary>A fixed window of ten segments that records every call, and what the connection said at that moment.</summary>
    private sealed class Recorder(Simulation sim) : ICongestionControl
    {
        public TcpConnection? Connection { get; set; }

        public List<(string Event, CongestionSignal Signal, SimTime SimNow, int ConnectionInFlight, SimDuration ConnectionSrtt)> Calls { get; } = [];

        public int CongestionWindow => 10 * Mss;

        public int SlowStartThreshold => int.MaxValue;

        public void Initialize(in CongestionSignal signal, bool handshakeRetransmitted) => Record(nameof(Initialize), signal);

        public void OnAcknowledged(in CongestionSignal signal) => Record(nameof(OnAcknowledged), signal);

        public void OnFastRetransmit(in CongestionSignal signal) => Record(nameof(OnFastRetransmit), signal);

        public void OnDuplicateAckInRecovery(in CongestionSignal signal) => Record(nameof(OnDuplicateAckInRecovery), signal);

        public void OnPartialAck(in CongestionSignal signal) => Record(nameof(OnPartialAck), signal);

        public void OnRecoveryEnd(in CongestionSignal signal) => Record(nameof(OnRecoveryEnd), signal);

        public void OnRetransmissionTimeout(in CongestionSignal signal) => Record(nameof(OnRetransmissionTimeout), signal);

        private void Record(string name, in CongestionSignal signal) =>
            Calls.Add((name, signal, sim.Now, Connection?.BytesInFlight ?? -1, Connection?.SmoothedRoundTripTime ?? SimDuration.MinValue));
    }

    private static (Recorder Recorder, TcpConnection Sender) Transfer(int bytes, int dropFrame = 0)
    {
        var net = new IpTestNetwork(seed: 3);
        (Host pc1, _, Host pc2) = net.Chain(1);
        if (dropFrame != 0)
        {
            pc1.Port.Cable!.FromA.Impairments.DropFrameNumbers.Add(dropFrame);
        }

        var listener = new TcpListener(pc2, 5000);
        listener.Start();
        var recorder = new Recorder(net.Simulation);
        var settings = new TcpSettings { CongestionControl = () => recorder };
        TcpConnection? sender = null;
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
            sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, settings);
            recorder.Connection = sender;
            await sender.WriteAsync(new byte[bytes]);
            await sender.CloseAsync();
        });
        net.Simulation.Run();
        return (recorder, sender!);
    }

    [Fact]
    public void The_handshake_gives_the_first_rtt_sample_and_the_segment_size()
    {
        (Recorder recorder, _) = Transfer(100_000);

        (string name, CongestionSignal first, SimTime at, _, _) = recorder.Calls[0];
        name.Should().Be(nameof(ICongestionControl.Initialize));
        first.RoundTripTimeSample.Should().NotBeNull("the SYN was timed and not sent again");
        first.RoundTripTimeSample!.Value.Should().BeGreaterThan(SimDuration.Zero);
        first.SmoothedRoundTripTime.Should().Be(first.RoundTripTimeSample.Value);
        first.MinimumRoundTripTime.Should().Be(first.RoundTripTimeSample.Value);
        first.MaximumSegmentSize.Should().Be(Mss);
        first.BytesInFlight.Should().Be(0);
        first.SendWindow.Should().Be(65535);
        first.Now.Should().Be(at);
    }

    [Fact]
    public void Every_ack_carries_the_time_the_flight_and_the_round_trip_times_the_connection_has()
    {
        const int bytes = 100_000;
        (Recorder recorder, TcpConnection sender) = Transfer(bytes);

        var acks = recorder.Calls.Where(c => c.Event == nameof(ICongestionControl.OnAcknowledged)).ToList();
        acks.Should().HaveCountGreaterThan(bytes / Mss / 2, "one ACK per segment or so");
        recorder.Calls.Should().OnlyContain(c => c.Event == nameof(ICongestionControl.Initialize) || c.Event == nameof(ICongestionControl.OnAcknowledged), "nothing was lost");
        acks.Should().OnlyContain(c => c.Signal.Now == c.SimNow);
        acks.Zip(acks.Skip(1)).Should().OnlyContain(p => p.First.Signal.Now <= p.Second.Signal.Now);
        acks[^1].Signal.Now.Should().BeGreaterThan(acks[0].Signal.Now, "time advances over the transfer");
        acks.Should().OnlyContain(c => c.Signal.BytesInFlight == c.ConnectionInFlight && c.Signal.BytesInFlight <= 10 * Mss);
        acks.Should().Contain(c => c.Signal.BytesInFlight > 0);
        acks[^1].Signal.BytesInFlight.Should().Be(0, "the last ACK acknowledges the FIN");
        acks.Should().OnlyContain(c => c.Signal.SmoothedRoundTripTime == c.ConnectionSrtt);
        acks.Sum(c => c.Signal.BytesAcknowledged).Should().Be(bytes + 1, "every byte and the FIN were acknowledged once");
        acks.Should().OnlyContain(c => c.Signal.BytesLost == 0);

        var samples = acks.Where(c => c.Signal.RoundTripTimeSample is not null).Select(c => c.Signal).ToList();
        samples.Should().HaveCountGreaterThan(1, "one segment per round trip is timed");
        samples.Should().OnlyContain(s => s.RoundTripTimeSample!.Value > SimDuration.Zero && s.MinimumRoundTripTime <= s.RoundTripTimeSample.Value);
        acks.Should().Contain(c => c.Signal.IsCongestionWindowLimited, "a fixed window of ten segments is filled by a bulk transfer");
        sender.CongestionWindow.Should().Be(10 * Mss, "the plugged-in algorithm sizes the window");
    }

    [Fact]
    public void A_lost_segment_is_reported_with_the_bytes_declared_lost()
    {
        (Recorder recorder, TcpConnection sender) = Transfer(200_000, dropFrame: 30);

        sender.FastRetransmits.Should().Be(1);
        (_, CongestionSignal loss, _, int inFlight, _) = recorder.Calls.Single(c => c.Event == nameof(ICongestionControl.OnFastRetransmit));
        loss.BytesLost.Should().Be(Mss, "one segment was sent again");
        loss.BytesAcknowledged.Should().Be(0);
        loss.BytesInFlight.Should().Be(inFlight);
        loss.RoundTripTimeSample.Should().BeNull("a duplicate ACK measures nothing");
        recorder.Calls.Should().Contain(c => c.Event == nameof(ICongestionControl.OnRecoveryEnd) || c.Event == nameof(ICongestionControl.OnPartialAck));
    }
}
