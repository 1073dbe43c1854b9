namespace NetSim.Labs.Tests;

public class BadLabTests
{
    /// <summary>Two switches and a host: the start of most bad labs below (lines 1 to 5).</summary>
    private const string Devices = """
        devices:
          pc: { kind: host, address: 192.168.1.10/24 }
          sw: { kind: switch, ports: 4 }
          r1: { kind: router, interfaces: [192.168.1.1/24] }
          www: { kind: web-server, address: 192.168.1.80/24 }

        """;

    public static TheoryData<string, string, string> Mistakes => new()
    {
        {
            "an unknown key, with a suggestion",
            Devices + """
            links:
              - between: [pc, sw]
                rat: 1Gbps
            """,
            "lab.yaml:8:5: unknown key 'rat' in link 1; did you mean 'rate'?"
        },
        {
            "an unknown top-level key",
            "devices: {}\nlinx: []\n",
            "lab.yaml:2:1: unknown key 'linx' in the lab; did you mean 'links'?"
        },
        {
            "an unknown key in a device, for its kind",
            "devices:\n  sw: { kind: switch, ports: 4, gateway: 10.0.0.1 }\n",
            "lab.yaml:2:33: unknown key 'gateway' in device 'sw'"
        },
        {
            "a port that does not exist",
            Devices + """
            links:
              - { between: [pc, sw] }
              - { between: [r1, sw/eth1] }
              - { between: [www, sw/eth4] }
            """,
            "lab.yaml:9:22: link 3: port sw/eth4 does not exist; sw has 4 ports"
        },
        {
            "a port taken twice",
            Devices + """
            links:
              - { between: [pc, sw/eth1] }
              - { between: [r1, sw/eth1] }
            """,
            "lab.yaml:8:5: link 2: port sw/eth1 already has a cable (each port takes one)"
        },
        {
            "more cables than a device has ports",
            Devices + """
            links:
              - { between: [pc, sw] }
              - { between: [pc, r1] }
            """,
            "lab.yaml:8:5: link 2: pc has 1 port, and this is its cable number 2"
        },
        {
            "a link from a device to itself",
            Devices + "links:\n  - { between: [sw/eth0, sw/eth1] }\n",
            "lab.yaml:7:26: link 1 joins sw to itself"
        },
        {
            "a port name that is not ethN",
            Devices + "links:\n  - { between: [pc, sw/port1] }\n",
            "lab.yaml:7:21: link 1: 'port1' is not a port name; ports are eth0, eth1, ..."
        },
        {
            "a link to a device that does not exist",
            Devices + """
            links:
              - { between: [pc, sw1] }
            """,
            "lab.yaml:7:21: link 1: there is no device 'sw1'; did you mean 'sw'?"
        },
        {
            "two devices with one name",
            "devices:\n  pc: { kind: host }\n  sw: { kind: switch, ports: 2 }\n  pc: { kind: host }\n",
            "lab.yaml:4:3: there are two devices named 'pc' (the first at line 2)"
        },
        {
            "a key given twice",
            "devices:\n  pc:\n    kind: host\n    address: 10.0.0.1/8\n    address: 10.0.0.2/8\n",
            "lab.yaml:5:5: 'address' is given twice in device 'pc' (first at line 4)"
        },
        {
            "a missing required key",
            "devices:\n  sw: { kind: switch }\n",
            "lab.yaml:2:7: device 'sw' has no 'ports'"
        },
        {
            "no devices",
            "name: empty\n",
            "lab.yaml:1:1: the lab has no 'devices'"
        },
        {
            "an unknown device kind",
            "devices:\n  pc: { kind: hots }\n",
            "lab.yaml:2:15: device 'pc': unknown kind 'hots'; a device is host, switch, hub, router, dns-server or web-server; did you mean 'host'?"
        },
        {
            "a bad address",
            "devices:\n  pc: { kind: host, address: 192.168.1.300/24 }\n",
            "lab.yaml:2:30: device 'pc': '192.168.1.300/24' is not an address with its prefix length, such as 192.168.1.10/24"
        },
        {
            "an address without its prefix",
            "devices:\n  pc: { kind: host, address: 192.168.1.3 }\n",
            "lab.yaml:2:30: device 'pc': '192.168.1.3' is not an address with its prefix length, such as 192.168.1.10/24"
        },
        {
            "a gateway off the subnet",
            "devices:\n  pc:\n    kind: host\n    address: 192.168.1.10/24\n    gateway: 192.168.2.1\n",
            "lab.yaml:5:14: device 'pc': the gateway 192.168.2.1 is not on pc's subnet 192.168.1.0/24; a gateway must be reachable directly"
        },
        {
            "a route's next hop off every subnet",
            "devices:\n  r: { kind: router, interfaces: [10.0.0.1/24, 10.0.1.1/24], routes: [{ to: default, via: 10.0.2.1 }] }\n",
            "lab.yaml:2:91: device 'r': route 1: the next hop 10.0.2.1 is not on any of the device's subnets (10.0.0.0/24, 10.0.1.0/24); a next hop must be reachable directly"
        },
        {
            "a MAC table check of a port the switch does not have",
            Devices + "checks:\n  - { kind: mac-table, device: sw, mac-of: pc, port: 4 }\n",
            "lab.yaml:7:54: check 1: port is a whole number from 0 to 3, not '4'"
        },
        {
            "a bad network in a route",
            "devices:\n  r: { kind: router, routes: [{ to: 10.0.0.1/8, via: 10.0.0.2 }] }\n",
            "lab.yaml:2:37: device 'r': route 1: 'to': '10.0.0.1/8' is not a network such as 10.0.0.0/16 (its host bits zero)"
        },
        {
            "a bad rate",
            Devices + "links:\n  - { between: [pc, sw], rate: fast }\n",
            "lab.yaml:7:32: link 1: 'fast' is not a rate; write one such as 100Mbps, 1Gbps or 56kbps"
        },
        {
            "a delay without a unit",
            Devices + "links:\n  - { between: [pc, sw], delay: 5 }\n",
            "lab.yaml:7:33: link 1: delay: '5' is not a duration; write one such as 5 ms or 1 us"
        },
        {
            "a loss out of range",
            Devices + "links:\n  - { between: [pc, sw], loss: 5 }\n",
            "lab.yaml:7:32: link 1: loss is a probability from 0 to 1, not '5'"
        },
        {
            "an unknown queue",
            Devices + "links:\n  - { between: [pc, sw], queue: fq_codel }\n",
            "lab.yaml:7:33: link 1: unknown queue 'fq_codel'; a queue is drop-tail, red, codel or fq-codel; did you mean 'fq-codel'?"
        },
        {
            "a bad time",
            "stop-time: soon\ndevices: {}\n",
            "lab.yaml:1:12: 'soon' is not a time; write one such as 2 s, 150 ms or 10 us"
        },
        {
            "a list where a value goes",
            "seed: [1]\ndevices: {}\n",
            "lab.yaml:1:7: 'seed' in the lab is a value, not a list"
        },
        {
            "a value where a list goes",
            "devices: {}\nlinks: pc\n",
            "lab.yaml:2:8: 'links' is a list (items starting with '- '), not 'pc'"
        },
        {
            "an application on a switch",
            Devices + "applications:\n  - { kind: ping, on: sw, to: pc }\n",
            "lab.yaml:7:23: application 1: 'on': sw is a switch, which has no IP address"
        },
        {
            "a web visit by name with no DNS server",
            Devices + "applications:\n  - { kind: web-visit, on: pc, url: http://www.example.com/ }\n",
            "lab.yaml:7:5: application 1: the address names www.example.com, so the visit needs 'dns' (the DNS server to ask)"
        },
        {
            "a check naming no application",
            Devices + "applications:\n  - { kind: ping, id: p1, on: pc, to: www }\nchecks:\n  - { kind: ping, application: p2, outcome: lost }\n",
            "lab.yaml:9:32: check 1: no application has the id 'p2'; did you mean 'p1'?"
        },
        {
            "a web visit's check naming a ping",
            Devices + "applications:\n  - { kind: ping, id: p1, on: pc, to: www }\nchecks:\n  - { kind: web-visit, application: p1 }\n",
            "lab.yaml:9:37: check 1: application 'p1' is not a web visit"
        },
        {
            "a DNS lookup's check with an address that is not one",
            Devices + "applications:\n  - { kind: dns-lookup, id: d, on: pc, name: example.com, dns: www }\nchecks:\n  - { kind: dns-lookup, application: d, address: 93.184.216 }\n",
            "lab.yaml:9:50: check 1: '93.184.216' is not an IPv4 address"
        },
        {
            "a DNS lookup's check naming a ping",
            Devices + "applications:\n  - { kind: ping, id: p1, on: pc, to: www }\nchecks:\n  - { kind: dns-lookup, application: p1 }\n",
            "lab.yaml:9:38: check 1: application 'p1' is not a DNS lookup"
        },
        {
            "a delivery check without a bound",
            Devices + "stop-time: 1 s\napplications:\n  - { kind: udp-constant-rate, id: u, on: pc, to: www, rate: 1Mbps }\nchecks:\n  - { kind: delivery, application: u }\n",
            "lab.yaml:10:5: check 1: a delivery check needs 'at-least' or 'at-most' (the share of the datagrams delivered, 0 to 1)"
        },
        {
            "a device to show that does not exist",
            Devices + "show: [sw, r2]\n",
            "lab.yaml:6:12: show: there is no device 'r2'; did you mean 'r1'?"
        },
        {
            "an impairment that is not a probability",
            Devices + "links:\n  - { between: [pc, sw], duplicate: 1.5 }\n",
            "lab.yaml:7:37: link 1: duplicate is a probability from 0 to 1, not '1.5'"
        },
        {
            "broken YAML",
            "devices:\n  pc: { kind: host\n",
            "lab.yaml:3:1: this is not valid YAML: while parsing a flow mapping, did not find expected ',' or '}'"
        },
        {
            "a lab that is not a mapping",
            "- pc\n- sw\n",
            "lab.yaml:1:1: a lab file is a mapping of keys (name, description, seed, stop-time, address-plan, compute-routes, devices, links, applications, captures, checks, show), not a list"
        },
        {
            "an alias",
            "devices:\n  pc: &h { kind: host }\n  pc2: *h\n",
            "lab.yaml:2:7: anchors and aliases (& and *) are not supported in lab files; write the value out"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_reported_with_its_line_and_column(string mistake, string text, string message)
    {
        Action parse = () => LabFile.Parse(text, "lab.yaml");

        parse.Should().Throw<LabFileException>(mistake).Which.Message.Should().Be(message);
    }

    [Fact]
    public void The_exception_carries_the_file_line_column_and_problem_apart()
    {
        Action parse = () => LabFile.Parse("devices: {}\nlinx: []\n", "lab.yaml");

        LabFileException e = parse.Should().Throw<LabFileException>().Which;
        (e.FileName, e.Line, e.Column, e.Problem).Should().Be(("lab.yaml", 2, 1, "unknown key 'linx' in the lab; did you mean 'links'?"));
    }

    [Fact]
    public void An_empty_file_says_so()
    {
        Action parse = () => LabFile.Parse("", "lab.yaml");

        parse.Should().Throw<LabFileException>().WithMessage("lab.yaml:1:1: a lab file is a mapping of keys (*), not empty");
    }
}

public class LabFileRobustnessTests
{
    [Fact]
    public void Every_cut_of_a_lab_is_read_or_refused_with_a_LabFileException_never_another_exception()
    {
        string text = File.ReadAllText(LabPaths.Of("web-visit.yaml"));
        var others = new List<string>();

        for (int length = 0; length < text.Length; length++)
        {
            try
            {
                _ = LabFile.Parse(text[..length], "lab.yaml");
            }
            catch (LabFileException e)
            {
                e.Line.Should().BeGreaterThan(0, $"the cut at {length} ({e.Message}) names a line");
            }
            catch (Exception e)
            {
                others.Add($"{length}: {e.GetType().Name}: {e.Message}");
            }
        }

        others.Should().BeEmpty();
    }

    [Fact]
    public void Nesting_deeper_than_any_lab_is_refused_where_it_goes_too_deep()
    {
        string text = "devices: " + new string('[', 100_000);

        Action parse = () => LabFile.Parse(text, "lab.yaml");

        parse.Should().Throw<LabFileException>().WithMessage("lab.yaml:1:42: the lab nests lists and mappings more than 32 deep here");
    }
}
