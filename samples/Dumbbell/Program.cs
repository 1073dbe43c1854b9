using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

// The dumbbell: N TCP bulk flows, from left hosts to right hosts, share one bottleneck link
// between two routers whose egress queue is a drop-tail queue of a few frames (--queue picks
// RED, CoDel or FQ-CoDel instead; --cc picks the senders' congestion control, NewReno or CUBIC).
//
//   left1 (10.1.1.10) --\                                          /-- right1 (10.2.1.10)
//   left2 (10.1.2.10) ---- r1 ==== 10 Mb/s, 10 ms, drop-tail ==== r2 ---- right2 (10.2.2.10)
//   ...                 --/        (the queue of r1's port)         \-- ...
//
// Flow i sends from left<i> to right<i>:5001 as fast as TCP lets it, from a start time drawn
// (from the seed) in the first 100 ms, until the run ends. The access links are 100 Mb/s with
// the delay given for the flow (--delay), so a flow's round trip without queueing is
// 2 x (2 x its delay + 10 ms). The sample prints a table of the flows (throughput, share,
// queueing delay, retransmissions by cause, drops at the bottleneck queue, what held the sender
// back), Jain's fairness index, the queue, and throughput, link utilisation, congestion window and
// queue over time.
//
// Queueing delay is measured by the library's FlowMonitor: each data packet's one-way delay (from
// the sender's IP layer to the receiver's) less the flow's shortest one-way delay, the packet's wait
// in the queues on its path over the least it ever waited; the mean, and the 95th percentile read
// from the monitor's delay histogram (FlowStatistics.GetDelayPercentile: 100 us bins, so at most
// 0.1 ms above the exact value). The shortest delay is usually a handshake packet's, which crosses
// the bottleneck faster than a full-sized segment: at 10 Mb/s, about 1.2 ms of a full segment's
// queueing delay is that difference of transmission times, not waiting.
//
// Everything over time comes from the library's probes: each sender's congestion window and
// slow-start threshold on change (TcpConnection.Probe), the bottleneck queue on change
// (Port.ProbeQueue: every enqueue, dequeue and drop, exact), and per --interval a
// PeriodicSampler's series: each flow's throughput (the bytes the receiving application read)
// and the bottleneck's utilisation (Port.ProbeUtilization). Retransmissions by cause and the
// send limits (RFC 4898) are the sender's own counters (TcpConnection.GetRetransmissions,
// TcpConnection.SendLimits). The sampler's ticks are background events: the run is the same
// with or without them (the fingerprint does not change).
//
// With --csv DIR it writes, all in the invariant culture (a dot for decimals), times in seconds:
//   flows.csv       one row per flow: flow,source,destination,start_s,base_rtt_s,bytes_received,
//                   throughput_bps (bytes the receiving application read x 8 / (end - start)),
//                   retransmissions,timeouts,fast_retransmits,partial_acks,sack_holes (segments sent
//                   again, by cause: timer, fast retransmit, NewReno partial ACK, a hole the SACK
//                   scoreboard named during recovery, RFC 6675), queue_drops (the flow's packets the
//                   bottleneck queue dropped, full or by its queue management),
//                   cwnd_limited_s,rwnd_limited_s,sndbuf_limited_s,app_limited_s (how long the sender
//                   was held back by its congestion window, the receiver's window, the send buffer,
//                   the application; RFC 4898 SndLimTime), queueing_mean_s,queueing_p95_s (the data
//                   packets' queueing delay, as above)
//   throughput.csv  long form, one row per flow and interval: time_s,flow,throughput_bps (what the
//                   receiving application read in the --interval ending at time_s)
//   utilization.csv the bottleneck (r1 -> r2) per --interval: time_s,value (the fraction of the line
//                   rate used, preamble, FCS and inter-frame gap included; TimeSeries.WriteCsv)
//   cwnd.csv        long form, one row per change: time_s,flow,cwnd_bytes,ssthresh_bytes (empty
//                   while the slow-start threshold is not set yet)
//   queue.csv       the bottleneck queue at every change: time_s,frames,bytes (waiting, the frame on
//                   the wire not counted)
//   flowmonitor.csv the library's FlowMonitor report (FlowReport.CsvColumns), one row per direction
//                   of each connection
// With --plots DIR it draws cwnd, throughput and queue (PNG and SVG, NetSim.Reporting's RunPlot) from
// the same series.
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
var queueOption = new Option<QueueKind>("--queue")
{
    HelpName = "droptail|red|codel|fqcodel",
    Description = "The bottleneck's queue discipline: drop-tail, RED (Floyd and Jacobson 1993, gentle), CoDel (RFC 8289) or FQ-CoDel (RFC 8290), each with the library's defaults (Linux's where Linux has them).",
    DefaultValueFactory = _ => QueueKind.DropTail,
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        QueueKind? kind = text switch { "droptail" => QueueKind.DropTail, "red" => QueueKind.Red, "codel" => QueueKind.CoDel, "fqcodel" => QueueKind.FqCoDel, _ => null };
        if (kind is null)
        {
            result.AddError($"--queue takes droptail, red, codel or fqcodel, not '{text}'{(text.Length > 0 && text.All(char.IsAsciiDigit) ? " (the queue's size in frames is --queue-limit)" : "")}.");
        }

        return kind ?? default;
    },
};
var queueLimitOption = new Option<int?>("--queue-limit")
{
    HelpName = "FRAMES",
    Description = "The most frames the bottleneck's queue holds (at least 1); by default 20 for drop-tail, and Linux's limit for the others (RED and CoDel 1,000, FQ-CoDel 10,240).",
};
queueLimitOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int?>() is < 1)
    {
        result.AddError($"--queue-limit takes a queue size of at least 1 frame, not {result.GetValueOrDefault<int?>()}.");
    }
});
var ccOption = new Option<string>("--cc")
{
    HelpName = "newreno|cubic",
    Description = "The senders' congestion control: NewReno (RFC 5681, RFC 6582; this sample's default, for the textbook sawtooth) or CUBIC (RFC 9438, the default of NetSim and of a current Linux).",
    DefaultValueFactory = _ => "newreno",
};
ccOption.Validators.Add(result =>
{
    string text = result.GetValueOrDefault<string>() ?? "";
    if (text is not ("newreno" or "cubic"))
    {
        result.AddError($"--cc takes newreno or cubic, not '{text}'.");
    }
});
var receiveBufferOption = new Option<int>("--receive-buffer")
{
    HelpName = "BYTES",
    Description = "Each receiver's TCP buffer, the most its window offers (default 6 MiB, as Linux's autotuning reaches; 65535 for a receiver without window scaling).",
    DefaultValueFactory = _ => TcpSettings.Default.ReceiveBufferSize,
};
receiveBufferOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 1 or > TcpSettings.MaxBufferSize)
    {
        result.AddError($"--receive-buffer takes a size from 1 byte to {TcpSettings.MaxBufferSize:N0}, not {result.GetValueOrDefault<int>()}.");
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
Option<string> csvOption = SampleCommandLine.CsvOption("flows.csv, throughput.csv, utilization.csv, cwnd.csv, queue.csv and flowmonitor.csv", folder: true);
Option<string> plotsOption = SampleCommandLine.PlotsOption("cwnd (each flow's congestion window), throughput (each flow's, per --interval) and queue (the bottleneck's, in frames)");
Option<string> pcapOption = SampleCommandLine.PcapOption("the bottleneck link");
Option<string> reportOption = SampleReport.ReportOption("the run (the first 100,000 frames, 256 bytes of each)");
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
var command = new RootCommand("TCP flows share a bottleneck with a drop-tail, RED, CoDel or FQ-CoDel queue: throughput, fairness, queueing delay, the queue, retransmissions and the congestion window over time.")
{
    flowsOption, ccOption, queueOption, queueLimitOption, receiveBufferOption, bottleneckOption, delayOption, timeOption, intervalOption, seedOption, csvOption, plotsOption, pcapOption, reportOption, fingerprintOption,
};
ParseResult options = command.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

int flowCount = options.GetValue(flowsOption);
bool cubic = options.GetValue(ccOption) == "cubic";
QueueKind queueKind = options.GetValue(queueOption);
int queueLimit = options.GetValue(queueLimitOption) ?? queueKind switch
{
    QueueKind.Red => RedDiscipline.DefaultFrameLimit,
    QueueKind.CoDel => CoDelDiscipline.DefaultFrameLimit,
    QueueKind.FqCoDel => FqCoDelDiscipline.DefaultFrameLimit,
    _ => 20,
};
var senderSettings = new TcpSettings { CongestionControl = cubic ? () => new CubicCongestionControl() : () => new NewRenoCongestionControl() };
string ccName = cubic ? "CUBIC" : "NewReno";
var receiverSettings = new TcpSettings { ReceiveBufferSize = options.GetValue(receiveBufferOption) };
DataRate bottleneckRate = options.GetValue(bottleneckOption);
SimDuration[] delays = options.GetValue(delayOption)!;
SimDuration runTime = options.GetValue(timeOption);
SimDuration interval = options.GetValue(intervalOption);
ulong seed = options.GetValue(seedOption);
string? csvFolder = options.GetValue(csvOption);
string? plotsFolder = options.GetValue(plotsOption);
string? pcapPath = options.GetValue(pcapOption);
SimDuration bottleneckDelay = SimDuration.FromMilliseconds(10);
SimTime end = SimTime.Zero + runTime;

var sim = new Simulation(seed);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "TCP flows share a bottleneck");

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
if (queueKind == QueueKind.DropTail)
{
    queue.QueueLimitFrames = queueLimit; // the port's own drop-tail queue
}
else
{
    queue.From.QueueDiscipline = queueKind switch
    {
        QueueKind.Red => new RedDiscipline { FrameLimit = queueLimit },
        QueueKind.CoDel => new CoDelDiscipline { FrameLimit = queueLimit },
        _ => new FqCoDelDiscipline { FrameLimit = queueLimit },
    };
}

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(bottleneck);

