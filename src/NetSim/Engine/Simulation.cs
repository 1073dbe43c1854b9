using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NetSim.Engine;

/// <summary>
/// A discrete-event simulation: a clock, the events scheduled on it, and the loop that
/// runs them in order. Everything in a simulated network belongs to one
/// <see cref="Simulation"/>; there is nothing static or global.
/// </summary>
/// <remarks>
/// <para>
/// Events run in order of time, and events at the same instant run in the order they were
/// scheduled, so a run is a pure function of the model, its inputs and <see cref="Seed"/>.
/// The simulation is single-threaded: schedule, cancel and run from one thread.
/// </para>
/// <para>
/// There are two ways to schedule. The hot-path form,
/// <see cref="Schedule(SimDuration, IEventTarget, int, long)"/>, stores a target, a kind
/// and an argument, and allocates nothing to schedule or to run. The convenience form,
/// <see cref="Schedule(SimDuration, Action)"/>, takes a delegate (and allocates).
/// </para>
/// </remarks>
public sealed class Simulation
{
    private readonly EventQueue queue = new();
    private readonly HashSet<string> randomSourceNames = new(StringComparer.Ordinal);
    private readonly ILogger logger;
    private int cancelledPending;
    private int backgroundPending;
    private const int BackgroundKind = int.MinValue; // the sign bit of an event's kind marks a background event
    private bool stopRequested;
    private SimulationSynchronizationContext? context;
    private SimulationTimeProvider? timeProvider;
    private ExceptionDispatchInfo? failure;

    /// <summary>Creates a simulation at time zero with no events.</summary>
    /// <param name="seed">The seed every random source of this simulation is derived from.</param>
    /// <param name="loggerFactory">Where log messages go; none are written when null.</param>
    public Simulation(ulong seed = 0, ILoggerFactory? loggerFactory = null)
    {
        Seed = seed;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        logger = LoggerFactory.CreateLogger<Simulation>();
    }

    /// <summary>The seed every random source of this simulation is derived from.</summary>
    public ulong Seed { get; }

    /// <summary>The logger factory that the simulation and its components log through.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The current simulated time: the time of the event being run, or of the last one run.</summary>
    public SimTime Now { get; private set; }

    /// <summary>How many events have run so far. Cancelled events are not counted.</summary>
    public long EventsExecuted { get; private set; }

    /// <summary>How many events are scheduled and neither run nor cancelled.</summary>
    public int PendingEvents => queue.Count - cancelledPending;

    /// <summary>How many of the <see cref="PendingEvents"/> are background events (see <see cref="ScheduleBackground"/>).</summary>
    public int PendingBackgroundEvents => backgroundPending;

    /// <summary>
    /// This simulation's clock as a <see cref="System.TimeProvider"/>, for .NET's timing APIs
    /// in application code: <c>await Task.Delay(delay, sim.TimeProvider)</c> resumes at
    /// <see cref="Now"/> + delay, <c>new PeriodicTimer(period, sim.TimeProvider)</c> ticks in
    /// simulated time, <c>new CancellationTokenSource(delay, sim.TimeProvider)</c> cancels in
    /// simulated time. Its timers are events of this simulation (see <see cref="SimulationTimeProvider"/>).
    /// </summary>
    public SimulationTimeProvider TimeProvider => timeProvider ??= new SimulationTimeProvider(this);

    /// <summary>True while <see cref="Run()"/>, <see cref="RunUntil(SimTime)"/> or <see cref="RunFor(SimDuration)"/> is running events.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>
    /// Raised when a run is about to start, before any event: the networks built on this
    /// simulation check their topology here. An exception thrown by a handler stops the run
    /// before it starts and comes out of the <c>Run</c> call.
    /// </summary>
    internal event Action? RunStarting;

