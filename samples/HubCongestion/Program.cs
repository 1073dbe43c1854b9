using System.CommandLine;
using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

// Why a hub congests and a switch does not, as a curve: 2, 4, 8, 16, 32 hosts on one
// 10 Mb/s hub, each offering the same constant load, and beside them the same hosts on a
// 10 Mb/s switch.
//
// The traffic: each host sends constant-rate UDP (1,000-byte datagrams) to the next host in
// a ring (the last to the first), starting at a random moment within its first interval
// (seeded: every run repeats exactly). A ring gives every host one flow out and one flow in,
// so on the switch every port carries exactly the load offered to it in each direction and
// nothing queues: whatever the switch fails to deliver, it would be its fault. Traffic to
// one sink would instead congest the sink's switch port as soon as the hosts together
// offered more than 10 Mb/s, and hide the lesson. On the hub the same flows share one
// collision domain: every frame occupies the whole medium, two hosts that start within a
// slot of each other collide, jam and back off (IEEE 802.3 CSMA/CD), and a frame that
// collides 16 times is dropped. As hosts are added the offered total nears and passes
// 10 Mb/s: collisions per delivered frame rise, frames wait longer in the hosts' queues, and
// what each host gets through falls. The switch delivers what is offered, with no collision.
//
// The numbers: delivered throughput and mean one-way delay come from a FlowMonitor (IP
// packets, sent at the source host and received at the destination host, until the end of
// the run; a packet still queued then is not delivered), collisions from the hub's counter
// (Hub.Collisions: a host's attempt that collided counts once, as `ip -s link` counts them), and frames
// dropped at the collision limit from the hosts' port counters. With --plots DIR it draws the curves
// (delivered.png: Mb/s per host; collisions.png: collisions per delivered frame; each also as .svg)
// against the number of hosts, the hub's beside the switch's (NetSim.Reporting's RunPlot).
Option<string> pcapOption = SampleCommandLine.PcapOption("the first host's link in the hub run with the most hosts");
Option<string> reportOption = SampleReport.ReportOption("the hub run with the most hosts");
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<int[]> hostsOption = new("--hosts")
{
    HelpName = "N,N,...",
    Description = "The host counts to run, separated by commas, each from 2 to 250.",
    DefaultValueFactory = _ => [2, 4, 8, 16, 32],
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        int[] counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] is < 2 or > 250)
            {
                result.AddError($"--hosts takes host counts from 2 to 250 separated by commas, such as 2,4,8; '{text}' is not that.");
                return [];
            }
        }

        return counts;
    },
};
Option<DataRate> loadOption = new("--load")
{
    HelpName = "RATE",
    Description = "The load each host offers, in IP packets per second as a rate such as 1Mbps or 500kbps (more than 0, at most 10Mbps).",
    DefaultValueFactory = _ => DataRate.FromMegabitsPerSecond(1),
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (DataRate.TryParse(text, out DataRate rate) && rate.BitsPerSecond > 0 && rate.BitsPerSecond <= 10_000_000)
        {
            return rate;
        }

        result.AddError($"--load takes a rate above 0 and at most 10Mbps, such as 1Mbps or 500kbps; '{text}' is not one.");
        return default;
    },
};
Option<SimDuration> timeOption = new("--time")
{
    HelpName = "DURATION",
    Description = "How long each run sends, in simulated time such as 1s or 500ms (from 10ms to 1000s).",
    DefaultValueFactory = _ => SimDuration.FromSeconds(1),
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (SimDuration.TryParse(text, out SimDuration time) && time >= SimDuration.FromMilliseconds(10) && time <= SimDuration.FromSeconds(1000))
        {
            return time;
        }

        result.AddError($"--time takes a simulated time from 10ms to 1000s, such as 1s or 500ms; '{text}' is not one.");
        return default;
    },
};
Option<string> csvOption = SampleCommandLine.CsvOption("the results (one row per device kind and host count)");
Option<string> plotsOption = SampleCommandLine.PlotsOption("delivered (Mb/s per host) and collisions (per delivered frame) against the number of hosts, hub and switch");
ParseResult options = new RootCommand("Hosts on a hub and on a switch, at a fixed load each: the hub congests as hosts are added, the switch does not.")
{
    hostsOption, loadOption, timeOption, csvOption, plotsOption, pcapOption, reportOption, fingerprintOption,
}.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

