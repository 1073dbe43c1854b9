using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class Ipv4NetworkTests
{
    private static Ipv4Address A(string text) => Ipv4Address.Parse(text);

    [Theory]
    [InlineData("192.168.1.0/24", "192.168.1.0", 24, "255.255.255.0")]
    [InlineData("192.168.1.0/255.255.255.0", "192.168.1.0", 24, "255.255.255.0")]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8, "255.0.0.0")]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, "0.0.0.0")]
    [InlineData("192.168.1.7/32", "192.168.1.7", 32, "255.255.255.255")]
    [InlineData("172.16.0.0/12", "172.16.0.0", 12, "255.240.0.0")]
    public void Parses_CIDR_with_a_prefix_length_or_a_netmask(string text, string baseAddress, int prefix, string netmask)
    {
        Ipv4Network network = Ipv4Network.Parse(text);
        network.BaseAddress.Should().Be(A(baseAddress));
        network.PrefixLength.Should().Be(prefix);
        network.Netmask.Should().Be(A(netmask));
        network.ToString().Should().Be($"{baseAddress}/{prefix}");
    }

    [Theory]
    [InlineData("192.168.1.0", "*slash*")]
    [InlineData("192.168.1.0/33", "*0 to 32*")]
    [InlineData("192.168.1.0/-1", "*0 to 32*")]
    [InlineData("192.168.1.5/24", "*host bits are set: the network is 192.168.1.0/24*")]
    [InlineData("192.168.1.0/255.0.255.0", "*255.0.255.0 is not a netmask*")]
    public void Says_exactly_what_is_wrong(string text, string message)
    {
        Ipv4Network.TryParse(text, out _).Should().BeFalse();
        ((Action)(() => Ipv4Network.Parse(text))).Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void A_non_contiguous_netmask_is_an_error_with_a_clear_message()
    {
        ((Action)(() => Ipv4Network.FromNetmask(A("192.168.1.1"), A("255.255.0.255"))))
            .Should().Throw<ArgumentException>().WithMessage("255.255.0.255 is not a netmask*");
        Ipv4Network.TryGetPrefixLength(A("255.255.255.128"), out int prefix).Should().BeTrue();
        prefix.Should().Be(25);
        ((Action)(() => _ = new Ipv4Network(A("10.1.2.3"), 8))).Should().Throw<ArgumentException>().WithMessage("*the network is 10.0.0.0/8*");
    }

    // The lesson: two hosts talk directly when their network parts under the netmask agree.
    [Theory]
    [InlineData("192.168.1.1", "192.168.1.2", 24, true)]
    [InlineData("192.168.1.1", "192.168.2.2", 24, false)]
    [InlineData("192.168.1.1", "192.168.2.2", 16, true)]
    [InlineData("10.0.0.1", "10.0.0.130", 25, false)]
    [InlineData("10.0.0.1", "10.0.0.126", 25, true)]
    [InlineData("10.0.0.1", "99.9.9.9", 0, true)]
    [InlineData("10.0.0.1", "10.0.0.1", 32, true)]
    [InlineData("10.0.0.1", "10.0.0.2", 32, false)]
    public void Membership_is_the_network_part_under_the_netmask(string own, string other, int prefix, bool onLink)
    {
        Ipv4Network network = Ipv4Network.Containing(A(own), prefix);
        network.Contains(A(other)).Should().Be(onLink);
        ((A(own) & network.Netmask) == (A(other) & network.Netmask)).Should().Be(onLink);
    }

    [Fact]
    public void Has_a_directed_broadcast_address()
    {
        Ipv4Network.Parse("192.168.1.0/24").BroadcastAddress.Should().Be(A("192.168.1.255"));
        Ipv4Network.Parse("10.0.0.0/25").BroadcastAddress.Should().Be(A("10.0.0.127"));
    }

    [Fact]
    public void Equality_and_formatting_follow_the_conventions()
    {
        Ipv4Network a = Ipv4Network.Parse("10.0.0.0/8");
        a.Should().Be(Ipv4Network.Parse("10.0.0.0/255.0.0.0"));
        (a == Ipv4Network.Parse("10.0.0.0/8")).Should().BeTrue();
        (a != Ipv4Network.Parse("10.0.0.0/9")).Should().BeTrue();
        a.GetHashCode().Should().Be(Ipv4Network.Parse("10.0.0.0/8").GetHashCode());
        var utf8 = new byte[18];
        a.TryFormat(utf8, out int written, default, null).Should().BeTrue();
        System.Text.Encoding.ASCII.GetString(utf8, 0, written).Should().Be("10.0.0.0/8");
        a.TryFormat(new char[5], out _, default, null).Should().BeFalse();
    }
}
