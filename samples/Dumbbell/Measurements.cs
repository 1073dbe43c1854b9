using System.Globalization;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

// Design: everything the Dumbbell sample samples over time, in one class, until the library's
// own time-series probes land; then this class is swapped for them. The congestion window is
// recorded on change (TcpConnection.CongestionWindowChanged). Throughput and the bottleneck
// queue are sampled by a simulation event that repeats every interval and stops at the run's
// end time, so sampling adds events but never moves the model. Retransmissions are counted by
// cause from the TCP trace events (the connection's own counters have no partial-ACK tally).

/// <summary>One TCP bulk flow of the dumbbell, as the sample measures it.</summary>
internal sealed class FlowRecord(int number, Ipv4Address source, Ipv4Address destination, SimTime start, SimDuration baseRoundTrip)
{
    /// <summary>The flow's number, from 1.</summary>
    public int Number { get; } = number;

    /// <summary>The sending (left) host's address.</summary>
    public Ipv4Address Source { get; } = source;

    /// <summary>The receiving (right) host's address.</summary>
    public Ipv4Address Destination { get; } = destination;

    /// <summary>When the flow opens its connection.</summary>
    public SimTime Start { get; } = start;

    /// <summary>The round trip of the path's propagation delays alone (no transmission, no queueing).</summary>
    public SimDuration BaseRoundTrip { get; } = baseRoundTrip;

    /// <summary>The bytes the receiving application has read so far (the flow's goodput).</summary>
    public long BytesReceived { get; set; }

    /// <summary>The sender's connection, once open.</summary>
    public TcpConnection? Sender { get; set; }

    /// <summary>Segments sent again, by <see cref="TcpRetransmitCause"/>.</summary>
    public long[] Retransmits { get; } = new long[Enum.GetValues<TcpRetransmitCause>().Length];

    /// <summary>Bytes read at each sample time (cumulative), one entry per throughput sample.</summary>
    public List<long> BytesAtSample { get; } = [];

    /// <summary>The congestion window and slow-start threshold (int.MaxValue: not set yet) at each change.</summary>
    public List<(SimTime Time, int Window, int Threshold)> Window { get; } = [];

    /// <summary>The flow's throughput from its start to <paramref name="end"/>, in bits per second.</summary>
    public double Throughput(SimTime end) => end > Start ? BytesReceived * 8.0 / (end - Start).TotalSeconds : 0;
}

/// <summary>Samples the flows and the bottleneck queue of the dumbbell over simulated time.</summary>
internal sealed class Measurements : ITraceListener, IDisposable
{
    private readonly Simulation simulation;
    private readonly CableDirection bottleneck;
    private readonly SimTime end;
    private readonly Dictionary<Ipv4Address, FlowRecord> bySource = [];
    private readonly IDisposable subscription;

    /// <summary>Starts measuring: samples every <paramref name="interval"/> (throughput) and <paramref name="queueInterval"/> (queue) up to <paramref name="end"/>.</summary>
    public Measurements(Simulation simulation, Tracer tracer, CableDirection bottleneck, IReadOnlyList<FlowRecord> flows, SimDuration interval, SimDuration queueInterval, SimTime end)
    {
        this.simulation = simulation;
        this.bottleneck = bottleneck;
        this.end = end;
        Flows = flows;
        Interval = interval;
        QueueInterval = queueInterval;
        foreach (FlowRecord flow in flows)
        {
            bySource.Add(flow.Source, flow);
        }

        subscription = tracer.Subscribe(this);
        Repeat(interval, SampleThroughput);
        Repeat(queueInterval, SampleQueue);
    }

    /// <summary>The flows measured, in order.</summary>
    public IReadOnlyList<FlowRecord> Flows { get; }

    /// <summary>How often throughput is sampled.</summary>
    public SimDuration Interval { get; }

    /// <summary>How often the queue is sampled.</summary>
    public SimDuration QueueInterval { get; }

    /// <summary>The times of the throughput samples (each closes an interval).</summary>
    public List<SimTime> SampleTimes { get; } = [];

    /// <summary>The bottleneck queue (frames and bytes waiting, the one on the wire not counted) at each queue sample.</summary>
    public List<(SimTime Time, int Frames, long Bytes)> Queue { get; } = [];

    /// <summary>How many of a flow's packets the bottleneck queue dropped (from the flow monitor), for flows.csv.</summary>
    public Func<FlowRecord, long>? QueueDrops { get; set; }