int[] hostCounts = options.GetValue(hostsOption)!;
DataRate load = options.GetValue(loadOption);
SimDuration runTime = options.GetValue(timeOption);
string? csvPath = options.GetValue(csvOption);
string? plotsFolder = options.GetValue(plotsOption);
string? pcapPath = options.GetValue(pcapOption);
string? reportPath = options.GetValue(reportOption);
bool printFingerprint = options.GetValue(fingerprintOption);
int pcapCount = hostCounts.Max();

var results = new List<Result>();
foreach (int count in hostCounts)
{
    foreach (DeviceKind kind in (ReadOnlySpan<DeviceKind>)[DeviceKind.Hub, DeviceKind.Switch])
    {
        bool capture = kind == DeviceKind.Hub && count == pcapCount && pcapPath is not null;
        bool report = kind == DeviceKind.Hub && count == pcapCount && reportPath is not null;
        results.Add(Experiment.Run(kind, count, load, runTime, capture ? pcapPath : null, printFingerprint, report ? reportPath : null));
        pcapPath = capture ? null : pcapPath;
        reportPath = report ? null : reportPath;
    }
}

Console.WriteLine(Text($"Hosts on one 10 Mb/s hub, then on a 10 Mb/s switch; each host sends {load} of UDP to the next for {runTime}."));
Console.WriteLine();
Console.Write(Result.FormatTable(results));
Console.WriteLine("Mb/s: IP throughput delivered over the run, all hosts and per host; coll/frame: collisions per delivered frame;");
Console.WriteLine("dropped: frames dropped after 16 collisions; delay ms: mean one-way delay of the delivered packets.");
Console.WriteLine();
Result mostHosts = results.Where(r => r.Kind == DeviceKind.Hub).MaxBy(r => r.Hosts)!;
Result mostHostsSwitch = results.Where(r => r.Kind == DeviceKind.Switch).MaxBy(r => r.Hosts)!;
Console.WriteLine(mostHosts.DeliveredFraction < 0.95
    ? Text($"The hub is one shared 10 Mb/s medium: with {mostHosts.Hosts} hosts offering {mostHosts.OfferedMbps:F0} Mb/s it delivered {mostHosts.DeliveredMbps:F2} Mb/s ({mostHosts.DeliveredFraction:P1} of the packets),\nwith {mostHosts.CollisionsPerFrame:F2} collisions per delivered frame; the rest waited in the hosts' queues or was dropped after 16 collisions.")
    : Text($"The hub is one shared 10 Mb/s medium, and {mostHosts.Hosts} hosts offering {mostHosts.OfferedMbps:F2} Mb/s did not overload it: it delivered {mostHosts.DeliveredFraction:P1} of the packets, with {mostHosts.CollisionsPerFrame:F2} collisions per delivered frame."));
Console.WriteLine(Text($"The switch gives each host its own full-duplex 10 Mb/s link: with {mostHostsSwitch.Hosts} hosts it delivered {mostHostsSwitch.DeliveredFraction:P1} of the packets, with {mostHostsSwitch.Collisions} collisions (the rest was in flight when the run ended)."));
Result fewestHosts = results.Where(r => r.Kind == DeviceKind.Hub).MinBy(r => r.Hosts)!;
Result fewestHostsSwitch = results.Where(r => r.Kind == DeviceKind.Switch).MinBy(r => r.Hosts)!;
if (fewestHosts.MeanDelay < fewestHostsSwitch.MeanDelay)
{
    Console.WriteLine(Text($"With {fewestHosts.Hosts} hosts the hub is the faster ({fewestHosts.MeanDelay?.TotalSeconds * 1000:F2} ms against {fewestHostsSwitch.MeanDelay?.TotalSeconds * 1000:F2} ms): it repeats bits as they come, while the switch stores a whole frame before it sends it on."));
}

if (csvPath is not null)
{
    using var writer = new StreamWriter(csvPath);
    Result.WriteCsv(writer, results);
    Console.WriteLine($"Results written to {csvPath}, one row per device and host count: {string.Join(",", Result.CsvColumns)}.");
}

