namespace NetSim.Engine;

/// <summary>
/// A <see cref="System.TimeProvider"/> on a simulation's clock, so that .NET's own timing
/// APIs run in simulated time: <c>Task.Delay(delay, sim.TimeProvider)</c>,
/// <c>new PeriodicTimer(period, sim.TimeProvider)</c>,
/// <c>new CancellationTokenSource(delay, sim.TimeProvider)</c>,
/// <c>task.WaitAsync(timeout, sim.TimeProvider)</c>. Get it from
/// <see cref="Simulation.TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Nothing here reads the wall clock. <see cref="GetUtcNow"/> is <see cref="Epoch"/> plus
/// <see cref="Simulation.Now"/> (cut to the 100 ns tick of a <see cref="DateTimeOffset"/>);
/// the local time zone is UTC, so local times do not depend on the machine.
/// A timestamp (<see cref="GetTimestamp"/>) is <see cref="SimTime.Picoseconds"/>, with
/// <see cref="TimestampFrequency"/> 10^12 per second.
/// </para>
/// <para>
/// A timer (<see cref="CreateTimer"/>) is an event of the simulation: its callback runs
/// on the simulation's thread, inside the run, at the simulated time it is due, in the
/// order of the events at that instant; a periodic one schedules its next tick before
/// calling back. Timers are ordinary events, not background ones: a pending
/// <c>Task.Delay</c>, timeout or periodic timer keeps <see cref="Simulation.Run()"/> going,
/// as it is the application's work. So dispose a periodic timer (or its
/// <see cref="PeriodicTimer"/>) when done, or bound the run with
/// <see cref="Simulation.RunUntil(SimTime)"/>. A timer can be made before a run: it waits, as any
/// event, for the run to reach its time. A due time the simulation cannot reach (past
/// <see cref="SimTime.MaxValue"/>) never comes, and schedules nothing.
/// </para>
/// <para>
/// As with a .NET timer, the callback runs with no <see cref="SynchronizationContext"/>:
/// so a task it completes (a <c>Task.Delay</c>) resumes code that awaited it with
/// <c>ConfigureAwait(false)</c> at once, on the simulation's thread, and posts the
/// continuations of application code (which captured the simulation's context) as events
/// at the same instant. To start application work from a callback, use
/// <see cref="Simulation.Start"/>: an <c>await</c> inside the callback itself would not
/// come back to the simulation.
/// </para>
/// <para>
/// A timer's times are its <see cref="TimeSpan"/>s' 100 ns ticks, exactly, and so are
/// <see cref="PeriodicTimer"/>'s and <see cref="CancellationTokenSource"/>'s. But
/// <c>Task.Delay</c> and <c>Task.WaitAsync</c> cut their <see cref="TimeSpan"/> to whole
/// milliseconds before they ask for a timer (.NET does, whatever the provider); for a finer
/// delay use <see cref="Simulation.Delay"/>.
/// </para>
/// <para>
/// Create, change and dispose timers from the simulation's thread, as every call into a
/// simulation. Awaiting a delay outside a run (on a test's thread, say) waits forever:
/// nothing moves the clock but a run.
/// </para>
/// </remarks>
public sealed class SimulationTimeProvider : TimeProvider
{
    private const long PicosecondsPerSecond = 1_000_000_000_000;
    private const long PicosecondsPerTick = PicosecondsPerSecond / TimeSpan.TicksPerSecond;
    private readonly Simulation simulation;

    internal SimulationTimeProvider(Simulation simulation) => this.simulation = simulation;

    /// <summary>
    /// The wall-clock instant that simulated time zero stands for: the Unix epoch,
    /// 1970-01-01T00:00:00Z, the origin the pcap writer's timestamps count from too.
    /// </summary>
    public static DateTimeOffset Epoch => DateTimeOffset.UnixEpoch;

    /// <summary>UTC: a simulation's local time does not depend on the machine it runs on.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>10^12: a timestamp counts picoseconds, as <see cref="SimTime"/> does.</summary>
    public override long TimestampFrequency => PicosecondsPerSecond;

