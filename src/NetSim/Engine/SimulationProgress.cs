namespace NetSim.Engine;

/// <summary>
/// How far a long run has come: what <see cref="Simulation.Run(IProgress{SimulationProgress}, TimeSpan?, TimeProvider?)"/>
/// and <see cref="Simulation.RunUntil(SimTime, IProgress{SimulationProgress}, TimeSpan?, TimeProvider?)"/> report
/// at a wall-clock interval, and once more when the run returns.
/// </summary>
/// <remarks>
/// The wall-clock values (<see cref="WallTime"/>, <see cref="EventsPerSecond"/>,
/// <see cref="EstimatedTimeLeft"/>) describe the machine, not the model: they differ from
/// run to run, and nothing in the simulation reads them.
/// </remarks>
/// <param name="Now">The simulated time reached: the time of the last event run (or the stop time, in the final report of a run that reached it).</param>
/// <param name="Fraction">
/// How much of the simulated time between the run's start and its stop time has passed, from 0 to 1;
/// null for <see cref="Simulation.Run()"/>, which has no stop time.
/// </param>
/// <param name="EventsExecuted">How many events this run has executed so far (not counting earlier runs).</param>
/// <param name="WallTime">How much wall-clock time this run has taken so far.</param>
/// <param name="EventsPerSecond">Events executed per second of wall-clock time, over the whole run so far; 0 before any wall time has passed.</param>
/// <param name="EstimatedTimeLeft">
/// The wall-clock time the run should still take, if simulated time keeps advancing at the
/// rate it has so far; null when there is no stop time or no simulated time has passed yet,
/// and zero in the final report.
/// </param>
/// <param name="IsFinal">True for the one report made when the run returns.</param>
public readonly record struct SimulationProgress(
    SimTime Now,
    double? Fraction,
    long EventsExecuted,
    TimeSpan WallTime,
    double EventsPerSecond,
    TimeSpan? EstimatedTimeLeft,
    bool IsFinal);
