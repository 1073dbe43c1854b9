using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;
using NetSim.Tracing;

namespace NetSim.Labs.Tests;

/// <summary>
/// A lesson is the sample it mirrors, written as a lab file: exported to a file and run, each part
/// gives the fingerprint the sample's run has (tests/NetSim.Tests/Samples/SampleFingerprintTests),
/// the same events at the same times with the same bytes.
/// </summary>
public sealed class LessonFingerprintTests
{
    [Theory]
    [InlineData("two-computers", "two-computers-same-subnet.yaml", "dc4ff56d0e00d9bc")] // samples/TwoComputers, first run
    [InlineData("two-computers", "two-computers-different-subnets.yaml", "4fbf56a488b961ed")] // its second run
    [InlineData("router", "router.yaml", "bec910bd20267e7e")] // samples/RouterNetwork
    [InlineData("web-visit", "web-visit.yaml", "8248bb811186c867")] // samples/WebVisit
    public void An_exported_lesson_runs_as_the_sample_it_mirrors(string lesson, string part, string sampleFingerprint)
    {
        string folder = Directory.CreateTempSubdirectory("netsim-lesson-").FullName;
        try
        {
            string path = Path.Combine(folder, part);
            File.WriteAllText(path, LabLessons.Find(lesson)!.ReadPart(part));

            (LabResult result, string fingerprint) = LabRunning.RunWithFingerprint(LabFile.Load(path));

            fingerprint.Should().Be(sampleFingerprint);
            result.Checks.Should().NotBeEmpty().And.OnlyContain(c => c.Passed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Runs a lab with a fingerprint listening.</summary>
internal static class LabRunning
{
    public static (LabResult Result, string Fingerprint) RunWithFingerprint(LabDefinition lab, LabRunOptions? options = null)
    {
        using LabRun run = LabRun.Build(lab, options);
        using var fingerprint = new Fingerprint(run.Network.Tracer);
        LabResult result = run.Run();
        return (result, fingerprint.Value);
    }
}

/// <summary>
/// The lessons no sample mirrors (the hub, switch and DNS lessons) against the same network built
/// by hand in C#, the way a program using the library would: the same fingerprint.
/// </summary>
public sealed class LessonTwinTests
{
    [Fact]
    public void The_hub_lesson_runs_as_the_same_network_built_in_CSharp()
    {
        string twin = Twin(network =>
        {
            Host[] hosts = [.. "abcd".Select((name, i) => new Host(network, name.ToString(), string.Create(CultureInfo.InvariantCulture, $"10.0.0.{i + 1}/24")))];
            var hub = new Hub(network, "hub", 4);
            var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("10Mbps") };
            foreach (Host host in hosts)
            {
                topology.Connect(host, hub);
            }

            new Ping(hosts[0], hosts[1].Address) { Count = 2 }.Start();
        });

        Lesson("hub", "hub.yaml").Should().Be(twin);
    }

    [Fact]
    public void The_switch_lesson_runs_as_the_same_network_built_in_CSharp()
    {
        string twin = Twin(network =>
        {
            Host[] hosts = [.. "abcd".Select((name, i) => new Host(network, name.ToString(), string.Create(CultureInfo.InvariantCulture, $"10.0.0.{i + 1}/24")))];
            var sw = new Switch(network, "sw", 4);
            var topology = new TopologyBuilder(network);
            foreach (Host host in hosts)
            {
                topology.Connect(host, sw);
            }

            new Ping(hosts[0], hosts[1].Address) { Count = 2 }.Start();
        });

        Lesson("switch", "switch.yaml").Should().Be(twin);
    }

    [Fact]
    public void The_dns_lesson_runs_as_the_same_network_built_in_CSharp()
    {
        string twin = Twin(network =>
        {
            var pc = new Host(network, "pc", "192.168.1.10/24");
            var sw = new Switch(network, "sw", 4);
            var server = new Host(network, "dns", "192.168.1.53/24");
            var topology = new TopologyBuilder(network);
            topology.Connect(pc, sw);
            topology.Connect(server, sw);
            var dns = new DnsServer(server);
            dns.AddCname("www.example.com", "example.com", 300);
            dns.AddA("example.com", Ipv4Address.Parse("93.184.216.34"));
            dns.Start();
            Simulation sim = network.Simulation;
            _ = sim.Start(async () => await new DnsResolver(pc, server.Address).ResolveAsync("www.example.com"));
            _ = sim.ScheduleAt(SimTime.FromDuration(SimDuration.FromMilliseconds(10)), () => sim.Start(async () => await new DnsResolver(pc, server.Address).ResolveAsync("www.example.org")));
        });

        Lesson("dns", "dns.yaml").Should().Be(twin);
    }

    [Fact]
    public void The_crowded_hub_runs_as_the_same_network_built_in_CSharp()
    {
        string twin = Twin(network =>
        {
            Host[] hosts = [.. Enumerable.Range(1, 8).Select(i => new Host(network, string.Create(CultureInfo.InvariantCulture, $"h{i}"), string.Create(CultureInfo.InvariantCulture, $"10.0.0.{i}/24")))];
            var hub = new Hub(network, "hub", 8);
            var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("10Mbps") };
            foreach (Host host in hosts)
            {
                topology.Connect(host, hub);
            }

            for (int i = 0; i < hosts.Length; i++)
            {
                var sink = new UdpSocket(hosts[(i + 1) % hosts.Length]);
                sink.Received += (_, _, _, _) => { };
                sink.Bind(9000);
                new UdpTrafficSource(hosts[i], hosts[(i + 1) % hosts.Length].Address, 9000)
                {
                    PayloadSize = 1000,
                    Interval = DataRate.Parse("2Mbps").TransmissionTime(1028),
                    StartTime = SimTime.FromDuration(SimDuration.FromMilliseconds(i)),
                    StopTime = SimTime.FromDuration(SimDuration.FromSeconds(1)),
                }.Start();
            }
        }, SimTime.FromDuration(SimDuration.FromSeconds(1)));

        Lesson("hub", "hub-eight-senders.yaml").Should().Be(twin);
    }

    private static string Lesson(string lesson, string part) =>
        LabRunning.RunWithFingerprint(LabFile.Parse(LabLessons.Find(lesson)!.ReadPart(part), part)).Fingerprint;

    private static string Twin(Action<Network> build, SimTime? until = null)
    {
        var sim = new Simulation(seed: 1);
        var network = new Network(sim);
        using var fingerprint = new Fingerprint(network.Tracer);
        build(network);
        if (until is SimTime stop)
        {
            sim.RunUntil(stop);
        }
        else
        {
            sim.Run();
        }

        return fingerprint.Value;
    }
}
