using System.Net.NetworkInformation;
using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class MacAddressTests
{
    [Theory]
    [InlineData("02:00:00:00:00:01", 0x020000000001UL)]
    [InlineData("aa-bb-cc-dd-ee-ff", 0xaabbccddeeffUL)]
    [InlineData("AA:BB:CC:DD:EE:FF", 0xaabbccddeeffUL)]
    [InlineData("ff:ff:ff:ff:ff:ff", 0xffffffffffffUL)]
    public void Parses_colon_and_dash_forms(string text, ulong value)
    {
        MacAddress.Parse(text).ToUInt64().Should().Be(value);
        MacAddress.TryParse(text, out MacAddress parsed).Should().BeTrue();
        parsed.ToUInt64().Should().Be(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02:00:00:00:00")]
    [InlineData("02:00:00:00:00:01:02")]
    [InlineData("02:00-00:00:00:01")]
    [InlineData("02.00.00.00.00.01")]
    [InlineData("0g:00:00:00:00:01")]
    [InlineData("+2:00:00:00:00:01")]
    [InlineData(" 02:00:00:00:00:01")]
    public void Rejects_what_is_not_an_address(string text)
    {
        MacAddress.TryParse(text, out _).Should().BeFalse();
        ((Action)(() => MacAddress.Parse(text))).Should().Throw<FormatException>().WithMessage($"'{text}'*");
    }

    [Fact]
    public void Formats_lowercase_with_colons_or_dashes()
    {
        MacAddress mac = MacAddress.Parse("AA-BB-CC-0D-0E-0F");
        mac.ToString().Should().Be("aa:bb:cc:0d:0e:0f");
        mac.ToString("D", null).Should().Be("aa-bb-cc-0d-0e-0f");
        $"{mac}".Should().Be("aa:bb:cc:0d:0e:0f");
        var utf8 = new byte[17];
        mac.TryFormat(utf8, out int written, "D", null).Should().BeTrue();
        System.Text.Encoding.ASCII.GetString(utf8, 0, written).Should().Be("aa-bb-cc-0d-0e-0f");
        ((Action)(() => mac.ToString("X", null))).Should().Throw<FormatException>();
    }

    [Fact]
    public void Knows_broadcast_multicast_and_locally_administered_bits()
    {
        MacAddress.Broadcast.IsBroadcast.Should().BeTrue();
        MacAddress.Broadcast.IsMulticast.Should().BeTrue();
        MacAddress.Parse("01:00:5e:00:00:01").IsMulticast.Should().BeTrue("the I/G bit of the first byte is set");
        MacAddress.Parse("01:00:5e:00:00:01").IsBroadcast.Should().BeFalse();
        MacAddress.Parse("00:1b:21:3a:4f:10").IsUnicast.Should().BeTrue();
        MacAddress.Parse("00:1b:21:3a:4f:10").IsLocallyAdministered.Should().BeFalse();
        MacAddress.Parse("02:00:00:00:00:01").IsLocallyAdministered.Should().BeTrue("the U/L bit is the second bit of the first byte");
    }

    [Fact]
    public void Reads_and_writes_six_bytes_in_wire_order()
    {
        byte[] bytes = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x99];
        MacAddress mac = MacAddress.Read(bytes);
        mac.ToString().Should().Be("de:ad:be:ef:00:01");
        var written = new byte[] { 7, 7, 7, 7, 7, 7, 7 };
        mac.WriteTo(written);
        written.Should().Equal(0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 7);
        ((Action)(() => MacAddress.Read(bytes.AsSpan(0, 5)))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Converts_to_and_from_PhysicalAddress()
    {
        MacAddress mac = MacAddress.Parse("00:1b:21:3a:4f:10");
        mac.ToPhysicalAddress().Should().Be(PhysicalAddress.Parse("00-1B-21-3A-4F-10"));
        MacAddress.FromPhysicalAddress(PhysicalAddress.Parse("00-1B-21-3A-4F-10")).Should().Be(mac);
        ((Action)(() => MacAddress.FromPhysicalAddress(new PhysicalAddress([1, 2, 3])))).Should().Throw<ArgumentException>();
        ((Action)(() => MacAddress.FromUInt64(1UL << 48))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Follows_value_type_conventions()
    {
        ValueConventions.Check(MacAddress.Parse("02:00:00:00:00:01"), MacAddress.Parse("02-00-00-00-00-01"), MacAddress.Parse("02:00:00:00:00:02"));
    }
}
