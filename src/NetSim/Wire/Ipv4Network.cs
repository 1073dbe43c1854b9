using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetSim.Wire;

/// <summary>
/// An IPv4 network in CIDR form, such as 192.168.1.0/24: a base address whose host bits are
/// zero and a prefix length. An address is in the network when its network part, the
/// address AND the netmask, is the base address.
/// </summary>
public readonly struct Ipv4Network : IEquatable<Ipv4Network>, ISpanFormattable, IUtf8SpanFormattable, ISpanParsable<Ipv4Network>
{
    /// <summary>Creates the network <paramref name="baseAddress"/>/<paramref name="prefixLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is not 0 to 32.</exception>
    /// <exception cref="ArgumentException">The base address has host bits set.</exception>
    public Ipv4Network(Ipv4Address baseAddress, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        Ipv4Address networkPart = baseAddress & MaskOf(prefixLength);
        if (networkPart != baseAddress)
        {
            throw new ArgumentException(
                $"{baseAddress}/{prefixLength} has host bits set: the network is {networkPart}/{prefixLength}.", nameof(baseAddress));
        }

        BaseAddress = baseAddress;
        PrefixLength = prefixLength;
    }

    /// <summary>The first address of the network; its host bits are zero.</summary>
    public Ipv4Address BaseAddress { get; }

    /// <summary>How many leading bits are the network part, 0 to 32.</summary>
    public int PrefixLength { get; }

    /// <summary>The netmask: <see cref="PrefixLength"/> one bits, then zeros (255.255.255.0 for /24).</summary>
    public Ipv4Address Netmask => MaskOf(PrefixLength);

    /// <summary>The directed broadcast address: every host bit set (192.168.1.255 for 192.168.1.0/24).</summary>
    public Ipv4Address BroadcastAddress => Ipv4Address.FromUInt32(BaseAddress.Value | ~Netmask.Value);

    /// <summary>The network that <paramref name="address"/> is in under <paramref name="netmask"/>, such as 192.168.1.7 and 255.255.255.0 giving 192.168.1.0/24.</summary>
    /// <exception cref="ArgumentException">The netmask is not contiguous ones followed by zeros.</exception>
    public static Ipv4Network FromNetmask(Ipv4Address address, Ipv4Address netmask) =>
        TryGetPrefixLength(netmask, out int prefixLength)
            ? new Ipv4Network(address & netmask, prefixLength)
            : throw new ArgumentException(
                $"{netmask} is not a netmask: its one bits must all come before its zero bits (such as 255.255.255.0).", nameof(netmask));

    /// <summary>The network of <paramref name="address"/> with <paramref name="prefixLength"/> network bits (host bits are cleared).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is not 0 to 32.</exception>
    public static Ipv4Network Containing(Ipv4Address address, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        return new Ipv4Network(address & MaskOf(prefixLength), prefixLength);
    }

    /// <summary>The prefix length of a netmask, or false when the mask is not contiguous.</summary>
    public static bool TryGetPrefixLength(Ipv4Address netmask, out int prefixLength)
    {
        prefixLength = System.Numerics.BitOperations.LeadingZeroCount(~netmask.Value);
        return MaskOf(prefixLength) == netmask;
    }

    /// <summary>True when <paramref name="address"/> is in this network: its network part is the base address.</summary>
    public bool Contains(Ipv4Address address) => (address & Netmask) == BaseAddress;

    /// <inheritdoc/>
    public static bool operator ==(Ipv4Network left, Ipv4Network right) => left.Equals(right);

    /// <inheritdoc/>
    public static bool operator !=(Ipv4Network left, Ipv4Network right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Ipv4Network other) => BaseAddress == other.BaseAddress && PrefixLength == other.PrefixLength;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Ipv4Network other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BaseAddress, PrefixLength);

    /// <summary>CIDR notation: "192.168.1.0/24".</summary>
    public override string ToString() => $"{BaseAddress}/{PrefixLength}";

    /// <summary>CIDR notation; "G" or empty is the only format.</summary>
    /// <exception cref="FormatException">The format is not "G".</exception>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(Ipv4Network));
        return ToString();
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        AsciiFormatting.CheckGeneralFormat(format, nameof(Ipv4Network));
        return destination.TryWrite(CultureInfo.InvariantCulture, $"{BaseAddress}/{PrefixLength}", out charsWritten);
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        AsciiFormatting.TryFormatUtf8(this, utf8Destination, out bytesWritten, format);

    /// <summary>Parses "192.168.1.0/24" or "192.168.1.0/255.255.255.0". The host bits must be zero.</summary>
    /// <exception cref="FormatException">The text is not a network, the mask is not a netmask, or host bits are set.</exception>
    public static Ipv4Network Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static Ipv4Network Parse(ReadOnlySpan<char> s) =>
        TryParse(s, out Ipv4Network result, out string? problem)
            ? result
            : throw new FormatException($"'{s}' is not an IPv4 network: {problem}");

    /// <summary>Parses a network, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Ipv4Network result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses a network, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Ipv4Network result) => TryParse(s, out result, out _);

    /// <inheritdoc/>
    static Ipv4Network IParsable<Ipv4Network>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static Ipv4Network ISpanParsable<Ipv4Network>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc/>
    static bool IParsable<Ipv4Network>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Ipv4Network result) => TryParse(s, out result);

    /// <inheritdoc/>
    static bool ISpanParsable<Ipv4Network>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Ipv4Network result) => TryParse(s, out result);

    private static bool TryParse(ReadOnlySpan<char> s, out Ipv4Network result, [NotNullWhen(false)] out string? problem)
    {
        result = default;
        if (!TryParseAddressAndPrefix(s, out Ipv4Address address, out int prefixLength, out problem))
        {
            return false;
        }

        Ipv4Address networkPart = address & MaskOf(prefixLength);
        if (networkPart != address)
        {
            problem = $"host bits are set: the network is {networkPart}/{prefixLength}.";
            return false;
        }

        result = new Ipv4Network(address, prefixLength);
        return true;
    }

    /// <summary>
    /// Reads "address/prefix-length" or "address/netmask" without requiring the host bits to
    /// be clear: the form of an interface's address, such as "192.168.1.10/24".
    /// </summary>
    internal static bool TryParseAddressAndPrefix(ReadOnlySpan<char> s, out Ipv4Address address, out int prefixLength, [NotNullWhen(false)] out string? problem)
    {
        address = default;
        prefixLength = 0;
        int slash = s.IndexOf('/');
        if (slash < 0 || !Ipv4Address.TryParse(s[..slash], out address))
        {
            problem = "write an address, a slash and a prefix length or netmask, such as \"192.168.1.0/24\".";
            return false;
        }

        ReadOnlySpan<char> suffix = s[(slash + 1)..];
        if (Ipv4Address.TryParse(suffix, out Ipv4Address netmask))
        {
            if (!TryGetPrefixLength(netmask, out prefixLength))
            {
                problem = $"{netmask} is not a netmask: its one bits must all come before its zero bits.";
                return false;
            }
        }
        else if (suffix.IsEmpty || suffix.Length > 2 || !int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > 32)
        {
            problem = "the prefix length must be a number from 0 to 32.";
            return false;
        }

        problem = null;
        return true;
    }

    private static Ipv4Address MaskOf(int prefixLength) =>
        Ipv4Address.FromUInt32(prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength)); // a shift by 32 would shift by 0
}
