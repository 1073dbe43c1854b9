using System.Globalization;
using System.Text;

namespace NetSim.Experiments;

/// <summary>A parameter a sweep varies, with the values it takes, as text (such as "10Mbps" or "0.01") for the run to parse.</summary>
/// <param name="Name">The parameter's name, such as "loss".</param>
/// <param name="Values">Its values, in the order the points take them.</param>
public sealed record SweepParameter(string Name, IReadOnlyList<string> Values);

/// <summary>What a <see cref="Sweep"/> runs.</summary>
public sealed record SweepOptions
{
    /// <summary>The parameters whose every combination is a point of the sweep; none: one point.</summary>
    public IReadOnlyList<SweepParameter> Parameters { get; init; } = [];

    /// <summary>How many runs, each with its own seed, each point gets (10 unless set; at least 1, and 2 for a confidence interval).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Replications
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 10;

    /// <summary>The seed the runs' seeds are derived from (<see cref="Sweep.SeedOf"/>).</summary>
    public ulong Seed { get; init; }

    /// <summary>How many runs go at once; null: one per core (<see cref="Environment.ProcessorCount"/>).</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}

/// <summary>One run of a sweep: which point, which replication, and the seed to build its simulation with.</summary>
/// <param name="Point">The point's number in the grid, from 0.</param>
/// <param name="Parameters">The point's parameter values, by name.</param>
/// <param name="Replication">The replication's number, from 0.</param>
/// <param name="Seed">The seed of its simulation.</param>
public readonly record struct SweepRun(int Point, IReadOnlyDictionary<string, string> Parameters, int Replication, ulong Seed);

/// <summary>
/// One result summarised across the runs of a point: its mean and the half-width of its 95%
/// confidence interval, from Student's t with <c>Count - 1</c> degrees of freedom (the runs are
/// independent, so the interval assumes nothing more than roughly normal means).
/// </summary>
/// <param name="Count">How many runs gave the result.</param>
/// <param name="Mean">The mean.</param>
/// <param name="StandardDeviation">The sample standard deviation (n - 1); 0 for one run.</param>
/// <param name="HalfWidth">The 95% interval's half-width, t(0.975, n - 1) x s / sqrt(n); infinite for one run.</param>
public readonly record struct SweepStatistic(int Count, double Mean, double StandardDeviation, double HalfWidth)
{
    /// <summary>The interval's lower end.</summary>
    public double Lower => Mean - HalfWidth;

    /// <summary>The interval's upper end.</summary>
    public double Upper => Mean + HalfWidth;

    /// <summary>The statistic of <paramref name="values"/>.</summary>
    /// <param name="values">The runs' values.</param>
    /// <returns>Their count, mean, standard deviation and 95% half-width.</returns>
    /// <exception cref="ArgumentException">No value.</exception>
    public static SweepStatistic Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A statistic needs at least one value.", nameof(values));
        }

        int n = values.Count;
        double mean = values.Sum() / n;
        if (n == 1)
        {
            return new SweepStatistic(1, mean, 0, double.PositiveInfinity);
        }

        double squares = values.Sum(v => (v - mean) * (v - mean)); // two passes: exact for values far from 0
        double deviation = Math.Sqrt(squares / (n - 1));
        return new SweepStatistic(n, mean, deviation, StudentT975(n - 1) * deviation / Math.Sqrt(n));
    }

    /// <summary>
    /// The 0.975 quantile of Student's t with <paramref name="degreesOfFreedom"/> degrees of
    /// freedom: the table up to 30, then the Cornish-Fisher expansion around the normal's 1.96
    /// (Abramowitz and Stegun 26.7.5), within 1e-6 from there on.
    /// </summary>
    /// <param name="degreesOfFreedom">At least 1.</param>
    /// <returns>t such that P(T &lt;= t) = 0.975.</returns>
    public static double StudentT975(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= Table.Length)
        {
            return Table[degreesOfFreedom - 1];
        }

        const double Z = 1.959963984540054; // the normal's 0.975 quantile
        double v = degreesOfFreedom, z2 = Z * Z;
        double g1 = (z2 + 1) * Z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * Z / 96;
        double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * Z / 384;
        double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * Z / 92160;
        return Z + (g1 / v) + (g2 / (v * v)) + (g3 / (v * v * v)) + (g4 / (v * v * v * v));
    }

    /// <summary>"12.34 ± 0.56 (n = 10)", in the invariant culture.</summary>
    public override string ToString() =>
        Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{Mean:G6} (n = 1)")
            : string.Create(CultureInfo.InvariantCulture, $"{Mean:G6} ± {HalfWidth:G3} (n = {Count})");

    private static readonly double[] Table =
    [
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
        2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
        2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
    ];
}

/// <summary>One point of a sweep: its parameters, each run's results, and each result's statistic.</summary>
/// <param name="Parameters">The point's parameter values, by name.</param>
/// <param name="Runs">Each replication's results, in replication order.</param>
/// <param name="Statistics">Each result's statistic across the runs, by name, in the order the names first appeared.</param>
public sealed record SweepPointResult(IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<IReadOnlyDictionary<string, double>> Runs, IReadOnlyDictionary<string, SweepStatistic> Statistics);

/// <summary>What a <see cref="Sweep"/> gave: every point, in the grid's order.</summary>
/// <param name="Points">The points.</param>
public sealed record SweepResult(IReadOnlyList<SweepPointResult> Points)
{
    /// <summary>A plain-text table: one line per point and result, with the mean, the 95% interval and the number of runs.</summary>
    /// <returns>The table.</returns>
    public string FormatTable()
    {
        var table = new StringBuilder();
        string[] header = ["point", "result", "mean", "95% CI", "n"];
        List<string[]> rows = [];
        foreach (SweepPointResult point in Points)
        {
            foreach ((string name, SweepStatistic statistic) in point.Statistics)
            {
                rows.Add(
                [
                    Sweep.Describe(point.Parameters),
                    name,
                    statistic.Mean.ToString("G6", CultureInfo.InvariantCulture),
                    statistic.Count < 2 ? "-" : string.Create(CultureInfo.InvariantCulture, $"[{statistic.Lower:G6}, {statistic.Upper:G6}]"),
                    statistic.Count.ToString(CultureInfo.InvariantCulture),
                ]);
            }
        }

        int[] widths = [.. header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max())];
        void Line(string[] cells) => table.AppendLine(string.Join("  ", cells.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        rows.ForEach(Line);
        return table.ToString();
    }
}
