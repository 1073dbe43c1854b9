using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class RoutingTableTests
{
    private static Ipv4Address A(string text) => Ipv4Address.Parse(text);

    private static Ipv4Network N(string text) => Ipv4Network.Parse(text);

    private static Route Via(string destination, string gateway, int interfaceIndex = 0) =>
        new(N(destination), A(gateway), interfaceIndex);

    private static Route OnLink(string destination, int interfaceIndex = 0) =>
        new(N(destination), Ipv4Address.Any, interfaceIndex, RouteOrigin.Connected);

    private static Ipv4Network? Lookup(RoutingTable table, string address) =>
        table.TryLookup(A(address), out Route route) ? route.Destination : null;

    private static RoutingTable Nested(bool withDefault)
    {
        var table = new RoutingTable();
        if (withDefault)
        {
            table.Add(Via("0.0.0.0/0", "192.168.0.1"));
        }

        table.Add(Via("10.0.0.0/8", "192.168.0.2", 1));
        table.Add(Via("10.1.0.0/16", "192.168.0.3", 2));
        table.Add(OnLink("10.1.2.0/24", 3));
        table.Add(Via("10.1.2.3/32", "10.1.2.254", 3));
        return table;
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3/32")]
    [InlineData("10.1.2.4", "10.1.2.0/24")]
    [InlineData("10.1.2.2", "10.1.2.0/24")]
    [InlineData("10.1.2.0", "10.1.2.0/24")]
    [InlineData("10.1.2.255", "10.1.2.0/24")]
    [InlineData("10.1.3.0", "10.1.0.0/16")]
    [InlineData("10.1.1.255", "10.1.0.0/16")]
    [InlineData("10.1.255.255", "10.1.0.0/16")]
    [InlineData("10.2.0.0", "10.0.0.0/8")]
    [InlineData("10.0.0.0", "10.0.0.0/8")]
    [InlineData("10.255.255.255", "10.0.0.0/8")]
    [InlineData("11.0.0.0", "0.0.0.0/0")]
    [InlineData("9.255.255.255", "0.0.0.0/0")]
    [InlineData("0.0.0.0", "0.0.0.0/0")]
    [InlineData("255.255.255.255", "0.0.0.0/0")]
    public void The_longest_matching_prefix_wins(string address, string expected)
    {
        Lookup(Nested(withDefault: true), address).Should().Be(N(expected));
    }

    [Theory]
    [InlineData("11.0.0.0")]
    [InlineData("9.255.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    public void Without_a_default_route_an_address_outside_every_prefix_has_no_route(string address)
    {
        RoutingTable table = Nested(withDefault: false);
        table.TryLookup(A(address), out Route route).Should().BeFalse();
        route.Should().Be(default(Route));
        Lookup(table, "10.1.2.3").Should().Be(N("10.1.2.3/32"));
    }

    [Fact]
    public void An_empty_table_has_no_route()
    {
        var table = new RoutingTable();
        table.TryLookup(A("10.0.0.1"), out _).Should().BeFalse();
        table.Count.Should().Be(0);
        table.GetRoutes().Should().BeEmpty();
    }

    [Fact]
    public void The_lookup_returns_the_whole_route()
    {
        Nested(withDefault: true).TryLookup(A("10.1.2.3"), out Route route).Should().BeTrue();
        route.Should().Be(new Route(N("10.1.2.3/32"), A("10.1.2.254"), 3, RouteOrigin.Static));
        route.IsOnLink.Should().BeFalse();

        Nested(withDefault: true).TryLookup(A("10.1.2.9"), out route).Should().BeTrue();
        route.Should().Be(new Route(N("10.1.2.0/24"), Ipv4Address.Any, 3, RouteOrigin.Connected));
        route.IsOnLink.Should().BeTrue();
    }

    [Fact]
    public void Removing_a_route_lets_the_next_longest_prefix_match()
    {
        RoutingTable table = Nested(withDefault: true);
        Lookup(table, "10.1.2.3").Should().Be(N("10.1.2.3/32"));

        table.Remove(N("10.1.2.3/32")).Should().BeTrue();
        Lookup(table, "10.1.2.3").Should().Be(N("10.1.2.0/24"));
        table.Remove(N("10.1.0.0/16")).Should().BeTrue();
        Lookup(table, "10.1.3.0").Should().Be(N("10.0.0.0/8"));
        Lookup(table, "10.1.2.3").Should().Be(N("10.1.2.0/24"));
        table.Remove(N("0.0.0.0/0")).Should().BeTrue();
        table.TryLookup(A("11.0.0.0"), out _).Should().BeFalse();

        table.Remove(N("0.0.0.0/0")).Should().BeFalse("it is gone already");
        table.Remove(N("10.1.2.0/23")).Should().BeFalse("only the exact prefix is removed");
        table.Count.Should().Be(2);
    }

    [Fact]
    public void Replacing_a_route_changes_the_answer()
    {
        RoutingTable table = Nested(withDefault: true);
        table.AddOrReplace(Via("10.1.0.0/16", "172.16.0.1", 7));

        table.TryLookup(A("10.1.9.9"), out Route route).Should().BeTrue();
        route.Gateway.Should().Be(A("172.16.0.1"));
        route.InterfaceIndex.Should().Be(7);
        table.Count.Should().Be(5);

        table.AddOrReplace(Via("10.1.9.0/24", "172.16.0.2", 8));
        table.TryLookup(A("10.1.9.9"), out route).Should().BeTrue();
        route.Destination.Should().Be(N("10.1.9.0/24"));
        table.Count.Should().Be(6);
    }

    [Fact]
    public void Adding_a_second_route_to_the_same_prefix_throws_and_names_the_existing_route()
    {
        RoutingTable table = Nested(withDefault: true);

        Action add = () => table.Add(Via("10.1.0.0/16", "172.16.0.1", 7));

        add.Should().Throw<ArgumentException>()
            .WithMessage("*10.1.0.0/16*10.1.0.0/16 via 192.168.0.3 if 2 (static)*AddOrReplace*");
        Lookup(table, "10.1.9.9").Should().Be(N("10.1.0.0/16"));
        table.TryLookup(A("10.1.9.9"), out Route route).Should().BeTrue();
        route.Gateway.Should().Be(A("192.168.0.3"), "the table is unchanged");
    }

    [Fact]
    public void A_negative_interface_index_is_refused()
    {
        var table = new RoutingTable();
        Route route = Via("10.0.0.0/8", "192.168.0.1", -1);

        ((Action)(() => table.Add(route))).Should().Throw<ArgumentException>().WithMessage("*interface index*-1*");
        ((Action)(() => table.AddOrReplace(route))).Should().Throw<ArgumentException>().WithMessage("*interface index*-1*");
        table.Count.Should().Be(0);
    }

    [Fact]
    public void Host_routes_at_both_ends_of_the_address_space_match_only_themselves()
    {
        var table = new RoutingTable();
        table.Add(Via("255.255.255.255/32", "10.0.0.1", 1));
        table.Add(Via("0.0.0.0/32", "10.0.0.2", 2));

        Lookup(table, "255.255.255.255").Should().Be(N("255.255.255.255/32"));
        Lookup(table, "255.255.255.254").Should().BeNull();
        Lookup(table, "0.0.0.0").Should().Be(N("0.0.0.0/32"));
        Lookup(table, "0.0.0.1").Should().BeNull();
        Lookup(table, "128.0.0.0").Should().BeNull();

        table.Add(Via("0.0.0.0/0", "10.0.0.3", 3));
        Lookup(table, "255.255.255.255").Should().Be(N("255.255.255.255/32"));
        Lookup(table, "255.255.255.254").Should().Be(N("0.0.0.0/0"));
        Lookup(table, "0.0.0.0").Should().Be(N("0.0.0.0/32"));
        Lookup(table, "0.0.0.1").Should().Be(N("0.0.0.0/0"));
    }

    [Fact]
    public void The_two_halves_of_the_address_space_cover_it_all_and_beat_the_default()
    {
        var table = new RoutingTable();
        table.Add(Via("128.0.0.0/1", "10.0.0.1", 1));
        table.Add(Via("0.0.0.0/1", "10.0.0.2", 2));

        Lookup(table, "0.0.0.0").Should().Be(N("0.0.0.0/1"));
        Lookup(table, "127.255.255.255").Should().Be(N("0.0.0.0/1"));
        Lookup(table, "128.0.0.0").Should().Be(N("128.0.0.0/1"));
        Lookup(table, "255.255.255.255").Should().Be(N("128.0.0.0/1"));

        table.Add(Via("0.0.0.0/0", "10.0.0.3", 3));
        table.Add(Via("255.255.255.255/32", "10.0.0.4", 4));
        table.Add(Via("0.0.0.0/32", "10.0.0.5", 5));
        Lookup(table, "0.0.0.0").Should().Be(N("0.0.0.0/32"));
        Lookup(table, "0.0.0.1").Should().Be(N("0.0.0.0/1"));
        Lookup(table, "127.255.255.255").Should().Be(N("0.0.0.0/1"));
        Lookup(table, "128.0.0.0").Should().Be(N("128.0.0.0/1"));
        Lookup(table, "255.255.255.254").Should().Be(N("128.0.0.0/1"));
        Lookup(table, "255.255.255.255").Should().Be(N("255.255.255.255/32"));

        table.Remove(N("0.0.0.0/1")).Should().BeTrue();
        Lookup(table, "0.0.0.1").Should().Be(N("0.0.0.0/0"));
        Lookup(table, "127.255.255.255").Should().Be(N("0.0.0.0/0"));
    }

    // With every length from 0, the table almost surely has a default route and both /1
    // halves, which would hide mistakes at the top level: sparser tables start longer.
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(16)]
    public void Lookups_agree_with_a_scan_of_every_route_for_random_tables(int shortestPrefix)
    {
        var random = new Random(42);
        var table = new RoutingTable();
        var reference = new Dictionary<Ipv4Network, Route>();
        for (int i = 0; i < 2_000; i++)
        {
            // Half the routes lie inside an earlier one, so that prefixes nest deeply.
            uint address = reference.Count > 0 && random.Next(2) == 0
                ? Inside(reference.Keys.ElementAt(random.Next(reference.Count)), random)
                : RandomAddress(random);
            var route = new Route(
                Ipv4Network.Containing(Ipv4Address.FromUInt32(address), random.Next(shortestPrefix, 33)),
                Ipv4Address.FromUInt32(RandomAddress(random)),
                random.Next(8),
                random.Next(2) == 0 ? RouteOrigin.Static : RouteOrigin.Connected);
            table.AddOrReplace(route);
            reference[route.Destination] = route;
        }

        table.Count.Should().Be(reference.Count);
        var probes = new List<uint>();
        for (int i = 0; i < 20_000; i++)
        {
            probes.Add(RandomAddress(random));
        }

        foreach (Ipv4Network network in reference.Keys)
        {
            uint first = network.BaseAddress.Value;
            uint last = network.BroadcastAddress.Value;
            probes.AddRange([first, last, unchecked(first - 1), unchecked(last + 1)]);
        }

        Route[] routes = [.. reference.Values];
        int mismatches = 0;
        string? firstMismatch = null;
        foreach (uint probe in probes)
        {
            var address = Ipv4Address.FromUInt32(probe);
            bool found = table.TryLookup(address, out Route actual);
            Route? expected = NaiveLookup(routes, address);
            if (found != expected.HasValue || (found && actual != expected!.Value))
            {
                mismatches++;
                firstMismatch ??= $"{address}: table {(found ? actual.ToString() : "none")}, scan {(expected?.ToString() ?? "none")}";
            }
        }

        mismatches.Should().Be(0, firstMismatch);
    }

    [Fact]
    public void Lookups_in_a_table_of_100000_routes_allocate_nothing()
    {
        var random = new Random(42);
        var table = new RoutingTable();
        table.Add(Via("0.0.0.0/0", "192.168.0.1"));
        while (table.Count < 100_001)
        {
            var network = Ipv4Network.Containing(Ipv4Address.FromUInt32(RandomAddress(random)), random.Next(8, 33));
            table.AddOrReplace(new Route(network, A("192.168.0.2"), 1));
        }

        var addresses = new Ipv4Address[100_000];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = Ipv4Address.FromUInt32(RandomAddress(random));
        }

        long found = 0;
        foreach (Ipv4Address address in addresses.AsSpan(0, 1_000)) // warm up: the rebuild, the JIT
        {
            found += table.TryLookup(address, out _) ? 1 : 0;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (Ipv4Address address in addresses)
        {
            found += table.TryLookup(address, out Route route) && route.InterfaceIndex == 1 ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        found.Should().Be(101_000, "the default route catches every address");
    }

    [Fact]
    public void The_printed_table_lists_every_route_most_specific_first()
    {
        var table = new RoutingTable();
        table.Add(Via("0.0.0.0/0", "192.168.1.1"));
        table.Add(OnLink("192.168.1.0/24", 0));
        table.Add(Via("10.1.0.0/16", "192.168.1.2", 1));
        table.Add(Via("10.0.0.0/16", "192.168.1.3", 12));

        string[] lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().Equal(
            "Routing table (4 routes)",
            "Destination     Gateway      Interface  Origin",
            "192.168.1.0/24  on-link      0          connected",
            "10.0.0.0/16     192.168.1.3  12         static",
            "10.1.0.0/16     192.168.1.2  1          static",
            "0.0.0.0/0       192.168.1.1  0          static");
        table.GetRoutes().Select(r => r.Destination).Should().Equal(N("192.168.1.0/24"), N("10.0.0.0/16"), N("10.1.0.0/16"), N("0.0.0.0/0"));
    }

    [Fact]
    public void A_route_reads_like_a_line_of_a_routing_table()
    {
        Via("10.1.0.0/16", "10.0.0.2", 1).ToString().Should().Be("10.1.0.0/16 via 10.0.0.2 if 1 (static)");
        OnLink("192.168.1.0/24", 0).ToString().Should().Be("192.168.1.0/24 on-link if 0 (connected)");
        new Route(N("0.0.0.0/0"), A("10.0.0.1"), 2).Origin.Should().Be(RouteOrigin.Static);
    }

    private static uint RandomAddress(Random random) => (uint)random.NextInt64(1L << 32);

    private static uint Inside(Ipv4Network network, Random random) =>
        network.BaseAddress.Value | (RandomAddress(random) & ~network.Netmask.Value);

    private static Route? NaiveLookup(Route[] routes, Ipv4Address address)
    {
        Route? best = null;
        foreach (Route route in routes)
        {
            if (route.Destination.Contains(address) && (best is null || route.Destination.PrefixLength > best.Value.Destination.PrefixLength))
            {
                best = route;
            }
        }

        return best;
    }
}
