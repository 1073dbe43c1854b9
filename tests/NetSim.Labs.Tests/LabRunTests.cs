using NetSim.Engine;

namespace NetSim.Labs.Tests;

/// <summary>What running a lab gives: the applications' outcomes, the checks' verdicts with what was seen, the captures.</summary>
public sealed class LabRunTests
{
    private const string TwoHosts = """
        name: two
        seed: 1
        devices:
          alice: { kind: host, address: 192.168.1.1/24 }
          bob: { kind: host, address: BOB }
        links:
          - { between: [alice, bob] }
        applications:
          - { kind: ping, id: ping, on: alice, to: bob, count: 3 }
        captures: [alice, { at: bob, file: b.pcap }]
        checks:
          - { kind: ping, application: ping, outcome: answered }
        """;

    [Fact]
    public void Every_application_of_a_routed_lab_with_an_address_plan_runs()
    {
        using LabRun run = LabRun.Build(LabFile.Load(LabPaths.Of("address-plan.yaml")));
        LabResult result = run.Run();

        run.FindNode("h2")!.Interfaces[0].ToString().Should().Be("h2/eth0 10.0.1.2/24", "the plan numbers the router first on each link, then the host");
        result.Applications.Select(a => a.Succeeded).Should().Equal(false, true, true, null, false);
        result.Applications[1].Summary.Should().Contain(" 1  10.0.0.1 ").And.Contain(" 2  10.0.1.2 ", "the traceroute crosses the router the routes were computed for");
        result.Applications[2].Summary.Should().StartWith("File transfer of 1,000,000 bytes to h2 port 5001: done in ");
        result.Applications[3].Summary.Should().Be("UDP at 2 Mbps to h1 port 7000: 947 datagrams of 500 bytes sent.", "2 Mb/s of 528-byte packets for 2 s is 947 datagrams");
        result.Applications[4].Summary.Should().Contain("timed out", "10.0.1.2 runs no DNS server");
        result.Flows.Should().Contain(f => f.Key.DestinationPort == 5001 && f.BytesReceived > 1_000_000);
        result.EndTime.Should().Be(SimTime.FromDuration(SimDuration.FromSeconds(30)), "the lab stops at 30 s");
    }

    [Fact]
    public void A_failed_check_says_what_the_run_showed()
    {
        LabResult result = Run(TwoHosts.Replace("BOB", "192.168.2.2/24", StringComparison.Ordinal));

        result.Passed.Should().BeFalse();
        LabCheckResult check = result.Checks.Single();
        check.Passed.Should().BeFalse();
        check.Expected.Should().Be("the ping 'ping' is answered");
        check.Observed.Should().StartWith("0 of 3 echo requests answered; ").And.Contain("192.168.2.2", "the ping's own reason is kept");
    }

    [Fact]
    public void A_check_at_a_time_sees_the_network_then_and_not_at_the_end()
    {
        string lab = TwoHosts.Replace("BOB", "192.168.1.2/24", StringComparison.Ordinal) + """

              - { kind: arp-cache, at: 0 s, device: alice, holds: bob, expected: false }
              - { kind: arp-cache, at: 1 ms, device: alice, holds: bob }
              - { kind: arp-cache, at: 1000 s, device: alice, holds: bob }
            """;

        LabResult result = Run(lab);

        result.Checks.Select(c => c.Passed).Should().Equal(true, true, true, true);
        result.Checks[1].Observed.Should().Be("it is empty (an ARP request for 192.168.1.2 is waiting for its answer)", "at 0 s alice's ARP request has only just left");
        result.Checks[2].Observed.Should().StartWith("it holds 192.168.1.2 at 02:00:00:00:00:02", "bob's answer came back after 13 us");
        result.Checks[3].Observed.Should().EndWith("(the run ended at 2.000 s, before 1000 s: seen at its end)", "the last echo request leaves at 2 s; the run ends when nothing is left to do");
    }

