using FluentAssertions.Equivalency;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Labs.Tests;

public class LabFileTests
{
    private static EquivalencyAssertionOptions<LabDefinition> ByMembers(EquivalencyAssertionOptions<LabDefinition> options) =>
        options.ComparingRecordsByMembers().RespectingRuntimeTypes().WithStrictOrdering()
            .Excluding((IMemberInfo member) => member.Name == "Position");

    private static LabInterface Interface(string text)
    {
        string[] parts = text.Split('/');
        return new LabInterface(Ipv4Address.Parse(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static LabDevice Device(string name, LabDeviceKind kind, int ports = 0, string[]? interfaces = null, string? gateway = null, LabRoute[]? routes = null, LabDnsRecord[]? records = null, LabWebPage[]? pages = null) =>
        new(name, kind, ports, [.. (interfaces ?? []).Select(Interface)], gateway is null ? null : Ipv4Address.Parse(gateway), routes ?? [], records ?? [], pages ?? []);

    [Fact]
    public void The_web_visit_lab_is_read_into_its_devices_links_application_captures_and_checks()
    {
        string path = LabPaths.Of("web-visit.yaml");

        LabDefinition lab = LabFile.Load(path);

        var lan = DataRate.Parse("1Gbps");
        var wan = DataRate.Parse("100Mbps");
        var expected = new LabDefinition(
            path,
            "web-visit",
            "A browser visits www.example.com through two routers.",
            Seed: 1,
            StopTime: SimTime.FromSeconds(10),
            AddressPlan: null,
            ComputeRoutes: false,
            Devices:
            [
                Device("pc", LabDeviceKind.Host, interfaces: ["192.168.1.10/24"], gateway: "192.168.1.1"),
                Device("sw", LabDeviceKind.Switch, ports: 8),
                Device("r1", LabDeviceKind.Router, interfaces: ["192.168.1.1/24", "203.0.113.1/24"], routes: [new(Ipv4Network.Parse("0.0.0.0/0"), Ipv4Address.Parse("203.0.113.2"))]),
                Device("r2", LabDeviceKind.Router, interfaces: ["203.0.113.2/24", "198.51.100.1/24", "93.184.216.1/24"], routes: [new(Ipv4Network.Parse("192.168.1.0/24"), Ipv4Address.Parse("203.0.113.1"))]),
                Device("dns", LabDeviceKind.DnsServer, interfaces: ["198.51.100.53/24"], gateway: "198.51.100.1", records:
                [
                    new("www.example.com", null, "example.com", 300),
                    new("example.com", Ipv4Address.Parse("93.184.216.34"), null, 3600),
                ]),
                Device("www", LabDeviceKind.WebServer, interfaces: ["93.184.216.34/24"], gateway: "93.184.216.1", pages:
                [
                    new("/", "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>\n"),
                ]),
            ],
            Links:
            [
                new(new("pc", null), new("sw", null), lan, SimDuration.FromMicroseconds(1), 0, LabQueueDiscipline.DropTail),
                new(new("r1", 0), new("sw", null), lan, SimDuration.FromMicroseconds(1), 0, LabQueueDiscipline.DropTail),
                new(new("r1", 1), new("r2", 0), wan, SimDuration.FromMilliseconds(5), 0, LabQueueDiscipline.DropTail),
                new(new("r2", 1), new("dns", null), wan, SimDuration.FromMilliseconds(2), 0, LabQueueDiscipline.DropTail),
                new(new("r2", 2), new("www", null), wan, SimDuration.FromMilliseconds(10), 0, LabQueueDiscipline.FqCoDel),
            ],
            Applications: [new LabWebVisit("visit", "pc", SimTime.Zero, new Uri("http://www.example.com/"), "dns")],
            Captures: [new(new("pc", null), null), new(new("r2", 2), "web-side.pcap")],
            Checks:
            [
                new LabWebVisitCheck(null, "visit", 200),
                new LabArpCacheCheck(null, "pc", "192.168.1.1", true),
                new LabMacTableCheck(SimTime.FromSeconds(2), "sw", "pc", 0),
            ]);
        lab.Should().BeEquivalentTo(expected, ByMembers);
        lab.Devices[1].Position.Should().Be(new LabPosition(13, 3), "sw is declared on line 13");
        lab.Links[2].Position.Should().Be(new LabPosition(43, 5), "the third link's mapping starts after its '- '");
        lab.Checks[2].Position.Should().Be(new LabPosition(65, 5));
    }

    [Fact]
    public void The_two_computers_lab_is_read_with_its_ping_and_checks()
    {
        LabDefinition lab = LabFile.Load(LabPaths.Of("two-computers.yaml"));

        lab.Devices.Select(d => (d.Name, d.Kind, d.Interfaces.Single().ToString())).Should().Equal(
            ("alice", LabDeviceKind.Host, "192.168.1.1/24"),
            ("bob", LabDeviceKind.Host, "192.168.1.2/24"));
        lab.Links.Should().ContainSingle().Which.Should().Be(
            new LabLink(new("alice", null), new("bob", null), DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(5), 0, LabQueueDiscipline.DropTail) { Position = new(8, 5) });
        lab.Applications.Should().Equal(new LabPing("ping", "alice", SimTime.Zero, "bob", 3) { Position = new(12, 5) });
        lab.Captures.Should().Equal(new LabCapture(new("alice", null), null) { Position = new(13, 12) });
        lab.Checks.Should().HaveCount(3);
        lab.Checks[0].Should().Be(new LabPingCheck(null, "ping", LabPingOutcome.Answered) { Position = new(15, 5) });
        lab.Checks[2].Should().BeOfType<LabFramesReachedCheck>().Which.Only.Should().Equal("bob");
        lab.Seed.Should().Be(1UL);
        lab.StopTime.Should().BeNull();
    }

    [Fact]
    public void A_lab_in_JSON_is_read_as_the_same_lab_in_YAML()
    {
        LabDefinition yaml = LabFile.Load(LabPaths.Of("two-computers.yaml"));

        LabDefinition json = LabFile.Load(LabPaths.Of("two-computers.json"));

        json.Should().BeEquivalentTo(yaml, options => ByMembers(options).Excluding(lab => lab.FileName));
        json.Links[0].Position.Should().Be(new LabPosition(9, 5), "positions are the JSON text's own");
    }

    [Fact]
    public void The_address_plan_lab_reads_every_kind_of_application_and_queue()
    {
        LabDefinition lab = LabFile.Load(LabPaths.Of("address-plan.yaml"));

        lab.AddressPlan.Should().Be(new LabAddressPlan(Ipv4Network.Parse("10.0.0.0/16"), 24) { Position = new LabPosition(4, 15) });
        lab.ComputeRoutes.Should().BeTrue();
        lab.Devices.Should().OnlyContain(d => d.Interfaces.Count == 0);
        lab.Links.Select(l => (l.Loss, l.Queue)).Should().Equal((0.0, LabQueueDiscipline.DropTail), (0.01, LabQueueDiscipline.Red), (0.0, LabQueueDiscipline.CoDel));
        lab.Applications.Select(a => a.GetType()).Should().Equal(typeof(LabPing), typeof(LabTraceroute), typeof(LabFileTransfer), typeof(LabUdpConstantRate), typeof(LabDnsLookup));
        lab.Applications[2].Should().Be(new LabFileTransfer(null, "h1", SimTime.FromSeconds(3), "h2", 1_000_000, 5001) { Position = new(18, 5) });
        lab.Applications[3].Should().Be(new LabUdpConstantRate(null, "h2", SimTime.FromSeconds(4), "h1", DataRate.Parse("2Mbps"), 500, 7000, SimTime.FromSeconds(6)) { Position = new(19, 5) });
        lab.Checks.Should().Equal(new LabPingCheck(SimTime.FromSeconds(2), "p", LabPingOutcome.Lost) { Position = new(22, 5) });
    }

    [Fact]
    public void The_devices_to_show_are_read_in_order_and_none_when_not_given()
    {
        LabFile.Parse("devices: { pc: { kind: host }, sw: { kind: switch, ports: 2 } }\nshow: [sw, pc]\n", "lab.yaml").Show.Should().Equal("sw", "pc");
        LabFile.Parse("devices: { pc: { kind: host } }\n", "lab.yaml").Show.Should().BeEmpty();
    }

    [Fact]
    public void A_missing_file_is_a_lab_file_exception_naming_it()
    {
        string path = Path.Combine(LabPaths.Directory, "no-such-lab.yaml");

        Action load = () => LabFile.Load(path);

        load.Should().Throw<LabFileException>().Which.Message.Should().StartWith($"{path}: cannot read the lab file: ");
    }
}