// One-way delays in 100 us bins, enough of them for the longest path and a full queue (up to 2 s of
// it; a longer delay counts in the last bin, and a percentile there reads as the longest delay).
SimDuration delayBin = SimDuration.FromMicroseconds(100);
SimDuration fullQueue = bottleneckRate.TransmissionTime((long)queueLimit * (1514 + CableDirection.PreambleLength + 12));
SimDuration longestPath = SimDuration.FromPicoseconds((2 * delays.Max().Picoseconds) + bottleneckDelay.Picoseconds) + SimDuration.FromMilliseconds(10);
SimDuration span = longestPath + (fullQueue < SimDuration.FromSeconds(2) ? fullQueue : SimDuration.FromSeconds(2));
using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { DelayBinWidth = delayBin, DelayBinCount = (int)(span / delayBin) + 1 });

RandomSource startTimes = sim.CreateRandomSource("dumbbell/start times");
var flows = new FlowRecord[flowCount];
for (int i = 0; i < flowCount; i++)
{
    var start = SimTime.FromMicroseconds(startTimes.NextInt64(100_000)); // in the first 100 ms
    SimDuration baseRoundTrip = SimDuration.FromPicoseconds(2 * ((2 * DelayOf(i).Picoseconds) + bottleneckDelay.Picoseconds));
    flows[i] = new FlowRecord(i + 1, left[i].Address, right[i].Address, start, baseRoundTrip);
}

