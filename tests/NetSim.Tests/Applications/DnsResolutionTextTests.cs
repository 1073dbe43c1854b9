using NetSim.Applications;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tests.Applications;

/// <summary>A <see cref="DnsResolution"/> prints what was found, as <c>host</c> does, not its list's type name.</summary>
public class DnsResolutionTextTests
{
    [Fact]
    public void An_answer_through_an_alias_names_the_alias_the_addresses_and_how_it_was_found()
    {
        var resolution = new DnsResolution(
            "www.example.com", DnsResolutionStatus.Success, "example.com",
            [Ipv4Address.Parse("93.184.216.34"), Ipv4Address.Parse("93.184.216.35")], 300, FromCache: false, Queries: 2, SimDuration.FromMilliseconds(20));

        resolution.ToString().Should().Be(
            "www.example.com is an alias for example.com; example.com has addresses 93.184.216.34, 93.184.216.35 (TTL 300 s, 2 queries, 20 ms)");
    }

    [Fact]
    public void An_answer_from_the_cache_says_so()
    {
        var resolution = new DnsResolution(
            "example.com", DnsResolutionStatus.Success, "example.com", [Ipv4Address.Parse("93.184.216.34")], 120, FromCache: true, Queries: 0, SimDuration.Zero);

        resolution.ToString().Should().Be("example.com has address 93.184.216.34 (TTL 120 s, from the cache)");
    }

    [Fact]
    public void A_failed_resolution_says_why()
    {
        var resolution = new DnsResolution(
            "nowhere.example", DnsResolutionStatus.NameError, "nowhere.example", [], 0, FromCache: false, Queries: 1, SimDuration.FromMilliseconds(10));

        resolution.ToString().Should().Be("nowhere.example: no such name (NXDOMAIN) (1 query, 10 ms)");
    }
}