    /// <summary>
    /// Schedules <paramref name="target"/>'s <see cref="IEventTarget.OnEvent"/> to run
    /// <paramref name="delay"/> from now. Allocates nothing.
    /// </summary>
    /// <param name="delay">How long from now; zero runs it after the events already scheduled for now.</param>
    /// <param name="target">Who runs the event.</param>
    /// <param name="kind">Passed to the target: what happened.</param>
    /// <param name="argument">Passed to the target: to what.</param>
    /// <returns>A handle to cancel the event with.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative, or <paramref name="kind"/> is negative (the sign bit marks background events).</exception>
    /// <exception cref="OverflowException">The event's time is after <see cref="SimTime.MaxValue"/>.</exception>
    public EventHandle Schedule(SimDuration delay, IEventTarget target, int kind = 0, long argument = 0)
    {
        if (delay < SimDuration.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(delay),
                $"Cannot schedule an event at {Now.SinceStart + delay} (a delay of {delay}): the simulation is already at {Now}.");
        }

        return ScheduleAt(Now + delay, target, kind, argument);
    }

    /// <summary>
    /// Schedules <paramref name="target"/>'s <see cref="IEventTarget.OnEvent"/> to run at
    /// <paramref name="time"/>. Allocates nothing.
    /// </summary>
    /// <returns>A handle to cancel the event with.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before <see cref="Now"/>, or <paramref name="kind"/> is negative (the sign bit marks background events).</exception>
    public EventHandle ScheduleAt(SimTime time, IEventTarget target, int kind = 0, long argument = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(kind);
        if (time < Now)
        {
            ThrowInPast(time);
        }

        return queue.Enqueue(time.Picoseconds, target, kind, argument);
    }

    /// <summary>
    /// Schedules a background event: housekeeping such as removing expired table entries.
    /// It runs in time order like any other event when the run reaches its time, but it does
    /// not keep <see cref="Run()"/> going: <see cref="Run()"/> returns when only background events
    /// are left. It cannot be cancelled (the target checks at run time whether it is still
    /// needed). Allocates nothing.
    /// </summary>
    /// <param name="time">When to run it; not before <see cref="Now"/>.</param>
    /// <param name="target">Who runs the event.</param>
    /// <param name="kind">Passed to the target: what happened (not negative).</param>
    /// <param name="argument">Passed to the target: to what.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before <see cref="Now"/>, or <paramref name="kind"/> is negative.</exception>
    public void ScheduleBackground(SimTime time, IEventTarget target, int kind = 0, long argument = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(kind);
        if (time < Now)
        {
            ThrowInPast(time);
        }

        _ = queue.Enqueue(time.Picoseconds, target, kind | BackgroundKind, argument);
        backgroundPending++;
    }

    /// <summary>Schedules <paramref name="action"/> to run <paramref name="delay"/> from now.</summary>
    /// <returns>A handle to cancel the event with.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    /// <exception cref="OverflowException">The event's time is after <see cref="SimTime.MaxValue"/>.</exception>
    public EventHandle Schedule(SimDuration delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Schedule(delay, new ActionTarget(action));
    }

    /// <summary>Schedules <paramref name="action"/> to run at <paramref name="time"/>.</summary>
    /// <returns>A handle to cancel the event with.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before <see cref="Now"/>.</exception>
    public EventHandle ScheduleAt(SimTime time, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduleAt(time, new ActionTarget(action));
    }

    /// <summary>
    /// Cancels a scheduled event in O(1): it will not run and will not count as executed.
    /// Safe to call twice, after the event ran, or with <see cref="EventHandle.None"/>.
    /// </summary>
    /// <returns>True when the event was pending and is now cancelled.</returns>
    public bool Cancel(EventHandle handle)
    {
        if (!queue.Cancel(handle))
        {
            return false;
        }

        cancelledPending++;
        return true;
    }

    /// <summary>
    /// The time of the earliest event waiting in the queue, cancelled ones included (they leave
    /// it when their time comes), or null when none waits: where a parallel run's next window starts.
    /// </summary>
    internal SimTime? NextEventTime => queue.TryPeekTime(out long time) ? SimTime.FromPicoseconds(time) : null;

    /// <summary>True when the last run returned because <see cref="Stop"/> was called.</summary>
    internal bool WasStopped => stopRequested && !IsRunning;

    /// <summary>True when the event is scheduled and has neither run nor been cancelled.</summary>
    public bool IsPending(EventHandle handle) => queue.IsPending(handle);

    /// <summary>
    /// Runs events until none are left but background ones (<see cref="ScheduleBackground"/>)
    /// or <see cref="Stop"/> is called. <see cref="Now"/> is then the time of the last event run.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void Run() => RunCore(SimTime.MaxValue, advanceClockToLimit: false, progress: null);

    /// <summary>
    /// <see cref="Run()"/>, reporting to <paramref name="progress"/> how far it has come
    /// every <paramref name="reportInterval"/> of wall-clock time, and once more when it
    /// returns (<see cref="SimulationProgress.IsFinal"/>). A run has no stop time, so
    /// <see cref="SimulationProgress.Fraction"/> and <see cref="SimulationProgress.EstimatedTimeLeft"/> are null.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The reports are for the person waiting; they change nothing in the run: the same events
    /// run at the same simulated times with or without them. The wall clock is read only every
    /// 1024 events, so a report can come a little after its interval. With no
    /// <paramref name="progress"/> (null), the loop is the one of <see cref="Run()"/> and costs nothing more.
    /// </para>
    /// <para>
    /// <see cref="IProgress{T}.Report"/> is called on the simulation's thread, inside the run.
    /// A <see cref="Progress{T}"/> created inside a simulated application would post its
    /// handler into the simulation as an event; create it outside, or implement
    /// <see cref="IProgress{T}"/> directly.
    /// </para>
    /// </remarks>
    /// <param name="progress">Where to report; null reports nothing.</param>
    /// <param name="reportInterval">How often to report, in wall-clock time; one second when null.</param>
    /// <param name="wallClock">The wall clock to measure with; the machine's (<c>TimeProvider.System</c>) when null. Tests give a fake one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reportInterval"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void Run(IProgress<SimulationProgress>? progress, TimeSpan? reportInterval = null, TimeProvider? wallClock = null) =>
        RunCore(SimTime.MaxValue, advanceClockToLimit: false, progress, reportInterval, wallClock);

    /// <summary>
    /// Runs every event whose time is at or before <paramref name="limit"/> (events at
    /// exactly <paramref name="limit"/> do run), then sets <see cref="Now"/> to
    /// <paramref name="limit"/>. If <see cref="Stop"/> is called first, it returns at once
    /// and <see cref="Now"/> stays at the time of the event that called it. Later events
    /// stay scheduled, so the run can be continued.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is before <see cref="Now"/>.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void RunUntil(SimTime limit)
    {
        if (limit < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Cannot run until {limit}: the simulation is already at {Now}.");
        }

        RunCore(limit, advanceClockToLimit: true, progress: null);
    }

    /// <summary>
    /// <see cref="RunUntil(SimTime)"/>, reporting to <paramref name="progress"/> how far it has
    /// come every <paramref name="reportInterval"/> of wall-clock time, and once more when it
    /// returns (<see cref="SimulationProgress.IsFinal"/>): the simulated time reached, the
    /// fraction of the way from where the run started to <paramref name="limit"/>, and an
    /// estimate of the wall-clock time left. See <see cref="Run(IProgress{SimulationProgress}, TimeSpan?, TimeProvider?)"/>
    /// for what the reports may and may not do.
    /// </summary>
    /// <param name="limit">The stop time.</param>
    /// <param name="progress">Where to report; null reports nothing.</param>
    /// <param name="reportInterval">How often to report, in wall-clock time; one second when null.</param>
    /// <param name="wallClock">The wall clock to measure with; the machine's (<c>TimeProvider.System</c>) when null. Tests give a fake one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is before <see cref="Now"/>, or <paramref name="reportInterval"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void RunUntil(SimTime limit, IProgress<SimulationProgress>? progress, TimeSpan? reportInterval = null, TimeProvider? wallClock = null)
    {
        if (limit < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Cannot run until {limit}: the simulation is already at {Now}.");
        }

        RunCore(limit, advanceClockToLimit: true, progress, reportInterval, wallClock);
    }

    /// <summary>Runs for <paramref name="duration"/> of simulated time: <c>RunUntil(Now + duration)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void RunFor(SimDuration duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, SimDuration.Zero);
        RunUntil(Now + duration);
    }

    /// <summary>
    /// <see cref="RunFor(SimDuration)"/>, reporting to <paramref name="progress"/> as
    /// <see cref="RunUntil(SimTime, IProgress{SimulationProgress}, TimeSpan?, TimeProvider?)"/> does.
    /// </summary>
    /// <param name="duration">How much simulated time to run.</param>
    /// <param name="progress">Where to report; null reports nothing.</param>
    /// <param name="reportInterval">How often to report, in wall-clock time; one second when null.</param>
    /// <param name="wallClock">The wall clock to measure with; the machine's (<c>TimeProvider.System</c>) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> or <paramref name="reportInterval"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void RunFor(SimDuration duration, IProgress<SimulationProgress>? progress, TimeSpan? reportInterval = null, TimeProvider? wallClock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, SimDuration.Zero);
        RunUntil(Now + duration, progress, reportInterval, wallClock);
    }

    /// <summary>
    /// Asks the running loop to return after the current event. Meant to be called from
    /// inside an event; outside a run it does nothing. The remaining events stay scheduled.
    /// </summary>
    public void Stop()
    {
        if (IsRunning)
        {
            stopRequested = true;
            SimulationLog.StopRequested(logger, Now);
        }
    }

    /// <summary>
    /// Creates the random source named <paramref name="name"/>, derived from <see cref="Seed"/>
    /// and the name alone: adding a component with a stream of its own changes no other
    /// component's numbers. Give each component a name of its own, such as
    /// "cable:pc1-switch/loss".
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, or a stream of that name was already created.</exception>
    public RandomSource CreateRandomSource(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!randomSourceNames.Add(name))
        {
            throw new ArgumentException(
                $"A random source named '{name}' was already created in this simulation; two components sharing one name would draw the same numbers.",
                nameof(name));
        }

        SimulationLog.RandomSourceCreated(logger, Now, name);
        return RandomSource.ForName(Seed, name);
    }

    private void RunCore(SimTime limit, bool advanceClockToLimit, IProgress<SimulationProgress>? progress, TimeSpan? reportInterval = null, TimeProvider? wallClock = null)
    {
        if (reportInterval is { } interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero, nameof(reportInterval));
        }

        if (IsRunning)
        {
            throw new InvalidOperationException("The simulation is already running: Run, RunUntil and RunFor cannot be called from inside an event.");
        }

        RunStarting?.Invoke();
        IsRunning = true;
        stopRequested = false;
        SynchronizationContext? previousContext = SynchronizationContext.Current;
        context ??= new SimulationSynchronizationContext(this);
        context.RunningThread = Environment.CurrentManagedThreadId;
        SynchronizationContext.SetSynchronizationContext(context);
        long executedBefore = EventsExecuted;
        SimulationLog.RunStarting(logger, Now, PendingEvents);
        bool traceEvents = logger.IsEnabled(LogLevel.Trace); // read once: the loop stays free of logging calls
        try
        {
            long limitPicoseconds = limit.Picoseconds;
            ProgressReporter reporter = default;
            if (progress is null)
            {
                // The loop without progress: NoObserver's empty AfterEvent is inlined away, so this is the plain loop.
                NoObserver none = default;
                RunEvents(limitPicoseconds, advanceClockToLimit, traceEvents, ref none);
            }
            else
            {
                reporter = new ProgressReporter(progress, reportInterval ?? TimeSpan.FromSeconds(1), wallClock ?? SystemWallClock(), Now, advanceClockToLimit ? limit : null, executedBefore);
                RunEvents(limitPicoseconds, advanceClockToLimit, traceEvents, ref reporter);
            }

            if (failure is { } failed)
            {
                failure = null;
                failed.Throw(); // an application started with Start threw: its exception, as it was thrown
            }

            if (advanceClockToLimit && !stopRequested)
            {
                Now = limit;
            }

            if (progress is not null)
            {
                reporter.Report(this, reporter.WallClock.GetTimestamp(), isFinal: true);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
            IsRunning = false;
            SimulationLog.RunEnded(logger, Now, EventsExecuted - executedBefore, stopRequested ? "stopped" : PendingEvents == 0 ? "no events left" : PendingEvents == backgroundPending && !advanceClockToLimit ? "only background events left" : "limit reached");
        }
    }

    // The run loop, specialized by the JIT for each observer type (a struct): with NoObserver it is
    // the loop with nothing added; with ProgressReporter, one test of the event count per event.
    private void RunEvents<TObserver>(long limitPicoseconds, bool advanceClockToLimit, bool traceEvents, ref TObserver observer)
        where TObserver : struct, IRunObserver
    {
        // unchecked: the event count cannot reach 2^63, and the Scheduler benchmark showed the loop's checks cost about 10% (benchmarks/README.md). SimTime arithmetic checks itself.
        unchecked
        {
            bool onlyBackgroundLeft = !advanceClockToLimit && backgroundPending != 0 && queue.Count - cancelledPending == backgroundPending;
            while (!onlyBackgroundLeft && queue.TryDequeue(limitPicoseconds, out long time, out IEventTarget? target, out int kind, out long argument))
            {
                if (target is null)
                {
                    cancelledPending--;
                    continue;
                }

                if (kind < 0)
                {
                    backgroundPending--;
                    kind &= ~BackgroundKind;
                }

                Now = SimTime.FromPicoseconds(time);
                EventsExecuted++;
                if (traceEvents)
                {
                    SimulationLog.EventRunning(logger, Now, target, kind, argument);
                }

                target.OnEvent(kind, argument);
                if (stopRequested || (backgroundPending != 0 && !advanceClockToLimit && queue.Count - cancelledPending == backgroundPending))
                {
                    break; // stopped, or Run with only background events left
                }

                observer.AfterEvent(this);
            }
        }
    }

    // Progress reporting is the one use of the machine's clock in the library: the reports are
    // for the person waiting, and nothing the simulation does reads them.
