using System.Collections.Concurrent;
using System.Globalization;

namespace NetSim.Experiments;

/// <summary>
/// Many independent runs of a simulation on all cores: every point of a parameter grid, each
/// replicated with its own seed, and each measured result summarised across the replications
/// of its point with a mean and a 95% confidence interval (Student's t). Most users' first use
/// of many cores: the runs share nothing, so runs that allocate little scale with the cores (benchmarks/README.md,
/// "Parallel: sweeps": 1.86x on 2 cores; runs that allocate megabytes are held back by the garbage collector).
/// </summary>
/// <remarks>
/// <para>
/// Determinism: a run's seed depends on the sweep's <see cref="SweepOptions.Seed"/> and the
/// replication's number only (<see cref="SeedOf"/>), not on the point nor on which thread runs
/// it or when, so replication <c>r</c> of every point draws the same random numbers (common
/// random numbers, which make the points' differences sharper). Results are kept by point and
/// replication, so the same sweep gives the same result on one core or sixteen.
/// </para>
/// <para>
/// Each run must build its own <see cref="Engine.Simulation"/> and network: a simulation is
/// single-threaded, and runs go to threads of the thread pool.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// SweepResult result = Sweep.Run(
///     new SweepOptions { Replications = 10, Parameters = [new SweepParameter("loss", ["0", "0.01", "0.02"])] },
///     run =>
///     {
///         var sim = new Simulation(run.Seed);
///         // ... build, with run.Parameters["loss"] ...
///         sim.Run();
///         return new Dictionary&lt;string, double&gt; { ["throughput_mbps"] = measured };
///     });
/// Console.Write(result.FormatTable());
/// </code>
/// </example>
public static class Sweep
{
    /// <summary>
    /// Runs <paramref name="run"/> once per replication of every point of the grid, on up to
    /// <see cref="SweepOptions.MaxDegreeOfParallelism"/> threads, and summarises each result.
    /// </summary>
    /// <param name="options">The grid, the replications, the seed and the parallelism.</param>
    /// <param name="run">One run: builds its own simulation with <see cref="SweepRun.Seed"/>, runs it, and returns what it measured, by name. Runs of one point should return the same names.</param>
    /// <returns>Every point's runs and statistics, in the grid's order.</returns>
    /// <exception cref="AggregateException">A run threw; the exceptions of the runs that threw, in no particular order.</exception>
    public static SweepResult Run(SweepOptions options, Func<SweepRun, IReadOnlyDictionary<string, double>> run)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        List<Dictionary<string, string>> points = Grid(options.Parameters);
        int replications = options.Replications;
        var results = new IReadOnlyDictionary<string, double>[points.Count * replications];
        var failures = new ConcurrentQueue<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };

        // Independent simulations on threads of their own: each run is deterministic by itself, and its result
        // goes to its own slot, so neither the order the threads finish in nor their number changes anything.
        Parallel.For(0, results.Length, parallel, i =>
        {
            int point = i / replications, replication = i % replications;
            try
            {
                results[i] = run(new SweepRun(point, points[point], replication, SeedOf(options.Seed, replication)));
            }
            catch (Exception e)
            {
                failures.Enqueue(new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Run {replication} of point {point} ({Describe(points[point])}) failed: {e.Message}"), e));
            }
        });
        if (!failures.IsEmpty)
        {
            throw new AggregateException("A run of the sweep failed.", failures);
        }

        return new SweepResult(
            [.. points.Select((parameters, point) =>
            {
                IReadOnlyDictionary<string, double>[] runs = results[(point * replications)..((point + 1) * replications)];
                return new SweepPointResult(parameters, runs, Summarise(runs));
            })]);
    }

    /// <summary>
    /// The seed of replication <paramref name="replication"/> of a sweep seeded with
    /// <paramref name="seed"/>: SplitMix64 of the two, so neighbouring replications get unrelated
    /// seeds, and a replication's seed is the same whatever the grid.
    /// </summary>
    /// <param name="seed">The sweep's seed.</param>
    /// <param name="replication">The replication's number, from 0.</param>
    /// <returns>The run's seed.</returns>
    public static ulong SeedOf(ulong seed, int replication)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replication);
        unchecked
        {
            ulong z = seed + ((ulong)(replication + 1) * 0x9E3779B97F4A7C15); // SplitMix64 (Steele, Lea, Flood 2014)
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Every combination of the parameters' values, the first parameter varying slowest; one empty point without parameters.</summary>
    private static List<Dictionary<string, string>> Grid(IReadOnlyList<SweepParameter> parameters)
    {
        List<Dictionary<string, string>> points = [new(StringComparer.Ordinal)];
        foreach (SweepParameter parameter in parameters)
        {
            if (points[0].ContainsKey(parameter.Name))
            {
                throw new ArgumentException($"The parameter '{parameter.Name}' is given twice.", nameof(parameters));
            }

            points = [.. points.SelectMany(point => parameter.Values.Select(value => new Dictionary<string, string>(point, StringComparer.Ordinal) { [parameter.Name] = value }))];
        }

        return points;
    }

    private static Dictionary<string, SweepStatistic> Summarise(IReadOnlyDictionary<string, double>[] runs)
    {
        var names = new List<string>();
        foreach (string name in runs.SelectMany(r => r.Keys))
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names.ToDictionary(
            name => name,
            name => SweepStatistic.Of([.. runs.Where(r => r.ContainsKey(name)).Select(r => r[name])]),
            StringComparer.Ordinal);
    }

    internal static string Describe(IReadOnlyDictionary<string, string> point) =>
        point.Count == 0 ? "no parameters" : string.Join(", ", point.Select(p => $"{p.Key}={p.Value}"));
}
