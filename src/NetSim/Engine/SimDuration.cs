using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// A length of simulated time: a whole number of picoseconds in a <see cref="long"/>
/// (about ±106 days). It may be negative, as the difference of two instants can be.
/// </summary>
/// <remarks>
/// Picoseconds make serialization times exact at every common data rate: one byte takes
/// 80,000 ps at 100 Mb/s and 20 ps at 400 Gb/s. Arithmetic that leaves the range throws
/// <see cref="OverflowException"/>; it never wraps.
/// </remarks>
public readonly struct SimDuration :
    IEquatable<SimDuration>,
    IComparable<SimDuration>,
    IComparable,
    ISpanFormattable,
    IUtf8SpanFormattable,
    ISpanParsable<SimDuration>,
    IComparisonOperators<SimDuration, SimDuration, bool>
{
    internal const long PicosecondsPerNanosecond = 1_000;
    internal const long PicosecondsPerMicrosecond = 1_000_000;
    internal const long PicosecondsPerMillisecond = 1_000_000_000;
    internal const long PicosecondsPerSecond = 1_000_000_000_000;
    internal const long PicosecondsPerTick = 100_000; // one TimeSpan tick is 100 ns

    private SimDuration(long picoseconds) => Picoseconds = picoseconds;

    /// <summary>No time at all.</summary>
    public static SimDuration Zero => default;

    /// <summary>The longest duration, about 106.75 days.</summary>
    public static SimDuration MaxValue => new(long.MaxValue);

    /// <summary>The most negative duration.</summary>
    public static SimDuration MinValue => new(long.MinValue);

    /// <summary>The length of this duration in picoseconds.</summary>
    public long Picoseconds { get; }

    /// <summary>The length in seconds, as a <see cref="double"/> (for printing and rates, not for scheduling).</summary>
    public double TotalSeconds => Picoseconds / (double)PicosecondsPerSecond;

    /// <summary>Creates a duration of <paramref name="picoseconds"/> picoseconds.</summary>
    public static SimDuration FromPicoseconds(long picoseconds) => new(picoseconds);

    /// <summary>Creates a duration of whole nanoseconds.</summary>
    /// <exception cref="OverflowException">The duration is longer than <see cref="MaxValue"/>.</exception>
    public static SimDuration FromNanoseconds(long nanoseconds) => new(Scale(nanoseconds, PicosecondsPerNanosecond, "ns"));

    /// <summary>Creates a duration of whole microseconds.</summary>
    /// <exception cref="OverflowException">The duration is longer than <see cref="MaxValue"/>.</exception>
    public static SimDuration FromMicroseconds(long microseconds) => new(Scale(microseconds, PicosecondsPerMicrosecond, "us"));

    /// <summary>Creates a duration of whole milliseconds.</summary>
    /// <exception cref="OverflowException">The duration is longer than <see cref="MaxValue"/>.</exception>
    public static SimDuration FromMilliseconds(long milliseconds) => new(Scale(milliseconds, PicosecondsPerMillisecond, "ms"));

    /// <summary>Creates a duration of whole seconds.</summary>
    /// <exception cref="OverflowException">The duration is longer than <see cref="MaxValue"/>.</exception>
    public static SimDuration FromSeconds(long seconds) => new(Scale(seconds, PicosecondsPerSecond, "s"));

    /// <summary>Converts a <see cref="TimeSpan"/> exactly (one tick is 100,000 ps).</summary>
    /// <exception cref="OverflowException">The time span is longer than <see cref="MaxValue"/>.</exception>
    public static SimDuration FromTimeSpan(TimeSpan timeSpan) => new(Scale(timeSpan.Ticks, PicosecondsPerTick, "ticks"));

    /// <summary>
    /// Converts to a <see cref="TimeSpan"/>, truncating toward zero to whole 100 ns ticks,
    /// the resolution of <see cref="TimeSpan"/>.
    /// </summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Picoseconds / PicosecondsPerTick);

    /// <summary>Adds two durations.</summary>
    /// <exception cref="OverflowException">The sum is out of range.</exception>
    public static SimDuration operator +(SimDuration left, SimDuration right) =>
        new(Checked.Add(left.Picoseconds, right.Picoseconds, nameof(SimDuration)));

    /// <summary>Subtracts one duration from another.</summary>
    /// <exception cref="OverflowException">The difference is out of range.</exception>
    public static SimDuration operator -(SimDuration left, SimDuration right) =>
        new(Checked.Subtract(left.Picoseconds, right.Picoseconds, nameof(SimDuration)));

    /// <summary>Negates a duration.</summary>
    /// <exception cref="OverflowException">The duration is <see cref="MinValue"/>.</exception>
    public static SimDuration operator -(SimDuration duration) =>
        new(Checked.Subtract(0, duration.Picoseconds, nameof(SimDuration)));

    /// <summary>Multiplies a duration by a whole number.</summary>
    /// <exception cref="OverflowException">The product is out of range.</exception>
    public static SimDuration operator *(SimDuration duration, long factor) =>
        new(Checked.Multiply(duration.Picoseconds, factor, nameof(SimDuration)));

    /// <summary>Multiplies a duration by a whole number.</summary>
    /// <exception cref="OverflowException">The product is out of range.</exception>
    public static SimDuration operator *(long factor, SimDuration duration) => duration * factor;

    /// <summary>Divides a duration by a whole number, truncating toward zero to whole picoseconds.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="divisor"/> is zero.</exception>
    /// <exception cref="OverflowException">The quotient is out of range (<see cref="MinValue"/> divided by -1).</exception>
    public static SimDuration operator /(SimDuration duration, long divisor) =>
        divisor == -1 ? -duration : new(duration.Picoseconds / divisor);

    /// <summary>The whole number of times <paramref name="divisor"/> fits into <paramref name="duration"/>, truncated toward zero.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="divisor"/> is zero.</exception>
    public static long operator /(SimDuration duration, SimDuration divisor) =>
        divisor.Picoseconds == -1 ? Checked.Subtract(0, duration.Picoseconds, nameof(Int64)) : duration.Picoseconds / divisor.Picoseconds;

    /// <inheritdoc/>
    public static bool operator ==(SimDuration left, SimDuration right) => left.Picoseconds == right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator !=(SimDuration left, SimDuration right) => left.Picoseconds != right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator <(SimDuration left, SimDuration right) => left.Picoseconds < right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator <=(SimDuration left, SimDuration right) => left.Picoseconds <= right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator >(SimDuration left, SimDuration right) => left.Picoseconds > right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator >=(SimDuration left, SimDuration right) => left.Picoseconds >= right.Picoseconds;

    /// <inheritdoc/>
    public bool Equals(SimDuration other) => Picoseconds == other.Picoseconds;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SimDuration other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Picoseconds.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(SimDuration other) => Picoseconds.CompareTo(other.Picoseconds);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        SimDuration other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(SimDuration)}.", nameof(obj)),
    };

    /// <summary>Readable text such as "1.250 ms", "12 us" or "0 s".</summary>
    public override string ToString() => PicosecondText.Format(Picoseconds, null);

    /// <summary>
    /// Formats as "G" (readable: the largest unit that keeps the value at or above one,
    /// three decimals unless whole, such as "1.250 ms") or "P" (exact: "1250000000 ps").
    /// </summary>
    /// <exception cref="FormatException">The format is not "G" or "P".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider) => PicosecondText.Format(Picoseconds, format);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        PicosecondText.TryFormat(Picoseconds, destination, out charsWritten, format);

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>
    /// Parses "1.250 ms", "12us", "-3 s", "1500 ps" (units s, ms, us, µs, ns, ps). The value
    /// must be a whole number of picoseconds.
    /// </summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    /// <exception cref="OverflowException">The duration is out of range.</exception>
    public static SimDuration Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static SimDuration Parse(ReadOnlySpan<char> s) =>
        PicosecondText.TryParse(s, out long picoseconds) switch
        {
            QuantityText.ParseResult.Success => new(picoseconds),
            QuantityText.ParseResult.OutOfRange => throw new OverflowException($"'{s}' is out of the range of {nameof(SimDuration)} (about ±106 days)."),
            _ => throw new FormatException($"'{s}' is not a duration: write a number and a unit, such as \"1.5 ms\" (units s, ms, us, ns, ps)."),
        };

    /// <summary>Parses a duration, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out SimDuration result) =>
        TryParse(s.AsSpan(), out result);

    /// <summary>Parses a duration, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out SimDuration result)
    {
        bool parsed = PicosecondText.TryParse(s, out long picoseconds) == QuantityText.ParseResult.Success;
        result = new(picoseconds);
        return parsed;
    }

    /// <inheritdoc/>
    static SimDuration IParsable<SimDuration>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static SimDuration ISpanParsable<SimDuration>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<SimDuration>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SimDuration result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<SimDuration>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out SimDuration result) => TryParse(s, out result);

    private static long Scale(long value, long unit, string unitName)
    {
        if (Math.BigMul(value, unit, out long low) != (low >> 63))
        {
            throw new OverflowException($"{value} {unitName} is out of the range of {nameof(SimDuration)} (about ±106 days).");
        }

        return low;
    }
}
