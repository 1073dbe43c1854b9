using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// A data rate in whole bits per second, such as the speed of a link ("100Mbps", "1Gbps").
/// Prefixes are decimal (SI), as link speeds are: 1 kbps is 1,000 bits per second.
/// </summary>
public readonly struct DataRate :
    IEquatable<DataRate>,
    IComparable<DataRate>,
    IComparable,
    ISpanFormattable,
    IUtf8SpanFormattable,
    ISpanParsable<DataRate>,
    IComparisonOperators<DataRate, DataRate, bool>
{
    private static readonly (long Scale, string Name)[] Units =
    [
        (1_000_000_000_000, "Tbps"),
        (1_000_000_000, "Gbps"),
        (1_000_000, "Mbps"),
        (1_000, "kbps"),
        (1, "bps"),
    ];

    // The most bytes whose bit count times 10^12 still fits in a long, so the common case
    // needs no 128-bit division.
    private const long MaxBytesForFastPath = long.MaxValue / (8 * SimDuration.PicosecondsPerSecond);

    private DataRate(long bitsPerSecond) => BitsPerSecond = bitsPerSecond;

    /// <summary>The rate in bits per second.</summary>
    public long BitsPerSecond { get; }

    /// <summary>Creates a rate of <paramref name="bitsPerSecond"/> bits per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative.</exception>
    public static DataRate FromBitsPerSecond(long bitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bitsPerSecond);
        return new(bitsPerSecond);
    }

    /// <summary>Creates a rate in kilobits (1,000 bits) per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative.</exception>
    /// <exception cref="OverflowException">The rate does not fit in a <see cref="long"/> of bits per second.</exception>
    public static DataRate FromKilobitsPerSecond(long kilobitsPerSecond) =>
        FromBitsPerSecond(Checked.Multiply(kilobitsPerSecond, 1_000, nameof(DataRate)));

    /// <summary>Creates a rate in megabits (10^6 bits) per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative.</exception>
    /// <exception cref="OverflowException">The rate does not fit in a <see cref="long"/> of bits per second.</exception>
    public static DataRate FromMegabitsPerSecond(long megabitsPerSecond) =>
        FromBitsPerSecond(Checked.Multiply(megabitsPerSecond, 1_000_000, nameof(DataRate)));

    /// <summary>Creates a rate in gigabits (10^9 bits) per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative.</exception>
    /// <exception cref="OverflowException">The rate does not fit in a <see cref="long"/> of bits per second.</exception>
    public static DataRate FromGigabitsPerSecond(long gigabitsPerSecond) =>
        FromBitsPerSecond(Checked.Multiply(gigabitsPerSecond, 1_000_000_000, nameof(DataRate)));

    /// <summary>
    /// The time to put <paramref name="bytes"/> bytes on the wire at this rate:
    /// <c>bytes * 8 / rate</c>, exact in picoseconds whenever the rate divides 8 * 10^12
    /// bits, and otherwise rounded up to the next picosecond (a frame has not left until
    /// its last bit has).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The rate is zero.</exception>
    /// <exception cref="OverflowException">The time is longer than <see cref="SimDuration.MaxValue"/>.</exception>
    public SimDuration TransmissionTime(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (BitsPerSecond == 0)
        {
            ThrowZeroRate();
        }

        if (bytes <= MaxBytesForFastPath)
        {
            long bitPicoseconds = bytes * 8 * SimDuration.PicosecondsPerSecond;
            return SimDuration.FromPicoseconds((bitPicoseconds + BitsPerSecond - 1) / BitsPerSecond);
        }

        return TransmissionTimeOfBits(Checked.Multiply(bytes, 8, nameof(SimDuration)));
    }

    /// <summary>
    /// The time to send <paramref name="bits"/> bits at this rate, rounded up to the next
    /// picosecond; for example the 802.3 slot time of 512 bit times.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The rate is zero.</exception>
    /// <exception cref="OverflowException">The time is longer than <see cref="SimDuration.MaxValue"/>.</exception>
    public SimDuration TransmissionTimeOfBits(long bits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        if (BitsPerSecond == 0)
        {
            ThrowZeroRate();
        }

        Int128 picoseconds = (((Int128)bits * SimDuration.PicosecondsPerSecond) + BitsPerSecond - 1) / BitsPerSecond;
        if (picoseconds > long.MaxValue)
        {
            throw new OverflowException($"Sending {bits} bits at {this} takes longer than {nameof(SimDuration)}.{nameof(SimDuration.MaxValue)}.");
        }

        return SimDuration.FromPicoseconds((long)picoseconds);
    }

    /// <inheritdoc/>
    public static bool operator ==(DataRate left, DataRate right) => left.BitsPerSecond == right.BitsPerSecond;

    /// <inheritdoc/>
    public static bool operator !=(DataRate left, DataRate right) => left.BitsPerSecond != right.BitsPerSecond;

    /// <inheritdoc/>
    public static bool operator <(DataRate left, DataRate right) => left.BitsPerSecond < right.BitsPerSecond;

    /// <inheritdoc/>
    public static bool operator <=(DataRate left, DataRate right) => left.BitsPerSecond <= right.BitsPerSecond;

    /// <inheritdoc/>
    public static bool operator >(DataRate left, DataRate right) => left.BitsPerSecond > right.BitsPerSecond;

    /// <inheritdoc/>
    public static bool operator >=(DataRate left, DataRate right) => left.BitsPerSecond >= right.BitsPerSecond;

    /// <inheritdoc/>
    public bool Equals(DataRate other) => BitsPerSecond == other.BitsPerSecond;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is DataRate other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitsPerSecond.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(DataRate other) => BitsPerSecond.CompareTo(other.BitsPerSecond);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        DataRate other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(DataRate)}.", nameof(obj)),
    };

    /// <summary>
    /// Readable text in the largest unit that keeps the value at or above one, exact and
    /// without trailing zeros: "100 Mbps", "1.5 Gbps", "9.6 kbps", "0 bps".
    /// </summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[32];
        TryFormat(chars, out int length, default, null);
        return new string(chars[..length]);
    }

    /// <summary>Formats as <see cref="ToString()"/> does; "G" or an empty format is the only one.</summary>
    /// <exception cref="FormatException">The format is not "G".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(DataRate));
        return ToString();
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(DataRate));
        int unit = 0;
        while (unit < Units.Length - 1 && Units[unit].Scale > BitsPerSecond)
        {
            unit++;
        }

        (long scale, string name) = Units[unit];
        long whole = BitsPerSecond / scale;
        long fraction = BitsPerSecond % scale;
        if (fraction == 0)
        {
            return destination.TryWrite(CultureInfo.InvariantCulture, $"{whole} {name}", out charsWritten);
        }

        // Exact decimals: as many digits as the unit has, trailing zeros removed.
        int digits = (int)Math.Log10(scale);
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        return destination.TryWrite(CultureInfo.InvariantCulture, $"{whole}.{fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')} {name}", out charsWritten);
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>
    /// Parses a rate such as "100Mbps", "1 Gbps", "1.5Gbps", "64kbps", "9600bps" or
    /// "10 Mb/s". Units are bps, kbps, Mbps, Gbps and Tbps (or b/s, kb/s, ...); the prefix
    /// may be in either case, the b must be small (a capital B means bytes). The value must
    /// be a whole number of bits per second.
    /// </summary>
    /// <exception cref="FormatException">The text is not a data rate.</exception>
    /// <exception cref="OverflowException">The rate does not fit in a <see cref="long"/> of bits per second.</exception>
    public static DataRate Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static DataRate Parse(ReadOnlySpan<char> s) =>
        TryParseCore(s, out DataRate result) switch
        {
            QuantityText.ParseResult.Success => result,
            QuantityText.ParseResult.OutOfRange => throw new OverflowException($"'{s}' is more bits per second than a {nameof(DataRate)} holds."),
            _ => throw new FormatException($"'{s}' is not a data rate: write a number and a unit, such as \"100Mbps\" or \"1.5 Gbps\" (units bps, kbps, Mbps, Gbps, Tbps)."),
        };

    /// <summary>Parses a data rate, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out DataRate result) =>
        TryParse(s.AsSpan(), out result);

    /// <summary>Parses a data rate, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out DataRate result) =>
        TryParseCore(s, out result) == QuantityText.ParseResult.Success;

    /// <inheritdoc/>
    static DataRate IParsable<DataRate>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static DataRate ISpanParsable<DataRate>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<DataRate>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out DataRate result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<DataRate>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out DataRate result) => TryParse(s, out result);

    private static QuantityText.ParseResult TryParseCore(ReadOnlySpan<char> text, out DataRate result)
    {
        result = default;
        QuantityText.Split(text, out bool negative, out ReadOnlySpan<char> number, out ReadOnlySpan<char> unitName);
        long scale = 0;
        foreach ((long unitScale, string name) in Units)
        {
            // "Mbps" or "Mb/s": the prefix in either case, then "bps" or "b/s" with a small b
            // ("MBps" is megabytes per second, which is not what a link speed means).
            ReadOnlySpan<char> prefix = name.AsSpan(0, name.Length - 3);
            if (unitName.Length == prefix.Length + 3
                && unitName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (unitName.EndsWith("bps", StringComparison.Ordinal) || unitName.EndsWith("b/s", StringComparison.Ordinal)))
            {
                scale = unitScale;
            }
        }

        if (negative)
        {
            return QuantityText.ParseResult.BadFormat;
        }

        QuantityText.ParseResult parsed = QuantityText.TryScale(number, negative, scale, out long bitsPerSecond);
        result = new(bitsPerSecond);
        return parsed;
    }

    [DoesNotReturn]
    private static void ThrowZeroRate() =>
        throw new InvalidOperationException("A data rate of 0 bps never finishes sending anything.");
}
