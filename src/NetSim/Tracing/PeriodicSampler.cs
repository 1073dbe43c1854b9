using NetSim.Engine;
// Design: one timer for many series, as ns-3's periodic probes or OMNeT++'s statistics
// recorded at a fixed interval. The ticks are background events (the simulation's housekeeping
// kind, like ARP expiry), so a sampler never keeps an otherwise finished Run() going; a stop
// time ends it earlier, and RunUntil samples up to its limit. A rate is the difference of a
// counter over the last interval: the counter is read at each tick, nothing per frame.

namespace NetSim.Tracing;

/// <summary>
/// Samples values every <see cref="Interval"/> of simulated time into <see cref="TimeSeries"/>:
/// a value as it is at each tick (<see cref="Sample"/>), or the change of a counter over the
/// last interval as a rate (<see cref="SampleRate"/>), such as a port's throughput (see
/// <c>Port.ProbeThroughput</c>) or a flow's (<see cref="SampleThroughput"/>).
/// </summary>
/// <remarks>
/// <para>
/// The first tick is one interval after the sampler is made, then one every interval. A rate
/// series added between two ticks records at the next tick what its counter grew since it was
/// added, divided by a whole interval: add every series before the traffic starts.
/// </para>
/// <para>
/// The ticks are background events (see <see cref="Simulation.ScheduleBackground"/>):
/// <see cref="Simulation.Run()"/> returns when only they are left, so the last tick is the
/// last one due before the last other event, and a partial last interval is not sampled.
/// <see cref="Simulation.RunUntil(SimTime)"/> samples every tick up to its limit. The sampler
/// stops for good after <see cref="StopAt"/>, when given, or on <see cref="Stop"/>.
/// </para>
/// </remarks>
public sealed class PeriodicSampler : IEventTarget
{
    private readonly Simulation simulation;
    private readonly List<Sampled> sampled = [];
    private readonly List<TimeSeries> series = [];
    private bool stopped;

    /// <summary>Creates a sampler that ticks every <paramref name="interval"/> from now, until <paramref name="stopAt"/> when given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive.</exception>
    public PeriodicSampler(Simulation simulation, SimDuration interval, SimTime? stopAt = null)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval.Picoseconds, 0, nameof(interval));
        this.simulation = simulation;
        Interval = interval;
        StopAt = stopAt;
        Schedule(simulation.Now + interval);
    }

    /// <summary>The simulated time between two samples.</summary>
    public SimDuration Interval { get; }

    /// <summary>The time of the last tick, when given: none after it.</summary>
    public SimTime? StopAt { get; }

    /// <summary>Every series the sampler fills, in the order they were added.</summary>
    public IReadOnlyList<TimeSeries> Series => series;

    /// <summary>Records the value <paramref name="read"/> returns at every tick.</summary>
    public TimeSeries Sample(string name, string unit, Func<double> read, int capacity = TimeSeries.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(read);
        return Add(new TimeSeries(name, unit, capacity), read, null, 0);
    }

    /// <summary>
    /// Records at every tick how fast <paramref name="counter"/> grew over the last interval:
    /// its increase times <paramref name="scale"/>, divided by the interval in seconds (bytes
    /// with a scale of 8 give bits per second).
    /// </summary>
    public TimeSeries SampleRate(string name, string unit, Func<long> counter, double scale = 1, int capacity = TimeSeries.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return Add(new TimeSeries(name, unit, capacity), null, counter, scale);
    }

    /// <summary>
    /// Records at every tick the throughput of the flow <paramref name="flow"/> measured by
    /// <paramref name="monitor"/>: the IP bytes it delivered over the last interval, in bit/s
    /// (zero before the flow's first packet).
    /// </summary>
    public TimeSeries SampleThroughput(FlowMonitor monitor, FlowKey flow, int capacity = TimeSeries.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return SampleRate($"{flow} throughput", "bit/s", () => monitor.BytesReceivedOf(flow), 8, capacity);
    }

    /// <summary>Stops sampling: no more ticks, and every series stops recording.</summary>
    public void Stop()
    {
        stopped = true;
        foreach (TimeSeries one in series)
        {
            one.Stop();
        }
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (stopped)
        {
            return;
        }

        SimTime now = simulation.Now;
        double seconds = Interval.TotalSeconds;
        foreach (Sampled one in sampled)
        {
            if (!one.Series.IsRecording)
            {
                continue;
            }

            if (one.Read is not null)
            {
                one.Series.Record(now, one.Read());
            }
            else
            {
                long value = one.Counter!();
                one.Series.Record(now, (value - one.Last) * one.Scale / seconds);
                one.Last = value;
            }
        }

        SimTime next = now + Interval;
        if (StopAt is not { } stop || next <= stop)
        {
            Schedule(next);
        }
    }

    private void Schedule(SimTime at)
    {
        if (StopAt is { } stop && at > stop)
        {
            return;
        }

        simulation.ScheduleBackground(at, this);
    }

    private TimeSeries Add(TimeSeries one, Func<double>? read, Func<long>? counter, double scale)
    {
        var entry = new Sampled(one, read, counter, scale) { Last = counter?.Invoke() ?? 0 };
        one.Attach(() => sampled.Remove(entry));
        sampled.Add(entry);
        series.Add(one);
        return one;
    }

    private sealed class Sampled(TimeSeries series, Func<double>? read, Func<long>? counter, double scale)
    {
        public TimeSeries Series { get; } = series;

        public Func<double>? Read { get; } = read;

        public Func<long>? Counter { get; } = counter;

        public double Scale { get; } = scale;

        public long Last { get; set; }
    }
}
