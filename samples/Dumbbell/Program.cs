using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

// The dumbbell: N TCP bulk flows, from left hosts to right hosts, share one bottleneck link
// between two routers whose egress queue is a drop-tail queue of a few frames.
//
//   left1 (10.1.1.10) --\                                          /-- right1 (10.2.1.10)
//   left2 (10.1.2.10) ---- r1 ==== 10 Mb/s, 10 ms, drop-tail ==== r2 ---- right2 (10.2.2.10)
//   ...                 --/        (the queue of r1's port)         \-- ...
//
// Flow i sends from left<i> to right<i>:5001 as fast as TCP lets it, from a start time drawn
// (from the seed) in the first 100 ms, until the run ends. The access links are 100 Mb/s with
// the delay given for the flow (--delay), so a flow's round trip without queueing is
// 2 x (2 x its delay + 10 ms). The sample prints a table of the flows (throughput, share,
// retransmissions by cause, drops at the bottleneck queue), Jain's fairness index, the queue,
// and throughput, congestion window and queue over time.
//
// With --csv DIR it writes, all in the invariant culture (a dot for decimals), times in seconds:
//   flows.csv       one row per flow: flow,source,destination,start_s,base_rtt_s,bytes_received,
//                   throughput_bps (bytes the receiving application read x 8 / (end - start)),
//                   retransmissions,timeouts,fast_retransmits,partial_acks (segments sent again, by
//                   the TcpEvent retransmit cause: timer, three duplicate ACKs, NewReno partial ACK),
//                   queue_drops (the flow's packets the bottleneck queue dropped)
//   throughput.csv  long form, one row per flow and interval: time_s,flow,throughput_bps (what the
//                   receiving application read in the --interval ending at time_s)
//   cwnd.csv        long form, one row per change: time_s,flow,cwnd_bytes,ssthresh_bytes (empty
//                   while the slow-start threshold is not set yet)
//   queue.csv       the bottleneck queue every 5 ms (or --interval if shorter): time_s,frames,bytes
//                   (waiting, the frame on the wire not counted)
//   flowmonitor.csv the library's FlowMonitor report (FlowReport.CsvColumns), one row per direction
//                   of each connection
var flowsOption = new Option<int>("--flows")
{
    HelpName = "N",
    Description = "How many TCP flows share the bottleneck, from 1 to 64.",
    DefaultValueFactory = _ => 2,
};
flowsOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 1 or > 64)
    {
        result.AddError($"--flows takes a number of flows from 1 to 64, not {result.GetValueOrDefault<int>()}.");
    }
});
var queueOption = new Option<int>("--queue")
{
    HelpName = "FRAMES",
    Description = "The size of the bottleneck's drop-tail queue, in frames (at least 1).",
    DefaultValueFactory = _ => 20,
};
queueOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() < 1)
    {
        result.AddError($"--queue takes a queue size of at least 1 frame, not {result.GetValueOrDefault<int>()}.");
    }
});
var bottleneckOption = new Option<DataRate>("--bottleneck")
{
    HelpName = "RATE",
    Description = "The bottleneck's rate, such as 10Mbps or 1.5Mbps (below the access links' 100 Mb/s).",
    DefaultValueFactory = _ => DataRate.FromMegabitsPerSecond(10),
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (DataRate.TryParse(text, out DataRate rate) && rate.BitsPerSecond > 0 && rate < AccessRate())
        {
            return rate;
        }

        result.AddError($"--bottleneck takes a rate above 0 and below the access links' 100 Mb/s, such as 10Mbps; '{text}' is not one.");
        return default;
    },
};
var delayOption = new Option<SimDuration[]>("--delay")
{
    HelpName = "DELAY[,DELAY...]",
    Description = "The delay of each flow's two access links, such as 5ms; a list gives flow 1, 2... their own (the last one serves the rest), for different round trips.",
    DefaultValueFactory = _ => [SimDuration.FromMilliseconds(5)],
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        var delays = new List<SimDuration>();
        foreach (string part in text.Split(','))
        {
            if (!SimDuration.TryParse(part.Trim(), out SimDuration delay) || delay < SimDuration.Zero || delay > SimDuration.FromSeconds(1))
            {
                result.AddError($"--delay takes delays from 0 to 1 s separated by commas, such as 5ms or 5ms,20ms; '{text}' is not that.");
                return [];
            }

            delays.Add(delay);
        }

        return [.. delays];
    },
};
var timeOption = new Option<SimDuration>("--time")
{
    HelpName = "DURATION",
    Description = "How long to run, in simulated time, such as 5s (from 100 ms to 600 s).",
    DefaultValueFactory = _ => SimDuration.FromSeconds(5),
    CustomParser = result => ParseDuration(result, "--time", "5s", SimDuration.FromMilliseconds(100), SimDuration.FromSeconds(600)),
};
var intervalOption = new Option<SimDuration>("--interval")
{
    HelpName = "DURATION",
    Description = "How often throughput is sampled over time, such as 100ms (from 1 ms to 10 s).",
    DefaultValueFactory = _ => SimDuration.FromMilliseconds(100),
    CustomParser = result => ParseDuration(result, "--interval", "100ms", SimDuration.FromMilliseconds(1), SimDuration.FromSeconds(10)),
};
var seedOption = new Option<ulong>("--seed")
{
    HelpName = "N",
    Description = "The seed of the run (the flows' start times, TCP's initial sequence numbers); the same seed, the same run.",
    DefaultValueFactory = _ => 1,
};
var csvOption = new Option<string>("--csv")
{
    HelpName = "DIR",
    Description = "Write flows.csv, throughput.csv, cwnd.csv, queue.csv and flowmonitor.csv to the folder DIR (made if missing).",
};
csvOption.Validators.Add(result =>
{
    string path = result.GetValueOrDefault<string>() ?? "";
    if (path.Length == 0 || File.Exists(path))
    {
        result.AddError($"--csv needs the path of a folder to write the CSV files to; '{path}' is {(path.Length == 0 ? "empty" : "a file")}.");
    }
});
Option<string> pcapOption = SampleCommandLine.PcapOption("the bottleneck link");
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
var command = new RootCommand("TCP flows share a bottleneck with a drop-tail queue: throughput, fairness, the queue, retransmissions and the congestion window over time.")
{
    flowsOption, queueOption, bottleneckOption, delayOption, timeOption, intervalOption, seedOption, csvOption, pcapOption, fingerprintOption,
};
ParseResult options = command.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

