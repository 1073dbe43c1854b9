using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Numerics;

namespace NetSim.Wire;

/// <summary>
/// A 48-bit IEEE 802 MAC address, such as "02:00:00:00:00:01". A value: six bytes held in
/// the low 48 bits of a <see cref="ulong"/>, first byte on the wire most significant.
/// </summary>
public readonly struct MacAddress :
    IEquatable<MacAddress>,
    IComparable<MacAddress>,
    IComparable,
    ISpanFormattable,
    IUtf8SpanFormattable,
    ISpanParsable<MacAddress>,
    IComparisonOperators<MacAddress, MacAddress, bool>
{
    /// <summary>The length of a MAC address on the wire, in bytes.</summary>
    public const int Length = 6;

    private const ulong Mask = (1UL << 48) - 1;
    private const ulong GroupBit = 1UL << 40; // I/G: least significant bit of the first byte (IEEE 802-2014, 8.2)
    private const ulong LocalBit = 1UL << 41; // U/L: the next bit of the first byte

    private readonly ulong value;

    private MacAddress(ulong value) => this.value = value;

    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff: every station on the segment receives it.</summary>
    public static MacAddress Broadcast => new(Mask);

    /// <summary>The all-zero address 00:00:00:00:00:00 (no station has it).</summary>
    public static MacAddress Zero => default;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => value == Mask;

    /// <summary>True for a group address (broadcast included): the I/G bit of the first byte is set.</summary>
    public bool IsMulticast => (value & GroupBit) != 0;

    /// <summary>True for an individual station's address: the I/G bit is clear.</summary>
    public bool IsUnicast => !IsMulticast;

    /// <summary>True when the U/L bit is set: the address was assigned locally, not by a manufacturer.</summary>
    public bool IsLocallyAdministered => (value & LocalBit) != 0;

    /// <summary>The 48 bits as a number, first byte most significant.</summary>
    public ulong ToUInt64() => value;

    /// <summary>The address whose 48 bits are the low 48 bits of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> has bits above the 48th.</exception>
    public static MacAddress FromUInt64(ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Mask);
        return new(value);
    }

    /// <summary>Reads an address from the first six bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is shorter than six bytes.</exception>
    public static MacAddress Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Length)
        {
            throw new ArgumentException($"A MAC address takes {Length} bytes; the span has {source.Length}.", nameof(source));
        }

        return new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));
    }

    /// <summary>Writes the address into the first six bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than six bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"A MAC address takes {Length} bytes; the span has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], unchecked((uint)value));
    }

    /// <summary>Converts from a <see cref="PhysicalAddress"/> of six bytes.</summary>
    /// <exception cref="ArgumentException">The address is not six bytes long.</exception>
    public static MacAddress FromPhysicalAddress(PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        byte[] bytes = address.GetAddressBytes();
        return bytes.Length == Length
            ? Read(bytes)
            : throw new ArgumentException($"A MAC address is {Length} bytes; this physical address is {bytes.Length}.", nameof(address));
    }

    /// <summary>Converts to a <see cref="PhysicalAddress"/>.</summary>
    public PhysicalAddress ToPhysicalAddress()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return new PhysicalAddress(bytes);
    }

    /// <inheritdoc/>
    public static bool operator ==(MacAddress left, MacAddress right) => left.value == right.value;

    /// <inheritdoc/>
    public static bool operator !=(MacAddress left, MacAddress right) => left.value != right.value;

    /// <inheritdoc/>
    public static bool operator <(MacAddress left, MacAddress right) => left.value < right.value;

    /// <inheritdoc/>
    public static bool operator <=(MacAddress left, MacAddress right) => left.value <= right.value;

    /// <inheritdoc/>
    public static bool operator >(MacAddress left, MacAddress right) => left.value > right.value;

    /// <inheritdoc/>
    public static bool operator >=(MacAddress left, MacAddress right) => left.value >= right.value;

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => value == other.value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(MacAddress other) => value.CompareTo(other.value);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        MacAddress other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(MacAddress)}.", nameof(obj)),
    };

    /// <summary>Six lowercase hexadecimal bytes separated by colons: "02:00:00:00:00:01".</summary>
    public override string ToString() => string.Create(17, value, static (chars, v) => Format(v, chars, ':'));

    /// <summary>Formats as "G" or empty (colons, "02:00:00:00:00:01") or "D" (dashes, "02-00-00-00-00-01").</summary>
    /// <exception cref="FormatException">The format is not "G" or "D".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        string.Create(17, value, (chars, v) => Format(v, chars, Separator(format)));

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        char separator = Separator(format);
        if (destination.Length < 17)
        {
            charsWritten = 0;
            return false;
        }

        Format(value, destination, separator);
        charsWritten = 17;
        return true;
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>Parses "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff" (hexadecimal digits in either case).</summary>
    /// <exception cref="FormatException">The text is not a MAC address.</exception>
    public static MacAddress Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static MacAddress Parse(ReadOnlySpan<char> s) =>
        TryParse(s, out MacAddress result)
            ? result
            : throw new FormatException($"'{s}' is not a MAC address: write six hexadecimal bytes separated by colons or dashes, such as \"02:00:00:00:00:01\".");

    /// <summary>Parses a MAC address, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out MacAddress result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses a MAC address, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out MacAddress result)
    {
        result = default;
        if (s.Length != 17 || (s[2] != ':' && s[2] != '-'))
        {
            return false;
        }

        char separator = s[2];
        ulong parsed = 0;
        for (int i = 0; i < Length; i++)
        {
            if ((i > 0 && s[(i * 3) - 1] != separator)
                || !byte.TryParse(s.Slice(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte octet))
            {
                return false;
            }

            parsed = (parsed << 8) | octet;
        }

        result = new(parsed);
        return true;
    }

    /// <inheritdoc/>
    static MacAddress IParsable<MacAddress>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static MacAddress ISpanParsable<MacAddress>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<MacAddress>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out MacAddress result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<MacAddress>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out MacAddress result) => TryParse(s, out result);

    private static char Separator(ReadOnlySpan<char> format) => format switch
    {
        [] or "G" or "g" => ':',
        "D" or "d" => '-',
        _ => throw new FormatException($"The format '{format}' is not supported by {nameof(MacAddress)}: use \"G\" (colons) or \"D\" (dashes)."),
    };

    private static void Format(ulong value, Span<char> chars, char separator)
    {
        for (int i = 0; i < Length; i++)
        {
            int octet = (int)((value >> (8 * (Length - 1 - i))) & 0xff);
            chars[i * 3] = HexDigit(octet >> 4);
            chars[(i * 3) + 1] = HexDigit(octet & 0xf);
            if (i < Length - 1)
            {
                chars[(i * 3) + 2] = separator;
            }
        }
    }

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
