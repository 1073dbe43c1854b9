using System.Globalization;
using NetSim.Engine;
// Design: the one record of a value over simulated time that every probe fills, in the lowest
// layer all sources can use (a TCP connection, a port, a hub and a periodic sampler all record
// into it). Bounded like every table in NetSim: past its capacity it stops recording and counts
// what it missed, so a long run cannot grow it without limit and the user can see that it did
// not keep everything. The points live in one list, grown by doubling up to the capacity.

namespace NetSim.Tracing;

/// <summary>
/// A value sampled over simulated time: a name, a unit and points of (time, value) in the
/// order they were recorded, for example a TCP connection's congestion window or a port's
/// queue length. Export it with <see cref="WriteCsv(TextWriter)"/>.
/// </summary>
/// <remarks>
/// <para>
/// A series holds at most <see cref="Capacity"/> points (<see cref="DefaultCapacity"/>, 100,000,
/// unless given). Past that it stops recording: every later point is counted in
/// <see cref="Missed"/> and not kept, so the series keeps the start of the run whole. Give a
/// larger capacity, or a longer sampling interval, when <see cref="Missed"/> is not zero.
/// </para>
/// <para>
/// Probes fill a series as their source changes (see the probes of <c>TcpConnection</c>,
/// <c>Port</c> and <c>Hub</c>) or at a fixed interval (<see cref="PeriodicSampler"/>). A
/// probe keeps recording while its source lives; <see cref="Stop"/> detaches it.
/// </para>
/// </remarks>
public sealed class TimeSeries
{
    /// <summary>The capacity of a series when none is given: 100,000 points.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>The header of the CSV of one series (<see cref="WriteCsv(TextWriter)"/>).</summary>
    public const string CsvHeader = "time_s,value";

    /// <summary>The header of the CSV of several series in long form (<see cref="WriteCsv(TextWriter, IEnumerable{TimeSeries})"/>).</summary>
    public const string LongCsvHeader = "series,time_s,value";

    private readonly List<TimeSeriesPoint> points = [];
    private Action? detach;

    /// <summary>Creates an empty series named <paramref name="name"/>, of values in <paramref name="unit"/>, that keeps at most <paramref name="capacity"/> points.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is less than 1.</exception>
    public TimeSeries(string name, string unit, int capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Name = name;
        Unit = unit;
        Capacity = capacity;
    }

    /// <summary>The series' name, for example "pc1:49152 cwnd".</summary>
    public string Name { get; }

    /// <summary>The unit of the values, for example "bytes", "frames", "s" or "bit/s".</summary>
    public string Unit { get; }

    /// <summary>The most points the series keeps.</summary>
    public int Capacity { get; }

    /// <summary>The points recorded, oldest first.</summary>
    public IReadOnlyList<TimeSeriesPoint> Points => points;

    /// <summary>The points recorded after the series was full, and not kept.</summary>
    public long Missed { get; private set; }

    /// <summary>True while a probe records into the series (until <see cref="Stop"/>).</summary>
    public bool IsRecording => detach is not null;

    /// <summary>Records <paramref name="value"/> at <paramref name="time"/>; counted in <see cref="Missed"/> instead when the series is full.</summary>
    public void Record(SimTime time, double value)
    {
        if (points.Count == Capacity)
        {
            Missed++;
            return;
        }

        points.Add(new TimeSeriesPoint(time, value));
    }

    /// <summary>Detaches the probe that fills the series; the points so far stay.</summary>
    public void Stop()
    {
        Action? action = detach;
        detach = null;
        action?.Invoke();
    }

    /// <summary>Writes the series as CSV: the header <c>time_s,value</c>, then one point a line, times in seconds to the picosecond, in the invariant culture.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(CsvHeader);
        foreach (TimeSeriesPoint point in points)
        {
            writer.Write(FormatSeconds(point.Time));
            writer.Write(',');
            writer.WriteLine(FormatValue(point.Value));
        }
    }

    /// <summary>
    /// Writes several series to one CSV in long form: the header <c>series,time_s,value</c>,
    /// then every point of each series in turn, named by its series (quoted as RFC 4180 says
    /// when the name holds a comma, a quote or a line break).
    /// </summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<TimeSeries> series)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(series);
        writer.WriteLine(LongCsvHeader);
        foreach (TimeSeries one in series)
        {
            string name = Quote(one.Name);
            foreach (TimeSeriesPoint point in one.points)
            {
                writer.Write(name);
                writer.Write(',');
                writer.Write(FormatSeconds(point.Time));
                writer.Write(',');
                writer.WriteLine(FormatValue(point.Value));
            }
        }
    }

    /// <summary>Reads a series written by <see cref="WriteCsv(TextWriter)"/> back, naming it <paramref name="name"/> in <paramref name="unit"/>.</summary>
    /// <exception cref="FormatException">The text is not a <c>time_s,value</c> CSV (the message names the line).</exception>
    public static TimeSeries ReadCsv(TextReader reader, string name, string unit, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var series = new TimeSeries(name, unit, capacity);
        string? header = reader.ReadLine();
        if (header != CsvHeader)
        {
            throw new FormatException($"Line 1 is \"{header}\", not the header \"{CsvHeader}\".");
        }

        int lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            int comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !decimal.TryParse(line.AsSpan(0, comma), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds)
                || !double.TryParse(line.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || seconds * PicosecondsPerSecond > long.MaxValue)
            {
                throw new FormatException($"Line {lineNumber} (\"{line}\") is not a time in seconds (up to about 106 days) and a value.");
            }

            series.Record(SimTime.FromPicoseconds(decimal.ToInt64(seconds * PicosecondsPerSecond)), value);
        }

        return series;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} ({Unit}): {points.Count} points{(Missed > 0 ? $", {Missed} missed" : "")}");

    /// <summary>Connects the probe that fills the series: <paramref name="stop"/> detaches it.</summary>
    internal void Attach(Action stop) => detach = stop;

    private const decimal PicosecondsPerSecond = 1_000_000_000_000m;

    // Seconds to the picosecond, exactly: 0.000001 for one microsecond.
    private static string FormatSeconds(SimTime time) =>
        (time.Picoseconds / PicosecondsPerSecond).ToString("0.############", CultureInfo.InvariantCulture);

    private static string FormatValue(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

/// <summary>One point of a <see cref="TimeSeries"/>: a value at a simulated time.</summary>
/// <param name="Time">When the value was recorded.</param>
/// <param name="Value">The value.</param>
public readonly record struct TimeSeriesPoint(SimTime Time, double Value);