    [Fact]
    public void The_captures_are_written_to_the_folder_given_one_file_per_capture_point()
    {
        string folder = Directory.CreateTempSubdirectory("netsim-captures-").FullName;
        try
        {
            using LabRun run = LabRun.Build(LabFile.Parse(TwoHosts.Replace("BOB", "192.168.1.2/24", StringComparison.Ordinal), "two.yaml"), new LabRunOptions { CaptureDirectory = Path.Combine(folder, "pcaps") });
            LabResult result = run.Run();
            run.Dispose();

            result.CaptureFiles.Should().Equal(Path.Combine(folder, "pcaps", "alice.pcap"), Path.Combine(folder, "pcaps", "b.pcap"));
            foreach (string file in result.CaptureFiles)
            {
                new FileInfo(file).Length.Should().Be(24 + (6 * (16 + 98)) + (2 * (16 + 60)), "a pcap header, 3 echo requests and 3 replies (98 bytes) and the ARP request and reply (padded to 60), each with its record header");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_seed_given_to_the_run_replaces_the_labs()
    {
        string lossy = TwoHosts.Replace("BOB", "192.168.1.2/24", StringComparison.Ordinal).Replace("- { between: [alice, bob] }", "- { between: [alice, bob], loss: 0.3 }", StringComparison.Ordinal).Replace("count: 3", "count: 20", StringComparison.Ordinal);

        string seed1 = Run(lossy).Applications[0].Summary;
        string seed2 = Run(lossy, new LabRunOptions { Seed = 2 }).Applications[0].Summary;

        seed1.Should().Be(Run(lossy, new LabRunOptions { Seed = 1 }).Applications[0].Summary, "the lab's seed is 1");
        seed2.Should().NotBe(seed1, "another seed loses other frames");
    }

    [Fact]
    public void A_delivery_check_counts_the_datagrams_of_its_application_alone_when_two_share_a_receiver()
    {
        const string Lab = """
            stop-time: 1 s
            devices:
              a: { kind: host, address: 10.0.0.1/24 }
              b: { kind: host, address: 10.0.0.2/24 }
              c: { kind: host, address: 10.0.0.3/24 }
              hub: { kind: hub, ports: 3 }
            links:
              - { between: [a, hub], rate: 10Mbps }
              - { between: [b, hub], rate: 10Mbps }
              - { between: [c, hub], rate: 10Mbps }
            applications:
              - { kind: udp-constant-rate, id: a, on: a, to: c, rate: 1Mbps, port: 9000 }
              - { kind: udp-constant-rate, id: b, on: b, to: c, rate: 9Mbps, port: 9000 }
            checks:
              - { kind: delivery, application: a, at-least: 0.99 }
              - { kind: delivery, application: b, at-least: 0.99 }
            """;

        LabResult result = Run(Lab);

        result.Checks[0].Observed.Should().MatchRegex(@"^1\d\d of 1\d\d arrived \(", "a sends about 120 datagrams a second");
        result.Checks[1].Expected.Should().Be("at least 99% of the datagrams of 'b' arrive");
        result.Checks[1].Passed.Should().BeFalse("10 Mb/s offered to a 10 Mb/s hub, with the frames' overhead and collisions, cannot all arrive");
        result.Checks[1].Observed.Should().MatchRegex(@"^[\d,]+ of 1,\d{3} arrived \(\d+\.\d%\)$");
    }

    [Theory]
    [InlineData("corrupt: 1", "0 of 3 echo requests answered")]
    [InlineData("duplicate: 1", "3 of 3 echo requests answered")]
    [InlineData("jitter: 1 ms", "3 of 3 echo requests answered")]
    public void A_links_impairments_reach_the_frames_that_cross_it(string impairment, string observed)
    {
        string lab = TwoHosts.Replace("BOB", "192.168.1.2/24", StringComparison.Ordinal).Replace("- { between: [alice, bob] }", "- { between: [alice, bob], " + impairment + " }", StringComparison.Ordinal);

        LabResult result = Run(lab);

        result.Checks[0].Observed.Should().StartWith(observed);
        string summary = result.Applications[0].Summary;
        switch (impairment[..4])
        {
            case "corr":
                summary.Should().Contain("3 packets transmitted, 0 received", "every frame arrives with a bad FCS and is dropped");
                break;
            case "dupl":
                summary.Should().Contain("(DUP!)", "every frame comes twice, so replies come again").And.MatchRegex(@"3 received, \+\d+ duplicates");
                break;
            default:
                summary.Should().NotMatchRegex(@"rtt min/avg/max/mdev = (\S+)/\1/\1/", "jitter makes the round trips differ");
                break;
        }
    }

    [Fact]
    public void A_lab_runs_once()
    {
        using LabRun run = LabRun.Build(LabFile.Parse(TwoHosts.Replace("BOB", "192.168.1.2/24", StringComparison.Ordinal), "two.yaml"));
        _ = run.Run();

        run.Invoking(r => r.Run()).Should().Throw<InvalidOperationException>().WithMessage("This lab already ran; build it again to run it again.");
    }

    [Theory]
    [InlineData(
        "address-plan: { pool: 10.0.0.0/16 }\ndevices:\n  h: { kind: host, gateway: 192.168.1.1 }\n  r: { kind: router }\nlinks:\n  - { between: [h, r] }",
        "lab.yaml:3:3: device h: h cannot use 192.168.1.1 as its default gateway: it is on none of its networks (10.0.0.0/24)*")]
    [InlineData(
        "address-plan: { pool: 10.0.0.0/24, subnet-prefix: 25 }\ndevices: { a: { kind: host }, b: { kind: host }, c: { kind: host }, r: { kind: router } }\nlinks:\n  - { between: [a, r] }\n  - { between: [b, r] }\n  - { between: [c, r] }",
        "lab.yaml:1:15: address-plan 10.0.0.0/24: *")]
    [InlineData(
        "devices: { a: { kind: host, address: 10.0.0.1/24 }, b: { kind: host, address: 10.0.0.2/24 } }\nlinks:\n  - { between: [a, b] }\napplications:\n  - { kind: udp-constant-rate, on: a, to: b, rate: 1Mbps }",
        "lab.yaml:5:5: udp-constant-rate: it would send for ever; give it a 'stop', or the lab a 'stop-time'")]
    [InlineData(
        "devices: { a: { kind: host, address: 10.0.0.1/24 }, b: { kind: host, address: 10.0.0.2/24 } }\nlinks:\n  - { between: [a, b] }\ncaptures: [a, { at: b, file: a.pcap }]",
        "lab.yaml:4:15: two captures write a.pcap; give one a 'file'")]
    public void A_lab_that_cannot_be_built_says_why_naming_the_file_and_line(string lab, string message)
    {
        LabDefinition definition = LabFile.Parse(lab, "lab.yaml");
        string folder = Directory.CreateTempSubdirectory("netsim-build-").FullName;
        try
        {
            Action build = () => LabRun.Build(definition, new LabRunOptions { CaptureDirectory = folder }).Dispose();

            build.Should().Throw<LabFileException>().WithMessage(message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static LabResult Run(string lab, LabRunOptions? options = null)
    {
        using LabRun run = LabRun.Build(LabFile.Parse(lab, "lab.yaml"), options);
        return run.Run();
    }
}