// The probes: each is attached before the traffic starts (the senders' when their connection opens).
Port bottleneckPort = queue.From;
TimeSeries queueFrames = bottleneckPort.ProbeQueue(QueueMetric.Frames);
TimeSeries queueBytes = bottleneckPort.ProbeQueue(QueueMetric.Bytes);
var sampler = new PeriodicSampler(sim, interval, stopAt: end);
TimeSeries utilization = bottleneckPort.ProbeUtilization(sampler);
foreach (FlowRecord flow in flows)
{
    flow.Throughput = sampler.SampleRate($"flow {flow.Number}", "bit/s", () => flow.BytesReceived, scale: 8);
}

for (int i = 0; i < flowCount; i++)
{
    FlowRecord flow = flows[i];
    var listener = new TcpListener(right[i], 5001, receiverSettings);
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
        TcpConnection connection = await TcpConnection.ConnectAsync(sender, flow.Destination, 5001, senderSettings);
        flow.Watch(connection);
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
IReadOnlyList<FlowStatistics> monitored = monitor.GetStatistics();
foreach (FlowRecord flow in flows)
{
    FlowStatistics[] data = [.. monitored.Where(s => s.Key.Source == flow.Source && s.Key.Destination == flow.Destination)];
    flow.QueueDrops = data.Sum(s => s.Drops.GetValueOrDefault("Frame." + nameof(DropReason.QueueFull)) + s.Drops.GetValueOrDefault("Frame." + nameof(DropReason.QueueManagement)));
    if (data is [{ DelayMin: { } shortestDelay, DelayMean: { } meanDelay } statistics])
    {
        flow.Packets = statistics.PacketsReceived;
        flow.QueueingMean = meanDelay - shortestDelay;
        flow.QueueingP95 = statistics.GetDelayPercentile(95)!.Value - shortestDelay;
    }
}

double[] throughputs = [.. flows.Select(f => f.AverageThroughput(end))];
double total = throughputs.Sum();
double jain = total * total / (flowCount * throughputs.Sum(x => x * x));
long fullDrops = bottleneckPort.Counters.Dropped(DropReason.QueueFull);
long managedDrops = bottleneckPort.Counters.Dropped(DropReason.QueueManagement);
long portDrops = fullDrops + managedDrops;
string queueName = queueKind switch { QueueKind.Red => "RED", QueueKind.CoDel => "CoDel", QueueKind.FqCoDel => "FQ-CoDel", _ => "drop-tail" };
string queueText = queueKind switch
{
    QueueKind.Red => string.Create(invariant, $"RED queue: thresholds {RedDiscipline.DefaultMinThreshold} and {RedDiscipline.DefaultMaxThreshold} frames, gentle, limit {queueLimit:N0} frames"),
    QueueKind.CoDel => string.Create(invariant, $"CoDel queue: target {CoDelDiscipline.DefaultTarget}, interval {CoDelDiscipline.DefaultInterval}, limit {queueLimit:N0} frames"),
    QueueKind.FqCoDel => string.Create(invariant, $"FQ-CoDel queue: {FqCoDelDiscipline.DefaultFlowCount:N0} flow queues, target {CoDelDiscipline.DefaultTarget}, interval {CoDelDiscipline.DefaultInterval}, limit {queueLimit:N0} frames"),
    _ => string.Create(invariant, $"drop-tail queue of {queueLimit} frames"),
};

Console.WriteLine(string.Create(invariant, $"{flowCount} TCP flow{(flowCount == 1 ? "" : "s")} ({ccName}) from left hosts to right hosts share a {bottleneckRate} bottleneck between r1 and r2 ({bottleneckDelay}, {queueText})."));
string delayText = delays.Length == 1 ? $"{delays[0]}" : string.Join(", ", delays.Select(d => d.ToString()));
Console.WriteLine(string.Create(invariant, $"Access links {AccessRate()}, {delayText} each; {runTime} simulated; seed {seed}."));
Console.WriteLine();

List<string[]> table = [["flow", "from", "to", "start", "base RTT", "throughput", "share", "queueing mean", "queueing p95", "retransmitted", "timeout", "fast", "partial ACK", "SACK hole", "queue drops", "held back by"]];
foreach (FlowRecord flow in flows)
{
    table.Add(
    [
        flow.Number.ToString(invariant), flow.Source.ToString(), flow.Destination.ToString(), flow.Start.ToString(), flow.BaseRoundTrip.ToString(),
        Megabits(flow.AverageThroughput(end)), string.Create(invariant, $"{flow.AverageThroughput(end) / total:P1}"),
        Milliseconds(flow.QueueingMean), Milliseconds(flow.QueueingP95),
        Count(flow.Retransmissions), Count(flow.GetRetransmissions(TcpRetransmitCause.Timeout)),
        Count(flow.GetRetransmissions(TcpRetransmitCause.FastRetransmit)), Count(flow.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment)),
        Count(flow.GetRetransmissions(TcpRetransmitCause.SackRecovery)), Count(flow.QueueDrops), HeldBackBy(flow.SendLimits),
    ]);
}

