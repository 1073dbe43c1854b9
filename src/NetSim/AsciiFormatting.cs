namespace NetSim;

/// <summary>
/// What every NetSim value shares when it formats itself: the text is ASCII, so its UTF-8
/// form is its chars copied byte for byte, and most values have only the "G" format.
/// </summary>
internal static class AsciiFormatting
{
    private const int MaxLength = 64; // longer than any NetSim value's text

    /// <summary>Formats <paramref name="value"/> into chars on the stack, then copies them as UTF-8.</summary>
    public static bool TryFormatUtf8<T>(T value, Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        Span<char> chars = stackalloc char[MaxLength];
        if (!value.TryFormat(chars, out int length, format, null) || length > utf8Destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            utf8Destination[i] = (byte)chars[i];
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>Throws unless <paramref name="format"/> is empty or "G", the only format of <paramref name="typeName"/>.</summary>
    /// <exception cref="FormatException">Any other format.</exception>
    public static void CheckGeneralFormat(ReadOnlySpan<char> format, string typeName)
    {
        if (!format.IsEmpty && format is not "G" and not "g")
        {
            throw new FormatException($"The format '{format}' is not supported by {typeName}: use \"G\".");
        }
    }
}
