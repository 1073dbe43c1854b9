using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// An instant of simulated time: the picoseconds elapsed since the simulation started,
/// from <see cref="Zero"/> to <see cref="MaxValue"/> (about 106 days).
/// </summary>
/// <remarks>
/// Instants and lengths of time are different types, as in NodaTime: an instant plus a
/// <see cref="SimDuration"/> is an instant, two instants subtract to a duration, and two
/// instants do not add. Arithmetic that leaves the range (including going before the
/// start) throws <see cref="OverflowException"/>.
/// </remarks>
public readonly struct SimTime :
    IEquatable<SimTime>,
    IComparable<SimTime>,
    IComparable,
    ISpanFormattable,
    IUtf8SpanFormattable,
    ISpanParsable<SimTime>,
    IComparisonOperators<SimTime, SimTime, bool>
{
    private SimTime(long picoseconds) => Picoseconds = picoseconds;

    /// <summary>The instant the simulation starts.</summary>
    public static SimTime Zero => default;

    /// <summary>The last instant that can be represented, about 106.75 days after the start.</summary>
    public static SimTime MaxValue => new(long.MaxValue);

    /// <summary>Picoseconds since the start of the simulation.</summary>
    public long Picoseconds { get; }

    /// <summary>The time elapsed since the start of the simulation.</summary>
    public SimDuration SinceStart => SimDuration.FromPicoseconds(Picoseconds);

    /// <summary>Seconds since the start, as a <see cref="double"/> (for printing and plots, not for scheduling).</summary>
    public double TotalSeconds => SinceStart.TotalSeconds;

    /// <summary>The instant <paramref name="picoseconds"/> after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="picoseconds"/> is negative.</exception>
    public static SimTime FromPicoseconds(long picoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(picoseconds);
        return new(picoseconds);
    }

    /// <summary>The instant <paramref name="sinceStart"/> after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sinceStart"/> is negative.</exception>
    public static SimTime FromDuration(SimDuration sinceStart) => FromPicoseconds(sinceStart.Picoseconds);

    /// <summary>The instant a whole number of nanoseconds after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="OverflowException">The instant is after <see cref="MaxValue"/>.</exception>
    public static SimTime FromNanoseconds(long nanoseconds) => FromDuration(SimDuration.FromNanoseconds(nanoseconds));

    /// <summary>The instant a whole number of microseconds after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="OverflowException">The instant is after <see cref="MaxValue"/>.</exception>
    public static SimTime FromMicroseconds(long microseconds) => FromDuration(SimDuration.FromMicroseconds(microseconds));

    /// <summary>The instant a whole number of milliseconds after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="OverflowException">The instant is after <see cref="MaxValue"/>.</exception>
    public static SimTime FromMilliseconds(long milliseconds) => FromDuration(SimDuration.FromMilliseconds(milliseconds));

    /// <summary>The instant a whole number of seconds after the start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="OverflowException">The instant is after <see cref="MaxValue"/>.</exception>
    public static SimTime FromSeconds(long seconds) => FromDuration(SimDuration.FromSeconds(seconds));

    /// <summary>The instant <paramref name="sinceStart"/> after the start, converted exactly.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sinceStart"/> is negative.</exception>
    /// <exception cref="OverflowException">The instant is after <see cref="MaxValue"/>.</exception>
    public static SimTime FromTimeSpan(TimeSpan sinceStart) => FromDuration(SimDuration.FromTimeSpan(sinceStart));

    /// <summary>The time since the start as a <see cref="TimeSpan"/>, truncated to whole 100 ns ticks.</summary>
    public TimeSpan ToTimeSpan() => SinceStart.ToTimeSpan();

    /// <summary>The instant <paramref name="duration"/> after <paramref name="time"/>.</summary>
    /// <exception cref="OverflowException">The result is before the start or after <see cref="MaxValue"/>.</exception>
    public static SimTime operator +(SimTime time, SimDuration duration) =>
        InRange(Checked.Add(time.Picoseconds, duration.Picoseconds, nameof(SimTime)));

    /// <summary>The instant <paramref name="duration"/> after <paramref name="time"/>.</summary>
    /// <exception cref="OverflowException">The result is before the start or after <see cref="MaxValue"/>.</exception>
    public static SimTime operator +(SimDuration duration, SimTime time) => time + duration;

    /// <summary>The instant <paramref name="duration"/> before <paramref name="time"/>.</summary>
    /// <exception cref="OverflowException">The result is before the start or after <see cref="MaxValue"/>.</exception>
    public static SimTime operator -(SimTime time, SimDuration duration) =>
        InRange(Checked.Subtract(time.Picoseconds, duration.Picoseconds, nameof(SimTime)));

    /// <summary>The time from <paramref name="earlier"/> to <paramref name="later"/> (negative when it is really earlier).</summary>
    public static SimDuration operator -(SimTime later, SimTime earlier) =>
        SimDuration.FromPicoseconds(later.Picoseconds - earlier.Picoseconds); // both are non-negative: cannot overflow

    /// <inheritdoc/>
    public static bool operator ==(SimTime left, SimTime right) => left.Picoseconds == right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator !=(SimTime left, SimTime right) => left.Picoseconds != right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator <(SimTime left, SimTime right) => left.Picoseconds < right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator <=(SimTime left, SimTime right) => left.Picoseconds <= right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator >(SimTime left, SimTime right) => left.Picoseconds > right.Picoseconds;

    /// <inheritdoc/>
    public static bool operator >=(SimTime left, SimTime right) => left.Picoseconds >= right.Picoseconds;

    /// <inheritdoc/>
    public bool Equals(SimTime other) => Picoseconds == other.Picoseconds;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SimTime other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Picoseconds.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(SimTime other) => Picoseconds.CompareTo(other.Picoseconds);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        SimTime other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(SimTime)}.", nameof(obj)),
    };

    /// <summary>The time since the start as readable text, such as "1.250 ms" or "12 us".</summary>
    public override string ToString() => PicosecondText.Format(Picoseconds, null);

    /// <summary>Formats the time since the start as "G" (readable, "1.250 ms") or "P" (exact, "1250000000 ps").</summary>
    /// <exception cref="FormatException">The format is not "G" or "P".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider) => PicosecondText.Format(Picoseconds, format);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        PicosecondText.TryFormat(Picoseconds, destination, out charsWritten, format);

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>Parses a time since the start written as a duration, such as "1.5 ms".</summary>
    /// <exception cref="FormatException">The text is not a time, or is negative.</exception>
    /// <exception cref="OverflowException">The time is out of range.</exception>
    public static SimTime Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static SimTime Parse(ReadOnlySpan<char> s)
    {
        SimDuration sinceStart = SimDuration.Parse(s);
        return sinceStart < SimDuration.Zero
            ? throw new FormatException($"'{s}' is before the start of the simulation.")
            : new(sinceStart.Picoseconds);
    }

    /// <summary>Parses a time, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out SimTime result) =>
        TryParse(s.AsSpan(), out result);

    /// <summary>Parses a time, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out SimTime result)
    {
        bool parsed = SimDuration.TryParse(s, out SimDuration sinceStart) && sinceStart >= SimDuration.Zero;
        result = parsed ? new(sinceStart.Picoseconds) : default;
        return parsed;
    }

    /// <inheritdoc/>
    static SimTime IParsable<SimTime>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static SimTime ISpanParsable<SimTime>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<SimTime>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SimTime result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<SimTime>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out SimTime result) => TryParse(s, out result);

    private static SimTime InRange(long picoseconds)
    {
        if (picoseconds < 0)
        {
            throw new OverflowException($"The result is before the start of the simulation ({picoseconds} ps).");
        }

        return new(picoseconds);
    }
}