TcpSendLimits allLimits = flows.Select(f => f.SendLimits).Aggregate(default(TcpSendLimits), (a, b) => new TcpSendLimits(
    a.Application + b.Application, a.SendBuffer + b.SendBuffer, a.ReceiveWindow + b.ReceiveWindow, a.CongestionWindow + b.CongestionWindow));
table.Add(
[
    "all", "", "", "", "", Megabits(total), "100.0 %", Milliseconds(MeanQueueing(flows)), "-", Count(flows.Sum(f => f.Retransmissions)),
    Count(flows.Sum(f => f.GetRetransmissions(TcpRetransmitCause.Timeout))),
    Count(flows.Sum(f => f.GetRetransmissions(TcpRetransmitCause.FastRetransmit))),
    Count(flows.Sum(f => f.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment))),
    Count(flows.Sum(f => f.GetRetransmissions(TcpRetransmitCause.SackRecovery))),
    Count(flows.Sum(f => f.QueueDrops)), HeldBackBy(allLimits),
]);
Console.Write(FormatTable(table, leftColumns: 3));
Console.WriteLine();

Console.WriteLine(string.Create(invariant, $"Throughput is what the receiving applications read (TCP payload), from each flow's start to the end; together {Megabits(total)} of the bottleneck's {bottleneckRate} ({total / bottleneckRate.BitsPerSecond:P1}): headers, preamble and the gap between frames take the rest."));
Console.WriteLine(string.Create(invariant, $"Jain's fairness index over the flows' throughputs: {jain:F3} (1 = equal shares; 1/{flowCount} = one flow has it all)."));
Console.WriteLine("Queueing delay: each data packet's one-way delay (FlowMonitor, IP layer to IP layer) less the flow's shortest one, its mean and 95th percentile (from 100 us bins, at most 0.1 ms high; \"all\": the mean over every packet);");
Console.WriteLine("the shortest is usually a handshake packet's, which crosses the bottleneck faster than a full segment: part of a full segment's queueing delay is that difference (1.2 ms at 10 Mb/s).");
int peak = bottleneckPort.Counters.QueuePeak;
string managedText = queueKind == QueueKind.DropTail ? "" : string.Create(invariant, $", {managedDrops:N0} dropped by {queueName}'s queue management");
Console.WriteLine(string.Create(invariant, $"Bottleneck queue (r1 -> r2): limit {queueLimit} frames, peak {peak}, mean {TimeWeightedMean(queueFrames, end):F1} (over time, at every change); {fullDrops:N0} frames dropped because it was full{managedText}."));
SimDuration shortest = flows.Min(f => f.BaseRoundTrip);
long pathBytes = (long)(bottleneckRate.BitsPerSecond / 8.0 * shortest.TotalSeconds);
string cut = cubic ? "cuts its window to 0.7 of it at a loss (CUBIC)" : "halves its window at a loss (NewReno)";
Console.WriteLine(portDrops > 0
    ? queueKind switch
    {
        QueueKind.DropTail => string.Create(invariant, $"Why: the flows' windows together outgrow what the path holds (the bottleneck's rate x the {shortest} round trip = {pathBytes:N0} bytes on the way, plus {queueLimit} frames in the queue); the queue overflows, each flow {cut}, and the windows' sawtooth shares the link."),
        QueueKind.Red => string.Create(invariant, $"Why: the flows' windows together outgrow what the path holds (the bottleneck's rate x the {shortest} round trip = {pathBytes:N0} bytes on the way); RED drops arriving frames at random, more often as its average queue grows past {RedDiscipline.DefaultMinThreshold} frames, so each flow {cut} before the queue is full."),
        _ => string.Create(invariant, $"Why: the flows' windows together outgrow what the path holds (the bottleneck's rate x the {shortest} round trip = {pathBytes:N0} bytes on the way); {queueName} drops at the head once frames have waited more than {CoDelDiscipline.DefaultTarget} for a whole {CoDelDiscipline.DefaultInterval}{(queueKind == QueueKind.FqCoDel ? " (each flow in its own queue, served in turn)" : "")}, so each flow {cut} long before the queue is full."),
    }
    : string.Create(invariant, $"Why no drop: the flows' windows ({receiverSettings.ReceiveBufferSize:N0} bytes each at most, the receive buffer) fit in what the path holds ({pathBytes:N0} bytes on the way at the {shortest} round trip) plus the {queueLimit}-frame queue; the surplus waits in the queue (peak {peak} frames), which adds delay, not throughput."));