#pragma warning disable RS0030 // TimeProvider.System: progress reports measure wall-clock time by design; no simulated value depends on it
    private static TimeProvider SystemWallClock() => System.TimeProvider.System;
#pragma warning restore RS0030

    /// <summary>
    /// A task that completes <paramref name="delay"/> from now in simulated time: the
    /// <c>Task.Delay</c> of application code (<c>await sim.Delay(...)</c>), as is
    /// <c>Task.Delay(delay, sim.TimeProvider)</c>. Never use <c>Task.Delay</c> without
    /// <see cref="TimeProvider"/> in a simulation: it waits in wall-clock time, on another thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public Task Delay(SimDuration delay)
    {
        var promise = new DelayPromise();
        Schedule(delay, promise);
        return promise.Task;
    }

    /// <summary>
    /// Starts an application: <paramref name="application"/> is called at the current
    /// simulated time, inside an event, and its <c>await</c>s continue as events of this
    /// simulation, so it runs on simulated time and deterministically. If it throws, the
    /// run stops and <see cref="Run()"/> (or <see cref="RunUntil(SimTime)"/>) throws its exception.
    /// Returns a task that completes when the application does.
    /// </summary>
    /// <example><code>
    /// sim.Start(async () =>
    /// {
    ///     await sim.Delay(SimDuration.FromSeconds(1));
    ///     Console.WriteLine($"{sim.Now}: one simulated second later");
    /// });
    /// sim.Run();
    /// </code></example>
    public Task Start(Func<Task> application)
    {
        ArgumentNullException.ThrowIfNull(application);
        var started = new StartedApplication(this, application);
        Schedule(SimDuration.Zero, started);
        return started.Completion.Task;
    }

    private void Fail(Exception exception)
    {
        failure ??= ExceptionDispatchInfo.Capture(exception);
        Stop();
    }

    private void ThrowInPast(SimTime time) =>
        throw new ArgumentOutOfRangeException(nameof(time), $"Cannot schedule an event at {time}: the simulation is already at {Now}.");

    // The event that completes a Delay.
    // Continuations never run inside the event that completes a task: they are posted, as events of their own.
    private sealed class DelayPromise() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IEventTarget
    {
        public void OnEvent(int kind, long argument) => TrySetResult();

        public override string ToString() => "delay";
    }

    // The event that starts an application, and what it becomes.
    private sealed class StartedApplication(Simulation simulation, Func<Task> application) : IEventTarget
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnEvent(int kind, long argument) => _ = RunAsync();

        public override string ToString() => $"start {application.Method.Name}";

        private async Task RunAsync()
        {
            try
            {
                await application();
                Completion.SetResult();
            }
            catch (Exception exception)
            {
                Completion.SetException(exception);
                simulation.Fail(exception);
            }
        }
    }

    // What the run loop calls after each event. A struct, so that RunEvents is compiled once per observer.
    private interface IRunObserver
    {
        void AfterEvent(Simulation simulation);
    }

    // No observer: the loop as it was.
    private struct NoObserver : IRunObserver
    {
        public readonly void AfterEvent(Simulation simulation)
        {
        }
    }

    // Reports progress at a wall-clock interval. The clock is read once every CheckEvery events
    // (a mask of the event count the loop keeps anyway), so the cost per event is one test.
    private struct ProgressReporter(IProgress<SimulationProgress> progress, TimeSpan interval, TimeProvider wallClock, SimTime start, SimTime? stop, long executedBefore) : IRunObserver
    {
        private const long CheckEvery = 1024; // a power of two
        private readonly long startTimestamp = wallClock.GetTimestamp();
        private readonly long intervalTicks = (long)Math.Min(interval.TotalSeconds * wallClock.TimestampFrequency, long.MaxValue / 4.0);
        private long nextReport = long.MinValue;

        public readonly TimeProvider WallClock => wallClock;

        public void AfterEvent(Simulation simulation)
        {
            if ((simulation.EventsExecuted & (CheckEvery - 1)) == 0)
            {
                CheckWallClock(simulation);
            }
        }

        public readonly void Report(Simulation simulation, long timestamp, bool isFinal)
        {
            TimeSpan wallTime = wallClock.GetElapsedTime(startTimestamp, timestamp);
            long events = simulation.EventsExecuted - executedBefore;
            double? fraction = null;
            TimeSpan? left = null;
            if (stop is { } end)
            {
                long total = (end - start).Picoseconds;
                long done = (simulation.Now - start).Picoseconds;
                double f = total == 0 ? 1.0 : Math.Clamp((double)done / total, 0.0, 1.0);
                fraction = f;
                if (isFinal)
                {
                    left = TimeSpan.Zero;
                }
                else if (f > 0)
                {
                    // Simulated time so far took wallTime; the rest, at the same rate, takes wallTime * (1 - f) / f.
                    left = TimeSpan.FromSeconds(Math.Min(wallTime.TotalSeconds * (1 - f) / f, TimeSpan.MaxValue.TotalSeconds / 2));
                }
            }
            else if (isFinal)
            {
                left = TimeSpan.Zero;
            }

            double perSecond = wallTime > TimeSpan.Zero ? events / wallTime.TotalSeconds : 0;
            progress.Report(new SimulationProgress(simulation.Now, fraction, events, wallTime, perSecond, left, isFinal));
        }

        [MethodImpl(MethodImplOptions.NoInlining)] // off the loop's fast path
        private void CheckWallClock(Simulation simulation)
        {
            long now = wallClock.GetTimestamp();
            if (nextReport == long.MinValue)
            {
                nextReport = startTimestamp + intervalTicks;
            }

            if (now >= nextReport)
            {
                nextReport = now + intervalTicks;
                Report(simulation, now, isFinal: false);
            }
        }
    }

    // The convenience form's event: one small object per scheduled delegate.
    private sealed class ActionTarget(Action action) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => action();

        public override string ToString() => action.Method.Name;
    }
}