    /// <summary>Records <paramref name="connection"/>'s congestion window now and at every change.</summary>
    public void Watch(FlowRecord flow, TcpConnection connection)
    {
        flow.Sender = connection;
        flow.Window.Add((simulation.Now, connection.CongestionWindow, connection.SlowStartThreshold));
        connection.CongestionWindowChanged += (_, _) => flow.Window.Add((simulation.Now, connection.CongestionWindow, connection.SlowStartThreshold));
    }

    /// <inheritdoc/>
    public void OnTcp(in TcpEvent traceEvent)
    {
        if (traceEvent is { Kind: TcpEventKind.Retransmitted, Cause: { } cause } && bySource.TryGetValue(traceEvent.LocalAddress, out FlowRecord? flow))
        {
            flow.Retransmits[(int)cause]++;
        }
    }

    /// <summary>Throughput of <paramref name="flow"/> over the interval that ends at sample <paramref name="index"/>, in bits per second.</summary>
    public double IntervalThroughput(FlowRecord flow, int index, int samples = 1)
    {
        long before = index >= samples ? flow.BytesAtSample[index - samples] : 0;
        SimTime from = index >= samples ? SampleTimes[index - samples] : SimTime.Zero;
        return (flow.BytesAtSample[index] - before) * 8.0 / (SampleTimes[index] - from).TotalSeconds;
    }

    /// <summary>Writes the four CSV files of the sample's header comment into <paramref name="folder"/>.</summary>
    public void WriteCsv(string folder)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        using (var flows = new StreamWriter(Path.Combine(folder, "flows.csv")))
        {
            flows.WriteLine("flow,source,destination,start_s,base_rtt_s,bytes_received,throughput_bps,retransmissions,timeouts,fast_retransmits,partial_acks,queue_drops");
            foreach (FlowRecord flow in Flows)
            {
                flows.WriteLine(string.Create(invariant, $"{flow.Number},{flow.Source},{flow.Destination},{Seconds(flow.Start)},{Seconds(flow.BaseRoundTrip)},{flow.BytesReceived},{flow.Throughput(end):F0},{flow.Retransmits.Sum()},{flow.Retransmits[(int)TcpRetransmitCause.Timeout]},{flow.Retransmits[(int)TcpRetransmitCause.FastRetransmit]},{flow.Retransmits[(int)TcpRetransmitCause.PartialAcknowledgment]},{QueueDrops?.Invoke(flow) ?? 0}"));
            }
        }

        using (var throughput = new StreamWriter(Path.Combine(folder, "throughput.csv")))
        {
            throughput.WriteLine("time_s,flow,throughput_bps");
            for (int i = 0; i < SampleTimes.Count; i++)
            {
                foreach (FlowRecord flow in Flows)
                {
                    throughput.WriteLine(string.Create(invariant, $"{Seconds(SampleTimes[i])},{flow.Number},{IntervalThroughput(flow, i):F0}"));
                }
            }
        }

        using (var cwnd = new StreamWriter(Path.Combine(folder, "cwnd.csv")))
        {
            cwnd.WriteLine("time_s,flow,cwnd_bytes,ssthresh_bytes");
            foreach (FlowRecord flow in Flows)
            {
                foreach ((SimTime time, int window, int threshold) in flow.Window)
                {
                    cwnd.WriteLine(string.Create(invariant, $"{Seconds(time)},{flow.Number},{window},{(threshold == int.MaxValue ? "" : threshold.ToString(invariant))}"));
                }
            }
        }

        using var queue = new StreamWriter(Path.Combine(folder, "queue.csv"));
        queue.WriteLine("time_s,frames,bytes");
        foreach ((SimTime time, int frames, long bytes) in Queue)
        {
            queue.WriteLine(string.Create(invariant, $"{Seconds(time)},{frames},{bytes}"));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => subscription.Dispose();

    private static string Seconds(SimTime time) => Seconds(time.SinceStart);

    private static string Seconds(SimDuration duration) => duration.TotalSeconds.ToString("0.############", CultureInfo.InvariantCulture);

    private void SampleThroughput()
    {
        SampleTimes.Add(simulation.Now);
        foreach (FlowRecord flow in Flows)
        {
            flow.BytesAtSample.Add(flow.BytesReceived);
        }
    }

    private void SampleQueue() => Queue.Add((simulation.Now, bottleneck.QueuedFrames, bottleneck.From.QueueDiscipline.Bytes));

    // Runs sample every interval from one interval on, the last time at or before the end.
    private void Repeat(SimDuration interval, Action sample)
    {
        void Tick()
        {
            sample();
            if (simulation.Now + interval <= end)
            {
                simulation.Schedule(interval, Tick);
            }
        }

        if (SimTime.Zero + interval <= end)
        {
            simulation.ScheduleAt(SimTime.Zero + interval, Tick);
        }
    }
}