Console.WriteLine("Retransmissions: timeout = the retransmission timer fired; fast = three duplicate ACKs (fast retransmit); partial ACK = NewReno resent the next hole during recovery; SACK hole = the SACK blocks showed it lost during recovery (RFC 6675).");
Console.WriteLine("Held back by: what limited each sender for most of the time it had data to send (RFC 4898's send-limit times), and that share:");
Console.WriteLine("cwnd = its congestion window was full (the network is the limit); rwnd = the receiver's window was full; sndbuf = the send buffer; app = the application.");
Console.WriteLine();

// Throughput, utilisation, congestion window and queue at ten moments of the run (per flow when there are few flows).
int samples = utilization.Points.Count;
int step = Math.Max(1, samples / 10);
bool perFlow = flowCount <= 4;
var overTime = new List<string[]>();
var header = new List<string> { "time" };
if (perFlow)
{
    header.AddRange(flows.Select(f => $"flow {f.Number} Mb/s"));
}

header.Add("all Mb/s");
header.Add("util");
if (perFlow)
{
    header.AddRange(flows.Select(f => $"cwnd {f.Number}"));
}

header.Add("queue");
overTime.Add([.. header]);
for (int index = step - 1; index < samples; index += step)
{
    SimTime time = utilization.Points[index].Time;
    var row = new List<string> { time.ToString() };
    if (perFlow)
    {
        row.AddRange(flows.Select(f => (Mean(f.Throughput!, index, step) / 1e6).ToString("F2", invariant)));
    }

    row.Add((flows.Sum(f => Mean(f.Throughput!, index, step)) / 1e6).ToString("F2", invariant));
    row.Add(Mean(utilization, index, step).ToString("P0", invariant));
    if (perFlow)
    {
        row.AddRange(flows.Select(f => f.Window is null ? "0" : At(f.Window, time).ToString("N0", invariant)));
    }

    row.Add(At(queueFrames, time).ToString(invariant));
    overTime.Add([.. row]);
}