int flowCount = options.GetValue(flowsOption);
int queueFrames = options.GetValue(queueOption);
DataRate bottleneckRate = options.GetValue(bottleneckOption);
SimDuration[] delays = options.GetValue(delayOption)!;
SimDuration runTime = options.GetValue(timeOption);
SimDuration interval = options.GetValue(intervalOption);
ulong seed = options.GetValue(seedOption);
string? csvFolder = options.GetValue(csvOption);
string? pcapPath = options.GetValue(pcapOption);
SimDuration bottleneckDelay = SimDuration.FromMilliseconds(10);
SimTime end = SimTime.Zero + runTime;

var sim = new Simulation(seed);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);

// Interfaces are added in the order the cables are connected: the builder plugs each cable into
// the first interface of a router that has none yet.
var r1 = new Router(network, "r1");
var r2 = new Router(network, "r2");
var left = new Host[flowCount];
var right = new Host[flowCount];
for (int i = 0; i < flowCount; i++)
{
    left[i] = new Host(network, $"left{i + 1}", $"10.1.{i + 1}.10/24", defaultGateway: $"10.1.{i + 1}.1");
    right[i] = new Host(network, $"right{i + 1}", $"10.2.{i + 1}.10/24", defaultGateway: $"10.2.{i + 1}.1");
    r1.AddInterface($"10.1.{i + 1}.1/24");
}

r1.AddInterface("10.0.0.1/30");
r2.AddInterface("10.0.0.2/30");
for (int i = 0; i < flowCount; i++)
{
    r2.AddInterface($"10.2.{i + 1}.1/24");
}

var topology = new TopologyBuilder(network) { DefaultRate = AccessRate() };
for (int i = 0; i < flowCount; i++)
{
    topology.Connect(left[i], r1, delay: DelayOf(i));
}

Cable bottleneck = topology.Connect(r1, r2, bottleneckRate, bottleneckDelay);
for (int i = 0; i < flowCount; i++)
{
    topology.Connect(r2, right[i], delay: DelayOf(i));
}

topology.ComputeRoutes();
CableDirection queue = bottleneck.FromA; // r1's port onto the bottleneck: where the flows' data waits
queue.QueueLimitFrames = queueFrames;

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(bottleneck);
using var monitor = new FlowMonitor(network.Tracer);

RandomSource startTimes = sim.CreateRandomSource("dumbbell/start times");
var flows = new FlowRecord[flowCount];
for (int i = 0; i < flowCount; i++)
{
    var start = SimTime.FromMicroseconds(startTimes.NextInt64(100_000)); // in the first 100 ms
    SimDuration baseRoundTrip = SimDuration.FromPicoseconds(2 * ((2 * DelayOf(i).Picoseconds) + bottleneckDelay.Picoseconds));
    flows[i] = new FlowRecord(i + 1, left[i].Address, right[i].Address, start, baseRoundTrip);
}

