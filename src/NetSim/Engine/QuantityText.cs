namespace NetSim.Engine;

/// <summary>
/// Parses a decimal number followed by a unit ("1.5 ms", "100Mbps") into an exact whole
/// number of the smallest unit. Shared by the text forms of durations, instants and rates.
/// </summary>
internal static class QuantityText
{
    /// <summary>The outcome of a parse.</summary>
    public enum ParseResult
    {
        Success,
        BadFormat,
        OutOfRange,
    }

    /// <summary>
    /// Splits "[-]digits[.digits][ ]unit", with white space allowed around it, into its
    /// sign, number and unit. The parts are not checked yet.
    /// </summary>
    public static void Split(ReadOnlySpan<char> text, out bool negative, out ReadOnlySpan<char> number, out ReadOnlySpan<char> unit)
    {
        text = text.Trim();
        negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        int numberEnd = 0;
        while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] == '.'))
        {
            numberEnd++;
        }

        number = text[..numberEnd];
        unit = text[numberEnd..].TrimStart();
    }

    /// <summary>
    /// Converts a decimal number of units (<paramref name="scale"/>, a power of ten, smallest
    /// units each) to a whole number of smallest units. A non-zero digit finer than the
    /// smallest unit is a format error: nothing is rounded.
    /// </summary>
    public static ParseResult TryScale(ReadOnlySpan<char> number, bool negative, long scale, out long value)
    {
        value = 0;
        int dot = number.IndexOf('.');
        ReadOnlySpan<char> wholeDigits = dot < 0 ? number : number[..dot];
        ReadOnlySpan<char> fractionDigits = dot < 0 ? [] : number[(dot + 1)..];
        if (scale <= 0 || wholeDigits.IsEmpty || fractionDigits.Contains('.') || (dot >= 0 && fractionDigits.IsEmpty))
        {
            return ParseResult.BadFormat;
        }

        // Int128 holds the magnitude of long.MinValue and any product with a unit scale.
        Int128 total = 0;
        foreach (char digit in wholeDigits)
        {
            total = (total * 10) + (digit - '0');
            if (total > (Int128)long.MaxValue + 1)
            {
                return ParseResult.OutOfRange;
            }
        }

        total *= scale;
        long fractionScale = scale;
        foreach (char digit in fractionDigits)
        {
            if (fractionScale == 1)
            {
                if (digit != '0')
                {
                    return ParseResult.BadFormat; // finer than the smallest unit
                }

                continue;
            }

            fractionScale /= 10;
            total += (digit - '0') * fractionScale;
        }

        if (negative)
        {
            total = -total;
        }

        if (total > long.MaxValue || total < long.MinValue)
        {
            return ParseResult.OutOfRange;
        }

        value = (long)total;
        return ParseResult.Success;
    }
}