Console.WriteLine(string.Create(invariant, $"Over time (throughput and the bottleneck's utilisation over the {interval * step} before each time; cwnd in bytes and queue in frames at that time):"));
Console.Write(FormatTable(overTime, leftColumns: 0));

if (csvFolder is not null)
{
    Directory.CreateDirectory(csvFolder);
    WriteCsv(csvFolder);
    Console.WriteLine();
    Console.WriteLine($"CSV files written to {csvFolder}: flows.csv, throughput.csv, utilization.csv, cwnd.csv, queue.csv, flowmonitor.csv.");
}

if (plotsFolder is not null)
{
    Directory.CreateDirectory(plotsFolder);
    string[] drawn = DrawPlots(plotsFolder);
    Console.WriteLine();
    Console.WriteLine($"Plots drawn in {plotsFolder}: {string.Join(", ", drawn.Select(name => $"{name}.png"))} and the same as .svg.");
}

if (pcapPath is not null)
{
    Console.WriteLine($"Capture of the bottleneck link written to {pcapPath}.");
}

report?.Write([.. Plots().Select(p => p.Plot.ToFigure())]);
fingerprint.Print();
return 0;

// The files of the header comment, from the probes' series.
void WriteCsv(string folder)
{
    using (var writer = new StreamWriter(Path.Combine(folder, "flows.csv")))
    {
        writer.WriteLine("flow,source,destination,start_s,base_rtt_s,bytes_received,throughput_bps,retransmissions,timeouts,fast_retransmits,partial_acks,sack_holes,queue_drops,cwnd_limited_s,rwnd_limited_s,sndbuf_limited_s,app_limited_s,queueing_mean_s,queueing_p95_s");
        foreach (FlowRecord flow in flows)
        {
            TcpSendLimits limits = flow.SendLimits;
            writer.WriteLine(string.Create(invariant, $"{flow.Number},{flow.Source},{flow.Destination},{Seconds(flow.Start.SinceStart)},{Seconds(flow.BaseRoundTrip)},{flow.BytesReceived},{flow.AverageThroughput(end):F0},{flow.Retransmissions},{flow.GetRetransmissions(TcpRetransmitCause.Timeout)},{flow.GetRetransmissions(TcpRetransmitCause.FastRetransmit)},{flow.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment)},{flow.GetRetransmissions(TcpRetransmitCause.SackRecovery)},{flow.QueueDrops},{Seconds(limits.CongestionWindow)},{Seconds(limits.ReceiveWindow)},{Seconds(limits.SendBuffer)},{Seconds(limits.Application)},{OptionalSeconds(flow.QueueingMean)},{OptionalSeconds(flow.QueueingP95)}"));
        }
    }

    using (var writer = new StreamWriter(Path.Combine(folder, "throughput.csv")))
    {
        writer.WriteLine("time_s,flow,throughput_bps");
        for (int i = 0; i < utilization.Points.Count; i++)
        {
            foreach (FlowRecord flow in flows)
            {
                TimeSeriesPoint point = flow.Throughput!.Points[i];
                writer.WriteLine(string.Create(invariant, $"{Seconds(point.Time.SinceStart)},{flow.Number},{point.Value:F0}"));
            }
        }
    }

    using (var writer = new StreamWriter(Path.Combine(folder, "utilization.csv")))
    {
        utilization.WriteCsv(writer);
    }

    using (var writer = new StreamWriter(Path.Combine(folder, "cwnd.csv")))
    {
        writer.WriteLine("time_s,flow,cwnd_bytes,ssthresh_bytes");
        foreach (FlowRecord flow in flows.Where(f => f.Window is not null))
        {
            foreach ((SimTime time, double window, double threshold) in Merge(flow.Window!, flow.Threshold!))
            {
                writer.WriteLine(string.Create(invariant, $"{Seconds(time.SinceStart)},{flow.Number},{window},{(threshold >= int.MaxValue ? "" : threshold.ToString(invariant))}"));
            }
        }
    }

    using (var writer = new StreamWriter(Path.Combine(folder, "queue.csv")))
    {
        writer.WriteLine("time_s,frames,bytes");
        foreach ((SimTime time, double frames, double bytes) in Merge(queueFrames, queueBytes))
        {
            writer.WriteLine(string.Create(invariant, $"{Seconds(time.SinceStart)},{frames},{bytes}"));
        }
    }

    using (var writer = new StreamWriter(Path.Combine(folder, "flowmonitor.csv")))
    {
        FlowReport.WriteCsv(writer, monitored);
    }
}