SimDuration queueInterval = interval < SimDuration.FromMilliseconds(5) ? interval : SimDuration.FromMilliseconds(5);
using var measurements = new Measurements(sim, network.Tracer, queue, flows, interval, queueInterval, end)
{
    QueueDrops = flow => monitor.GetStatistics()
        .Where(s => s.Key.Source == flow.Source && s.Key.Destination == flow.Destination)
        .Sum(s => s.Drops.GetValueOrDefault("Frame." + nameof(DropReason.QueueFull))),
};

for (int i = 0; i < flowCount; i++)
{
    FlowRecord flow = flows[i];
    var listener = new TcpListener(right[i], 5001);
    listener.Start();
    _ = sim.Start(async () =>
    {
        TcpConnection incoming = await listener.AcceptAsync();
        byte[] buffer = new byte[65536];
        int n;
        while ((n = await incoming.ReadAsync(buffer)) > 0)
        {
            flow.BytesReceived += n;
        }
    });
    Host sender = left[i];
    sim.ScheduleAt(flow.Start, () => _ = sim.Start(async () =>
    {
        TcpConnection connection = await TcpConnection.ConnectAsync(sender, flow.Destination, 5001);
        measurements.Watch(flow, connection);
        byte[] chunk = new byte[65536];
        while (true)
        {
            await connection.WriteAsync(chunk); // bulk: as fast as the window lets it, until the run ends
        }
    }));
}

SampleProgress.RunUntil(sim, end, $"{flowCount} TCP flows"); // a bar on a terminal only

// Numbers print in the invariant culture ("9.41 Mb/s", "1,234"), the same on every machine.
CultureInfo invariant = CultureInfo.InvariantCulture;
double[] throughputs = [.. flows.Select(f => f.Throughput(end))];
double total = throughputs.Sum();
double jain = total * total / (flowCount * throughputs.Sum(x => x * x));
long[] queueDrops = [.. flows.Select(measurements.QueueDrops!)];
long portDrops = queue.From.Counters.Dropped(DropReason.QueueFull);

Console.WriteLine(string.Create(invariant, $"{flowCount} TCP flow{(flowCount == 1 ? "" : "s")} (NewReno) from left hosts to right hosts share a {bottleneckRate} bottleneck between r1 and r2 ({bottleneckDelay}, drop-tail queue of {queueFrames} frames)."));
string delayText = delays.Length == 1 ? $"{delays[0]}" : string.Join(", ", delays.Select(d => d.ToString()));
Console.WriteLine(string.Create(invariant, $"Access links {AccessRate()}, {delayText} each; {runTime} simulated; seed {seed}."));
Console.WriteLine();

List<string[]> table = [["flow", "from", "to", "start", "base RTT", "throughput", "share", "retransmitted", "timeout", "fast", "partial ACK", "queue drops"]];
foreach (FlowRecord flow in flows)
{
    long[] r = flow.Retransmits;
    table.Add(
    [
        flow.Number.ToString(invariant), flow.Source.ToString(), flow.Destination.ToString(), flow.Start.ToString(), flow.BaseRoundTrip.ToString(),
        Megabits(flow.Throughput(end)), string.Create(invariant, $"{flow.Throughput(end) / total:P1}"),
        r.Sum().ToString("N0", invariant), r[(int)TcpRetransmitCause.Timeout].ToString("N0", invariant),
        r[(int)TcpRetransmitCause.FastRetransmit].ToString("N0", invariant), r[(int)TcpRetransmitCause.PartialAcknowledgment].ToString("N0", invariant),
        queueDrops[flow.Number - 1].ToString("N0", invariant),
    ]);
}

table.Add(
[
    "all", "", "", "", "", Megabits(total), "100.0 %", flows.Sum(f => f.Retransmits.Sum()).ToString("N0", invariant),
    flows.Sum(f => f.Retransmits[(int)TcpRetransmitCause.Timeout]).ToString("N0", invariant),
    flows.Sum(f => f.Retransmits[(int)TcpRetransmitCause.FastRetransmit]).ToString("N0", invariant),
    flows.Sum(f => f.Retransmits[(int)TcpRetransmitCause.PartialAcknowledgment]).ToString("N0", invariant),
    queueDrops.Sum().ToString("N0", invariant),
]);
Console.Write(FormatTable(table, leftColumns: 3));
Console.WriteLine();