if (plotsFolder is not null)
{
    Directory.CreateDirectory(plotsFolder);
    PlotSeries Curve(DeviceKind kind, Func<Result, double> value)
    {
        Result[] runs = [.. results.Where(r => r.Kind == kind).OrderBy(r => r.Hosts)];
        return new PlotSeries(kind.ToString().ToLowerInvariant(), [.. runs.Select(r => (double)r.Hosts)], [.. runs.Select(value)]);
    }

    (string Name, RunPlot Plot)[] plots =
    [
        ("delivered", RunPlot.Curve(Text($"Throughput delivered per host, each offering {load}"), "Hosts", "Delivered per host (Mbit/s)",
            [Curve(DeviceKind.Hub, r => r.DeliveredMbps / r.Hosts), Curve(DeviceKind.Switch, r => r.DeliveredMbps / r.Hosts)])),
        ("collisions", RunPlot.Curve("Collisions per delivered frame", "Hosts", "Collisions per frame",
            [Curve(DeviceKind.Hub, r => r.CollisionsPerFrame), Curve(DeviceKind.Switch, r => r.CollisionsPerFrame)])),
    ];
    foreach ((string name, RunPlot plot) in plots)
    {
        plot.SavePng(Path.Combine(plotsFolder, $"{name}.png"), 1000, 500);
        File.WriteAllText(Path.Combine(plotsFolder, $"{name}.svg"), plot.ToSvg(1000, 500));
    }

    Console.WriteLine($"Plots drawn in {plotsFolder}: delivered.png, collisions.png and the same as .svg.");
}

return 0;

