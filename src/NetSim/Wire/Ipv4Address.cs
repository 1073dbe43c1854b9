using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace NetSim.Wire;

/// <summary>
/// An IPv4 address, such as 192.168.1.1: a value over a <see cref="uint"/> whose most
/// significant byte is the first on the wire (RFC 791).
/// </summary>
public readonly struct Ipv4Address :
    IEquatable<Ipv4Address>,
    IComparable<Ipv4Address>,
    IComparable,
    ISpanFormattable,
    IUtf8SpanFormattable,
    ISpanParsable<Ipv4Address>,
    IComparisonOperators<Ipv4Address, Ipv4Address, bool>
{
    /// <summary>The length of an address on the wire, in bytes.</summary>
    public const int Length = 4;

    private const int MaxTextLength = 15; // "255.255.255.255"

    private Ipv4Address(uint value) => Value = value;

    /// <summary>0.0.0.0: "this host", or any address.</summary>
    public static Ipv4Address Any => default;

    /// <summary>255.255.255.255: the limited broadcast address (RFC 919).</summary>
    public static Ipv4Address Broadcast => new(uint.MaxValue);

    /// <summary>127.0.0.1.</summary>
    public static Ipv4Address Loopback => new(0x7f000001);

    /// <summary>The 32 bits, first byte most significant.</summary>
    public uint Value { get; }

    /// <summary>True for 255.255.255.255.</summary>
    public bool IsBroadcast => Value == uint.MaxValue;

    /// <summary>True for a class D (multicast) address, 224.0.0.0/4.</summary>
    public bool IsMulticast => (Value >> 28) == 0xe;

    /// <summary>True for 127.0.0.0/8.</summary>
    public bool IsLoopback => (Value >> 24) == 127;

    /// <summary>The address whose 32 bits are <paramref name="value"/>, first byte most significant.</summary>
    public static Ipv4Address FromUInt32(uint value) => new(value);

    /// <summary>The address a.b.c.d.</summary>
    public static Ipv4Address FromBytes(byte a, byte b, byte c, byte d) => new(((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d);

    /// <summary>Reads an address from the first four bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is shorter than four bytes.</exception>
    public static Ipv4Address Read(ReadOnlySpan<byte> source) =>
        source.Length >= Length
            ? new(BinaryPrimitives.ReadUInt32BigEndian(source))
            : throw new ArgumentException($"An IPv4 address takes {Length} bytes; the span has {source.Length}.", nameof(source));

    /// <summary>Writes the address into the first four bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than four bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"An IPv4 address takes {Length} bytes; the span has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Value);
    }

    /// <summary>Converts from an <see cref="IPAddress"/> of the IPv4 family.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4.</exception>
    public static Ipv4Address FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{address} is not an IPv4 address.", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[Length];
        address.TryWriteBytes(bytes, out _);
        return Read(bytes);
    }

    /// <summary>Converts to an <see cref="IPAddress"/>.</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>The bitwise AND of two addresses: an address and a netmask give the network part.</summary>
    public static Ipv4Address operator &(Ipv4Address left, Ipv4Address right) => new(left.Value & right.Value);

    /// <inheritdoc/>
    public static bool operator ==(Ipv4Address left, Ipv4Address right) => left.Value == right.Value;

    /// <inheritdoc/>
    public static bool operator !=(Ipv4Address left, Ipv4Address right) => left.Value != right.Value;

    /// <inheritdoc/>
    public static bool operator <(Ipv4Address left, Ipv4Address right) => left.Value < right.Value;

    /// <inheritdoc/>
    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left.Value <= right.Value;

    /// <inheritdoc/>
    public static bool operator >(Ipv4Address left, Ipv4Address right) => left.Value > right.Value;

    /// <inheritdoc/>
    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left.Value >= right.Value;

    /// <inheritdoc/>
    public bool Equals(Ipv4Address other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Ipv4Address other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Ipv4Address other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(Ipv4Address)}.", nameof(obj)),
    };

    /// <summary>Dotted decimal: "192.168.1.1".</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[MaxTextLength];
        TryFormat(chars, out int length, default, null);
        return new string(chars[..length]);
    }

    /// <summary>Dotted decimal; "G" or empty is the only format.</summary>
    /// <exception cref="FormatException">The format is not "G".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(Ipv4Address));
        return ToString();
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(Ipv4Address));
        return destination.TryWrite(
            CultureInfo.InvariantCulture,
            $"{Value >> 24}.{(Value >> 16) & 0xff}.{(Value >> 8) & 0xff}.{Value & 0xff}",
            out charsWritten);
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>
    /// Parses dotted decimal, "192.168.1.1": four numbers from 0 to 255 without leading
    /// zeros (which some parsers read as octal, so they are refused rather than guessed).
    /// </summary>
    /// <exception cref="FormatException">The text is not an IPv4 address.</exception>
    public static Ipv4Address Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static Ipv4Address Parse(ReadOnlySpan<char> s) =>
        TryParse(s, out Ipv4Address result)
            ? result
            : throw new FormatException($"'{s}' is not an IPv4 address: write four numbers from 0 to 255 separated by dots, such as \"192.168.1.1\".");

    /// <summary>Parses an address, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Ipv4Address result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses an address, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Ipv4Address result)
    {
        result = default;
        uint value = 0;
        for (int octet = 0; octet < Length; octet++)
        {
            int digits = 0;
            uint number = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits]))
            {
                number = (number * 10) + (uint)(s[digits] - '0');
                digits++;
                if (digits > 3)
                {
                    return false;
                }
            }

            if (digits == 0 || number > 255 || (digits > 1 && s[0] == '0'))
            {
                return false;
            }

            value = (value << 8) | number;
            s = s[digits..];
            if (octet < Length - 1)
            {
                if (s.IsEmpty || s[0] != '.')
                {
                    return false;
                }

                s = s[1..];
            }
        }

        if (!s.IsEmpty)
        {
            return false;
        }

        result = new(value);
        return true;
    }

    /// <inheritdoc/>
    static Ipv4Address IParsable<Ipv4Address>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static Ipv4Address ISpanParsable<Ipv4Address>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<Ipv4Address>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Ipv4Address result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<Ipv4Address>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Ipv4Address result) => TryParse(s, out result);
}