// The plots of --plots, from the same series as the CSV files; returns the names drawn.
string[] DrawPlots(string folder)
{
    List<(string Name, RunPlot Plot)> plots = Plots();
    foreach ((string name, RunPlot plot) in plots)
    {
        plot.SavePng(Path.Combine(folder, $"{name}.png"), 1000, 500);
        File.WriteAllText(Path.Combine(folder, $"{name}.svg"), plot.ToSvg(1000, 500));
    }

    return [.. plots.Select(p => p.Name)];
}

// The congestion windows, the flows' throughput and the bottleneck's queue, for --plots and --report.
List<(string Name, RunPlot Plot)> Plots()
{
    List<(string Name, RunPlot Plot)> plots = [];
    TimeSeries[] windows = [.. flows.Where(f => f.Window is not null).Select(f => f.Window!)];
    if (windows.Length > 0)
    {
        plots.Add(("cwnd", RunPlot.Lines($"Congestion window of each flow ({ccName})", "Congestion window", windows)));
    }

    plots.Add(("throughput", RunPlot.Throughput(string.Create(invariant, $"Throughput of each flow (each point: the {interval} before it)"), flows.Select(f => f.Throughput!))));
    plots.Add(("queue", RunPlot.Lines($"Bottleneck queue (r1 -> r2, {queueKind}, {queueLimit} frames at most)", "Queue length", [queueFrames])));
    return plots;
}

static DataRate AccessRate() => DataRate.FromMegabitsPerSecond(100);

SimDuration DelayOf(int flow) => delays[Math.Min(flow, delays.Length - 1)];

static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

static string Seconds(SimDuration duration) => duration.TotalSeconds.ToString("0.############", CultureInfo.InvariantCulture);

static string OptionalSeconds(SimDuration? duration) => duration is { } value ? Seconds(value) : "";

// The limit that held the sender back the longest, and its share of the time it had data to send.
static string HeldBackBy(TcpSendLimits limits)
{
    (string Name, SimDuration Time)[] all = [("cwnd", limits.CongestionWindow), ("rwnd", limits.ReceiveWindow), ("sndbuf", limits.SendBuffer), ("app", limits.Application)];
    (string name, SimDuration time) = all.MaxBy(limit => limit.Time);
    return limits.Busy == SimDuration.Zero ? "-" : string.Create(CultureInfo.InvariantCulture, $"{name} {time.Picoseconds / (double)limits.Busy.Picoseconds:P1}");
}

// An on-change series' value at a time: its last point at or before it (0 before its first).
static double At(TimeSeries series, SimTime time)
{
    double value = 0;
    foreach (TimeSeriesPoint point in series.Points)
    {
        if (point.Time > time)
        {
            break;
        }

        value = point.Value;
    }

    return value;
}

// The mean of a sampler's series over the count intervals that end with the one at index.
static double Mean(TimeSeries series, int index, int count) => Enumerable.Range(index - count + 1, count).Average(i => series.Points[i].Value);

// The mean of an on-change series from its first point to end, each value weighted by how long it held.
static double TimeWeightedMean(TimeSeries series, SimTime end)
{
    IReadOnlyList<TimeSeriesPoint> points = series.Points;
    if (points.Count == 0 || end <= points[0].Time)
    {
        return 0;
    }

    double sum = 0;
    for (int i = 0; i < points.Count; i++)
    {
        SimTime until = i + 1 < points.Count ? points[i + 1].Time : end;
        sum += points[i].Value * (until - points[i].Time).Picoseconds;
    }

    return sum / (end - points[0].Time).Picoseconds;
}

// Two on-change series side by side: one row per time either changed, each with its value then.
static IEnumerable<(SimTime Time, double A, double B)> Merge(TimeSeries a, TimeSeries b)
{
    int i = 0, j = 0;
    double valueA = 0, valueB = 0;
    while (i < a.Points.Count || j < b.Points.Count)
    {
        SimTime time = j >= b.Points.Count || (i < a.Points.Count && a.Points[i].Time <= b.Points[j].Time) ? a.Points[i].Time : b.Points[j].Time;
        for (; i < a.Points.Count && a.Points[i].Time == time; i++)
        {
            valueA = a.Points[i].Value;
        }

        for (; j < b.Points.Count && b.Points[j].Time == time; j++)
        {
            valueB = b.Points[j].Value;
        }

        yield return (time, valueA, valueB);
    }
}