    /// <summary><see cref="Epoch"/> plus the simulated time, <see cref="Simulation.Now"/>, cut to a 100 ns tick.</summary>
    public override DateTimeOffset GetUtcNow() => Epoch + simulation.Now.ToTimeSpan();

    /// <summary>The simulated time in picoseconds since the start (<see cref="SimTime.Picoseconds"/> of <see cref="Simulation.Now"/>).</summary>
    public override long GetTimestamp() => simulation.Now.Picoseconds;

    /// <summary>
    /// Creates a timer whose <paramref name="callback"/> runs as an event of the simulation,
    /// <paramref name="dueTime"/> from now in simulated time and then every
    /// <paramref name="period"/>.
    /// </summary>
    /// <param name="callback">Called on the simulation's thread at each due time, with <paramref name="state"/>.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <param name="dueTime">How long from now the first call is; <see cref="Timeout.InfiniteTimeSpan"/> for never (until <see cref="ITimer.Change"/>).</param>
    /// <param name="period">The time between calls; <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> for one call only.</param>
    /// <returns>The timer; <see cref="ITimer.Change"/> moves it, <see cref="IDisposable.Dispose"/> cancels it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueTime"/> or <paramref name="period"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimulationTimer(simulation, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>A timer as an event target: one pending event at most, moved by cancel and reschedule.</summary>
    private sealed class SimulationTimer(Simulation simulation, TimerCallback callback, object? state) : ITimer, IEventTarget
    {
        private const long Never = long.MaxValue;
        private static readonly ContextCallback CallInContext = static timer => ((SimulationTimer)timer!).Call();

        // Captured as a System.Threading.Timer does, so AsyncLocal values flow to the callback unless the creator suppressed the flow (Task.Delay does).
        private readonly ExecutionContext? context = ExecutionContext.Capture();
        private EventHandle pending;
        private long period; // in picoseconds; zero: no repeat
        private bool disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateTimeSpan(dueTime, nameof(dueTime));
            ValidateTimeSpan(period, nameof(period));
            if (disposed)
            {
                return false;
            }

            simulation.Cancel(pending);
            pending = EventHandle.None;
            this.period = period == Timeout.InfiniteTimeSpan ? 0 : ToPicoseconds(period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                ScheduleIn(ToPicoseconds(dueTime));
            }

            return true;
        }

        public void Dispose()
        {
            disposed = true;
            simulation.Cancel(pending);
            pending = EventHandle.None;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void OnEvent(int kind, long argument)
        {
            pending = EventHandle.None;
            if (period > 0)
            {
                ScheduleIn(period); // before the callback, which may change or dispose the timer
            }

            // As a .NET timer's, the callback runs with no synchronization context: a task it completes
            // (Task.Delay's) then runs ConfigureAwait(false) continuations inline, on this thread, instead of
            // queueing them to the thread pool, and posts those that captured the simulation's context to it.
            SynchronizationContext? synchronizationContext = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                if (context is null)
                {
                    Call();
                }
                else
                {
                    ExecutionContext.Run(context, CallInContext, this);
                }
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(synchronizationContext);
            }
        }

        public override string ToString() => $"timer {callback.Method.Name}";

        private void Call() => callback(state);

        private void ScheduleIn(long picoseconds)
        {
            if (picoseconds == Never || picoseconds > SimTime.MaxValue.Picoseconds - simulation.Now.Picoseconds)
            {
                return; // after the end of simulated time: it never comes
            }

            pending = simulation.Schedule(SimDuration.FromPicoseconds(picoseconds), this);
        }

        // A TimeSpan's 100 ns ticks in picoseconds, or Never past the range (no whole number of ticks is long.MaxValue picoseconds).
        private static long ToPicoseconds(TimeSpan value) =>
            value.Ticks > long.MaxValue / PicosecondsPerTick ? Never : value.Ticks * PicosecondsPerTick;

        private static void ValidateTimeSpan(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, "A timer's due time and period must be zero or more, or Timeout.InfiniteTimeSpan.");
            }
        }
    }
}