static string Text(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

/// <summary>What the hosts are connected to.</summary>
internal enum DeviceKind
{
    Hub,
    Switch,
}

/// <summary>One run: <paramref name="Hosts"/> hosts on a <paramref name="Kind"/>, and what got through.</summary>
internal sealed record Result(
    DeviceKind Kind,
    int Hosts,
    SimDuration RunTime,
    DataRate OfferedPerHost,
    long PacketsSent,
    long PacketsDelivered,
    long BytesDelivered,
    long Collisions,
    long CollisionLimitDrops,
    SimDuration? MeanDelay)
{
    /// <summary>The columns of the CSV, in order.</summary>
    public static readonly string[] CsvColumns =
    [
        "device", "hosts", "offered_mbps", "delivered_mbps", "delivered_per_host_mbps", "delivered_fraction",
        "packets_sent", "packets_delivered", "collisions", "collisions_per_frame", "collision_limit_drops", "mean_delay_ms",
    ];

    /// <summary>The load offered by all hosts together, in Mb/s.</summary>
    public double OfferedMbps => OfferedPerHost.BitsPerSecond * (double)Hosts / 1e6;

    /// <summary>IP bytes delivered over the run, in Mb/s.</summary>
    public double DeliveredMbps => BytesDelivered * 8 / RunTime.TotalSeconds / 1e6;

    /// <summary>Packets delivered out of packets sent.</summary>
    public double DeliveredFraction => PacketsSent == 0 ? 0 : PacketsDelivered / (double)PacketsSent;

    /// <summary>Collisions per delivered packet.</summary>
    public double CollisionsPerFrame => PacketsDelivered == 0 ? 0 : Collisions / (double)PacketsDelivered;

    /// <summary>The results as a table a learner reads, one line per host count, the hub's numbers beside the switch's.</summary>
    public static string FormatTable(IReadOnlyList<Result> results)
    {
        string[] header = ["hosts", "offered Mb/s", "| hub Mb/s", "per host", "coll/frame", "dropped", "delay ms", "| switch Mb/s", "per host", "coll/frame", "dropped", "delay ms"];
        var rows = new List<string[]> { header };
        foreach (int hosts in results.Select(r => r.Hosts).Distinct())
        {
            Result? hub = results.FirstOrDefault(r => r.Hosts == hosts && r.Kind == DeviceKind.Hub);
            Result? sw = results.FirstOrDefault(r => r.Hosts == hosts && r.Kind == DeviceKind.Switch);
            rows.Add([Text($"{hosts}"), Text($"{(hub ?? sw)!.OfferedMbps:F2}"), .. Columns(hub), .. Columns(sw)]);
        }

        int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length))];
        var text = new System.Text.StringBuilder();
        foreach (string[] row in rows)
        {
            text.AppendJoin("  ", row.Select((cell, c) => cell.StartsWith('|') ? "| " + cell[1..].Trim().PadLeft(widths[c] - 2) : cell.PadLeft(widths[c]))).Append('\n');
        }

        return text.ToString();

        static string[] Columns(Result? r) => r is null
            ? ["| -", "-", "-", "-", "-"]
            : [Text($"| {r.DeliveredMbps:F2}"), Text($"{r.DeliveredMbps / r.Hosts:F3}"), Text($"{r.CollisionsPerFrame:F2}"), Text($"{r.CollisionLimitDrops:N0}"), r.MeanDelay is { } d ? Text($"{d.TotalSeconds * 1000:F2}") : "-"];
    }

    /// <summary>Writes the results as CSV: a header of <see cref="CsvColumns"/>, then one row per result, numbers in the invariant culture.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<Result> results)
    {
        writer.Write(string.Join(",", CsvColumns) + "\n");
        foreach (Result r in results)
        {
            writer.Write(Text($"{(r.Kind == DeviceKind.Hub ? "hub" : "switch")},{r.Hosts},{r.OfferedMbps:F6},{r.DeliveredMbps:F6},{r.DeliveredMbps / r.Hosts:F6},{r.DeliveredFraction:F6},{r.PacketsSent},{r.PacketsDelivered},{r.Collisions},{r.CollisionsPerFrame:F6},{r.CollisionLimitDrops},{(r.MeanDelay is { } d ? (d.TotalSeconds * 1000).ToString("F6", CultureInfo.InvariantCulture) : "")}\n"));
        }
    }

    private static string Text(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Builds and runs one network: hosts on a hub or a switch, each sending to the next.</summary>
internal static class Experiment
{
    private const ushort Port = 9; // discard (RFC 863)
    private const int PayloadSize = 1000;

    public static Result Run(DeviceKind kind, int hostCount, DataRate load, SimDuration runTime, string? pcapPath, bool printFingerprint, string? reportPath)
    {
        var sim = new Simulation(seed: 1);
        Hub? hub = null;
        var network = new Network(sim);
        using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(printFingerprint, network);
        using SampleReport.Recording? report = SampleReport.Start(reportPath, network, string.Create(CultureInfo.InvariantCulture, $"{hostCount} hosts on a {kind.ToString().ToLowerInvariant()}"));
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.FromMegabitsPerSecond(10), DefaultDelay = SimDuration.FromMicroseconds(1) };
        Host[] hosts = [.. Enumerable.Range(1, hostCount).Select(i => new Host(network, $"h{i}", string.Create(CultureInfo.InvariantCulture, $"10.0.0.{i}/24")))];
        if (kind == DeviceKind.Hub)
        {
            hub = new Hub(network, "hub", hostCount);
            foreach (Host host in hosts)
            {
                topology.Connect(host, hub);
            }
        }
        else
        {
            var device = new Switch(network, "switch", hostCount);
            foreach (Host host in hosts)
            {
                topology.Connect(host, device);
            }
        }

        using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
        pcap?.Capture(hosts[0].Interfaces[0].Nic);
        using var monitor = new FlowMonitor(network.Tracer);

        // One datagram of PayloadSize bytes is an IP packet of PayloadSize + 28 bytes: send one
        // every so often that the packets make up the offered load.
        SimDuration interval = load.TransmissionTime(PayloadSize + 28);
        RandomSource phases = sim.CreateRandomSource("phases");
        for (int i = 0; i < hosts.Length; i++)
        {
            var sink = new UdpSocket(hosts[i]);
            sink.Received += (_, _, _, _) => { };
            sink.Bind(Port);
            var source = new UdpTrafficSource(hosts[i], hosts[(i + 1) % hosts.Length].Address, Port)
            {
                PayloadSize = PayloadSize,
                Interval = interval,
                StartTime = SimTime.FromPicoseconds(phases.NextInt64(interval.Picoseconds)),
                StopTime = SimTime.FromDuration(runTime),
            };
            source.Start();
        }

        SampleProgress.RunUntil(sim, SimTime.FromDuration(runTime), string.Create(CultureInfo.InvariantCulture, $"{hostCount} hosts on a {kind.ToString().ToLowerInvariant()}"));

        report?.Write();
        IReadOnlyList<FlowStatistics> flows = monitor.GetStatistics();
        long received = flows.Sum(f => f.PacketsReceived);
        double delaySum = flows.Where(f => f.DelayMean is not null).Sum(f => f.DelayMean!.Value.TotalSeconds * f.PacketsReceived);
        SimDuration? meanDelay = received == 0 ? null : SimDuration.FromPicoseconds((long)Math.Round(delaySum / received * 1e12));
        if (fingerprint is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hostCount} hosts on a {kind.ToString().ToLowerInvariant()}:"));
            fingerprint.Print();
        }

        return new Result(
            kind,
            hostCount,
            runTime,
            load,
            flows.Sum(f => f.PacketsSent),
            received,
            flows.Sum(f => f.BytesReceived),
            hub?.Collisions ?? 0, // a switch port is full duplex: nothing collides
            hosts.Sum(h => h.Port.Counters.Dropped(DropReason.ExcessiveCollisions)),
            meanDelay);
    }
}