static string Milliseconds(SimDuration? duration) => duration is { } value ? (value.Picoseconds / 1e9).ToString("F1", CultureInfo.InvariantCulture) + " ms" : "-";

// The mean queueing delay over every data packet of the flows (each flow's mean weighted by its packets).
static SimDuration? MeanQueueing(FlowRecord[] flows)
{
    long packets = flows.Where(f => f.QueueingMean is not null).Sum(f => f.Packets);
    return packets == 0 ? null : SimDuration.FromPicoseconds((long)(flows.Where(f => f.QueueingMean is not null).Sum(f => (double)f.QueueingMean!.Value.Picoseconds * f.Packets) / packets));
}

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

/// <summary>One TCP bulk flow of the dumbbell, with the series the probes fill.</summary>
internal sealed class FlowRecord(int number, Ipv4Address source, Ipv4Address destination, SimTime start, SimDuration baseRoundTrip)
{
    /// <summary>The flow's number, from 1.</summary>
    public int Number { get; } = number;

    /// <summary>The sending (left) host's address.</summary>
    public Ipv4Address Source { get; } = source;

    /// <summary>The receiving (right) host's address.</summary>
    public Ipv4Address Destination { get; } = destination;

    /// <summary>When the flow opens its connection.</summary>
    public SimTime Start { get; } = start;

    /// <summary>The round trip of the path's propagation delays alone (no transmission, no queueing).</summary>
    public SimDuration BaseRoundTrip { get; } = baseRoundTrip;

    /// <summary>The bytes the receiving application has read so far (the flow's goodput).</summary>
    public long BytesReceived { get; set; }

    /// <summary>The flow's packets the bottleneck queue dropped (from the flow monitor), once the run is over.</summary>
    public long QueueDrops { get; set; }

    /// <summary>The flow's data-direction packets the receiver's IP layer took in (from the flow monitor), once the run is over.</summary>
    public long Packets { get; set; }

    /// <summary>The mean queueing delay of the flow's data-direction packets (one-way delay less the shortest), once the run is over.</summary>
    public SimDuration? QueueingMean { get; set; }

    /// <summary>The 95th percentile of that queueing delay, once the run is over.</summary>
    public SimDuration? QueueingP95 { get; set; }

    /// <summary>The receiving application's throughput over each sampling interval, in bit/s.</summary>
    public TimeSeries? Throughput { get; set; }

    /// <summary>The sender's congestion window at every change, once the connection is open.</summary>
    public TimeSeries? Window { get; private set; }

    /// <summary>The sender's slow-start threshold at every change (int.MaxValue: not set yet), once the connection is open.</summary>
    public TimeSeries? Threshold { get; private set; }

    /// <summary>Segments the sender sent again, all causes.</summary>
    public long Retransmissions => sender?.Retransmissions ?? 0;

    /// <summary>How long the sender was held back, and by what.</summary>
    public TcpSendLimits SendLimits => sender?.SendLimits ?? default;

    private TcpConnection? sender;

    /// <summary>Segments the sender sent again because of <paramref name="cause"/>.</summary>
    public long GetRetransmissions(TcpRetransmitCause cause) => sender?.GetRetransmissions(cause) ?? 0;

    /// <summary>Starts recording the sender's congestion window and threshold.</summary>
    public void Watch(TcpConnection connection)
    {
        sender = connection;
        Window = connection.Probe(TcpMetric.CongestionWindow);
        Threshold = connection.Probe(TcpMetric.SlowStartThreshold);
    }

    /// <summary>The flow's throughput from its start to <paramref name="end"/>, in bits per second.</summary>
    public double AverageThroughput(SimTime end) => end > Start ? BytesReceived * 8.0 / (end - Start).TotalSeconds : 0;
}

/// <summary>The bottleneck's queue discipline (--queue).</summary>
internal enum QueueKind
{
    /// <summary>Drop-tail: a FIFO that refuses frames when full.</summary>
    DropTail,

    /// <summary>RED (Floyd and Jacobson 1993), gentle.</summary>
    Red,

    /// <summary>CoDel (RFC 8289).</summary>
    CoDel,

    /// <summary>FQ-CoDel (RFC 8290).</summary>
    FqCoDel,
}