Console.WriteLine(string.Create(invariant, $"Throughput is what the receiving applications read (TCP payload), from each flow's start to the end; together {Megabits(total)} of the bottleneck's {bottleneckRate} ({total / bottleneckRate.BitsPerSecond:P1}): headers, preamble and the gap between frames take the rest."));
Console.WriteLine(string.Create(invariant, $"Jain's fairness index over the flows' throughputs: {jain:F3} (1 = equal shares; 1/{flowCount} = one flow has it all)."));
int peak = queue.From.Counters.QueuePeak;
double meanQueue = measurements.Queue.Count == 0 ? 0 : measurements.Queue.Average(q => q.Frames);
Console.WriteLine(string.Create(invariant, $"Bottleneck queue (r1 -> r2): limit {queueFrames} frames, peak {peak}, mean {meanQueue:F1} (sampled every {queueInterval}); {portDrops:N0} frames dropped because it was full."));
SimDuration shortest = flows.Min(f => f.BaseRoundTrip);
long pathBytes = (long)(bottleneckRate.BitsPerSecond / 8.0 * shortest.TotalSeconds);
Console.WriteLine(portDrops > 0
    ? string.Create(invariant, $"Why: the flows' windows together outgrow what the path holds (the bottleneck's rate x the {shortest} round trip = {pathBytes:N0} bytes on the way, plus {queueFrames} frames in the queue); the queue overflows, each flow halves its window at a loss (NewReno), and the windows' sawtooth shares the link.")
    : string.Create(invariant, $"Why no drop: the flows' windows ({TcpSettings.Default.ReceiveBufferSize:N0} bytes each at most, the receive buffer) fit in what the path holds ({pathBytes:N0} bytes on the way at the {shortest} round trip) plus the {queueFrames}-frame queue; the surplus waits in the queue (peak {queue.From.Counters.QueuePeak} frames), which adds delay, not throughput."));
Console.WriteLine(string.Create(invariant, $"Retransmissions: timeout = the retransmission timer fired; fast = three duplicate ACKs (fast retransmit); partial ACK = NewReno resent the next hole during recovery."));
Console.WriteLine();

// Throughput, congestion window and queue at ten moments of the run (per flow when there are few flows).
int step = Math.Max(1, measurements.SampleTimes.Count / 10);
bool perFlow = flowCount <= 4;
var overTime = new List<string[]>();
var header = new List<string> { "time" };
if (perFlow)
{
    header.AddRange(flows.Select(f => $"flow {f.Number} Mb/s"));
}

header.Add("all Mb/s");
if (perFlow)
{
    header.AddRange(flows.Select(f => $"cwnd {f.Number}"));
}

header.Add("queue");
overTime.Add([.. header]);
for (int index = step - 1; index < measurements.SampleTimes.Count; index += step)
{
    SimTime time = measurements.SampleTimes[index];
    var row = new List<string> { time.ToString() };
    if (perFlow)
    {
        row.AddRange(flows.Select(f => (measurements.IntervalThroughput(f, index, step) / 1e6).ToString("F2", invariant)));
    }

    row.Add((flows.Sum(f => measurements.IntervalThroughput(f, index, step)) / 1e6).ToString("F2", invariant));
    if (perFlow)
    {
        row.AddRange(flows.Select(f => f.Window.LastOrDefault(w => w.Time <= time).Window.ToString("N0", invariant)));
    }

    row.Add(measurements.Queue.LastOrDefault(q => q.Time <= time).Frames.ToString(invariant));
    overTime.Add([.. row]);
}

Console.WriteLine(string.Create(invariant, $"Over time (throughput over the {interval * step} before each time; cwnd in bytes and queue in frames at that time):"));
Console.Write(FormatTable(overTime, leftColumns: 0));

if (csvFolder is not null)
{
    Directory.CreateDirectory(csvFolder);
    measurements.WriteCsv(csvFolder);
    using (var report = new StreamWriter(Path.Combine(csvFolder, "flowmonitor.csv")))
    {
        FlowReport.WriteCsv(report, monitor.GetStatistics());
    }

    Console.WriteLine();
    Console.WriteLine($"CSV files written to {csvFolder}: flows.csv, throughput.csv, cwnd.csv, queue.csv, flowmonitor.csv.");
}

if (pcapPath is not null)
{
    Console.WriteLine($"Capture of the bottleneck link written to {pcapPath}.");
}

fingerprint.Print();
return 0;

static DataRate AccessRate() => DataRate.FromMegabitsPerSecond(100);

SimDuration DelayOf(int flow) => delays[Math.Min(flow, delays.Length - 1)];

static string Megabits(double bitsPerSecond) => (bitsPerSecond / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " Mb/s";

static SimDuration ParseDuration(ArgumentResult result, string option, string example, SimDuration min, SimDuration max)
{
    string text = result.Tokens[0].Value;
    if (SimDuration.TryParse(text, out SimDuration duration) && duration >= min && duration <= max)
    {
        return duration;
    }

    result.AddError($"{option} takes a duration from {min} to {max}, such as {example}; '{text}' is not one.");
    return default;
}

// Columns padded with spaces: the first leftColumns read from the left, the numbers line up on the right.
static string FormatTable(List<string[]> rows, int leftColumns)
{
    int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length))];
    var text = new System.Text.StringBuilder();
    foreach (string[] row in rows)
    {
        string line = string.Join("  ", row.Select((cell, column) => column < leftColumns ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column])));
        text.Append(line.TrimEnd()).Append('\n');
    }

    return text.ToString();
}
