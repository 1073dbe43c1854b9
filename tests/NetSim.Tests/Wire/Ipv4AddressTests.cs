using System.Net;
using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class Ipv4AddressTests
{
    [Theory]
    [InlineData("192.168.1.1", 0xc0a80101u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xffffffffu)]
    [InlineData("10.0.0.1", 0x0a000001u)]
    public void Parses_and_formats_dotted_decimal(string text, uint value)
    {
        Ipv4Address address = Ipv4Address.Parse(text);
        address.Value.Should().Be(value);
        address.ToString().Should().Be(text);
        $"{address}".Should().Be(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("192.168.1")]
    [InlineData("192.168.1.1.1")]
    [InlineData("192.168.1.256")]
    [InlineData("192.168.01.1")]
    [InlineData("192.168.1.1 ")]
    [InlineData("192..1.1")]
    [InlineData("-1.0.0.0")]
    [InlineData("1234.0.0.0")]
    [InlineData("a.b.c.d")]
    public void Rejects_what_is_not_an_address(string text)
    {
        Ipv4Address.TryParse(text, out _).Should().BeFalse();
        ((Action)(() => Ipv4Address.Parse(text))).Should().Throw<FormatException>().WithMessage($"'{text}'*");
    }

    [Fact]
    public void Converts_to_and_from_IPAddress_and_bytes()
    {
        Ipv4Address address = Ipv4Address.FromBytes(192, 168, 1, 1);
        address.ToIPAddress().Should().Be(IPAddress.Parse("192.168.1.1"));
        Ipv4Address.FromIPAddress(IPAddress.Parse("10.1.2.3")).Should().Be(Ipv4Address.Parse("10.1.2.3"));
        ((Action)(() => Ipv4Address.FromIPAddress(IPAddress.IPv6Loopback))).Should().Throw<ArgumentException>();

        var bytes = new byte[5];
        address.WriteTo(bytes.AsSpan(1));
        bytes.Should().Equal(0, 192, 168, 1, 1);
        Ipv4Address.Read(bytes.AsSpan(1)).Should().Be(address);
    }

    [Fact]
    public void Knows_its_special_ranges()
    {
        Ipv4Address.Broadcast.IsBroadcast.Should().BeTrue();
        Ipv4Address.Parse("224.0.0.5").IsMulticast.Should().BeTrue();
        Ipv4Address.Parse("239.255.255.250").IsMulticast.Should().BeTrue();
        Ipv4Address.Parse("240.0.0.1").IsMulticast.Should().BeFalse();
        Ipv4Address.Loopback.IsLoopback.Should().BeTrue();
        (Ipv4Address.Parse("192.168.1.77") & Ipv4Address.Parse("255.255.255.0")).Should().Be(Ipv4Address.Parse("192.168.1.0"));
    }

    [Fact]
    public void Follows_value_type_conventions()
    {
        ValueConventions.Check(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.FromBytes(10, 0, 0, 1), Ipv4Address.Parse("10.0.0.2"));
    }
}
