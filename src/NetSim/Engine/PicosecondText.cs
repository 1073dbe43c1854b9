using System.Globalization;

namespace NetSim.Engine;

/// <summary>
/// Formats and parses a count of picoseconds as text a person reads: "1.250 ms", "12 us".
/// Shared by <see cref="SimDuration"/> and <see cref="SimTime"/>.
/// </summary>
internal static class PicosecondText
{
    // Largest unit first. "us" rather than "µs" so that output stays ASCII (and UTF-8 = chars).
    private static readonly (long Scale, string Name)[] Units =
    [
        (1_000_000_000_000, "s"),
        (1_000_000_000, "ms"),
        (1_000_000, "us"),
        (1_000, "ns"),
        (1, "ps"),
    ];

    /// <summary>The longest text <see cref="TryFormat"/> writes: "-9223372.036 s" or "-9223372036854775808 ps".</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// Writes <paramref name="picoseconds"/> in the given format: "G" (or empty) picks the
    /// largest unit that keeps the value at or above one, and prints an integer when the
    /// value is a whole number of that unit, else three decimals rounded half away from
    /// zero; "P" prints the exact count of picoseconds.
    /// </summary>
    public static bool TryFormat(long picoseconds, Span<char> destination, out int charsWritten, ReadOnlySpan<char> format)
    {
        if (format.IsEmpty || format is "G" or "g")
        {
            return TryFormatReadable(picoseconds, destination, out charsWritten);
        }

        if (format is "P" or "p")
        {
            return destination.TryWrite(CultureInfo.InvariantCulture, $"{picoseconds} ps", out charsWritten);
        }

        throw new FormatException($"The format '{format}' is not supported: use \"G\" (readable, such as \"1.250 ms\") or \"P\" (exact picoseconds).");
    }

    private static bool TryFormatReadable(long picoseconds, Span<char> destination, out int charsWritten)
    {
        if (picoseconds == 0)
        {
            return destination.TryWrite(CultureInfo.InvariantCulture, $"0 s", out charsWritten);
        }

        // Work on the magnitude as an unsigned number so that long.MinValue has one.
        ulong magnitude = picoseconds < 0 ? (ulong)(-(picoseconds + 1)) + 1 : (ulong)picoseconds;
        string sign = picoseconds < 0 ? "-" : "";
        int unit = 0;
        while ((ulong)Units[unit].Scale > magnitude)
        {
            unit++;
        }

        while (true)
        {
            ulong scale = (ulong)Units[unit].Scale;
            ulong whole = magnitude / scale;
            ulong remainder = magnitude % scale;
            if (remainder == 0)
            {
                return destination.TryWrite(CultureInfo.InvariantCulture, $"{sign}{whole} {Units[unit].Name}", out charsWritten);
            }

            // Thousandths, rounded half away from zero; remainder < 10^12 so this cannot overflow.
            ulong thousandths = ((remainder * 1000) + (scale / 2)) / scale;
            if (thousandths == 1000)
            {
                whole++;
                thousandths = 0;
                if (whole == 1000 && unit > 0)
                {
                    unit--; // 999.9996 ms reads better as 1.000 s than as 1000.000 ms.
                    continue;
                }
            }

            return destination.TryWrite(CultureInfo.InvariantCulture, $"{sign}{whole}.{thousandths:000} {Units[unit].Name}", out charsWritten);
        }
    }

    /// <summary>Formats to a new string.</summary>
    public static string Format(long picoseconds, string? format)
    {
        Span<char> chars = stackalloc char[MaxLength];
        TryFormat(picoseconds, chars, out int length, format);
        return new string(chars[..length]);
    }

    /// <summary>
    /// Parses "[-]digits[.digits][ ]unit" with unit one of s, ms, us, µs, ns, ps, surrounded
    /// by optional white space. The value must be a whole number of picoseconds: "0.5 ps"
    /// is a format error, not a rounding.
    /// </summary>
    public static QuantityText.ParseResult TryParse(ReadOnlySpan<char> text, out long picoseconds)
    {
        QuantityText.Split(text, out bool negative, out ReadOnlySpan<char> number, out ReadOnlySpan<char> unitName);
        long scale = unitName is "µs" or "μs" ? 1_000_000 : 0;
        foreach ((long unitScale, string name) in Units)
        {
            if (unitName.SequenceEqual(name))
            {
                scale = unitScale;
            }
        }

        return QuantityText.TryScale(number, negative, scale, out picoseconds);
    }
}
