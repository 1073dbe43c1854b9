using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

Option<string> pcapOption = SampleCommandLine.PcapOption("the sender's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<double> lossOption = new("--loss")
{
    HelpName = "P",
    Description = "The probability that the link between the routers loses a frame, from 0 up to 1 (not 1 itself).",
    DefaultValueFactory = _ => 0.01,
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p is >= 0 and < 1)
        {
            return p;
        }

        result.AddError($"--loss takes a probability from 0 up to 1 (not 1 itself), such as 0.01 for 1 %; '{text}' is not one.");
        return 0;
    },
};
ParseResult options = new RootCommand("1 MB over TCP through two routers and a lossy link: retransmissions, the congestion window, the hash.") { pcapOption, reportOption, lossOption, fingerprintOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);
double loss = options.GetValue(lossOption);

// One megabyte over TCP across two routers, on a path that loses packets. The sender
// and receiver are ordinary async code running on simulated time; TCP repairs the
// losses (fast retransmit, timeouts) and its congestion window shows how.
//
//   sender 10.0.1.10 -- r1 -- 10.0.2.0/24 (lossy) -- r2 -- receiver 10.0.3.10
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "1 MB over TCP through two routers and a lossy link: retransmissions, the congestion window, the hash.");

var sender = new Host(network, "sender", "10.0.1.10/24", defaultGateway: "10.0.1.1");
var receiver = new Host(network, "receiver", "10.0.3.10/24", defaultGateway: "10.0.3.1");
var r1 = new Router(network, "r1");
var r2 = new Router(network, "r2");
r1.AddInterface("10.0.1.1/24");
r1.AddInterface("10.0.2.1/24");
r2.AddInterface("10.0.2.2/24");
r2.AddInterface("10.0.3.1/24");
var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("100Mbps"), DefaultDelay = SimDuration.FromMilliseconds(5) };
topology.Connect(sender, r1);
var lossy = topology.Connect(r1, r2);
topology.Connect(r2, receiver);
topology.ComputeRoutes(); // r1: 10.0.3.0/24 via 10.0.2.2; r2: 10.0.1.0/24 via 10.0.2.1
lossy.FromA.Impairments.LossProbability = loss;
lossy.FromB.Impairments.LossProbability = loss;

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(sender.Interfaces[0].Nic);

byte[] file = new byte[1_000_000];
new Random(1).NextBytes(file);
var received = new MemoryStream();
var listener = new TcpListener(receiver, 5001);
listener.Start();
var window = new List<(SimTime Time, int Cwnd, int Ssthresh)>();
TcpConnection? connection = null;
SimTime start = default, done = default;

// The path holds rate x round trip: 100 Mb/s x 30 ms (three links of 5 ms, each way) = 375,000
// bytes. Once the congestion window covers it, and a round trip later, data arrives at the rate
// of the links (less the headers), if nothing else holds the sender back.
SimDuration baseRtt = lossy.Delay * 6;
long pathBytes = lossy.Rate.BitsPerSecond * baseRtt.Picoseconds / 8 / 1_000_000_000_000;
SimTime? pathCoveredAt = null, fullRateFrom = null;
long receivedAtFullRate = 0;

_ = sim.Start(async () =>
{
    TcpConnection incoming = await listener.AcceptAsync();
    byte[] buffer = new byte[16384];
    int n;
    while ((n = await incoming.ReadAsync(buffer)) > 0)
    {
        if (fullRateFrom is null && pathCoveredAt is SimTime covered && sim.Now >= covered + baseRtt)
        {
            fullRateFrom = sim.Now; // the first bytes sent with the path covered arrive about now (these n arrived before)
            receivedAtFullRate = received.Length + n;
        }

        received.Write(buffer, 0, n);
    }

    done = sim.Now;
    await incoming.CloseAsync();
});
_ = sim.Start(async () =>
{
    start = sim.Now;
    TcpConnection open = await TcpConnection.ConnectAsync(sender, receiver.Address, 5001);
    connection = open;
    open.CongestionWindowChanged += (_, _) =>
    {
        window.Add((sim.Now, open.CongestionWindow, open.SlowStartThreshold));
        if (pathCoveredAt is null && open.CongestionWindow >= pathBytes)
        {
            pathCoveredAt = sim.Now;
        }
    };
    await connection.WriteAsync(file);
    await connection.CloseAsync();
});
SampleProgress.Run(sim, "1 MB over TCP", done: () => (double)received.Length / file.Length); // a bar on a terminal only

// Numbers print in the invariant culture ("1.0 %", "1,000,000"), the same on every machine.
CultureInfo invariant = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(invariant, $"1,000,000 bytes from {sender.Address} to {receiver.Address} over {lossy.Rate} links with {lossy.Delay} of delay each; {loss:P1} loss between the routers."));
Console.WriteLine(string.Create(invariant, $"Transfer time: {done - start} of simulated time ({file.Length * 8.0 / ((done - start).Picoseconds / 1e12) / 1e6:F2} Mb/s)."));
long lostOnLink = lossy.FromA.To.Counters.Dropped(DropReason.LostOnCable) + lossy.FromB.To.Counters.Dropped(DropReason.LostOnCable);
Console.WriteLine(string.Create(invariant, $"Segments sent: {connection!.SegmentsSent:N0}; frames lost on the lossy link: {lostOnLink}."));
Console.WriteLine(string.Create(invariant, $"Retransmitted segments: {connection.Retransmissions} = {connection.GetRetransmissions(TcpRetransmitCause.FastRetransmit)} by fast retransmit (three duplicate ACKs) + {connection.GetRetransmissions(TcpRetransmitCause.SackRecovery)} holes the SACK blocks showed during recovery (RFC 6675) + {connection.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment)} on partial ACKs during NewReno recovery (RFC 6582) + {connection.GetRetransmissions(TcpRetransmitCause.Timeout)} resent after {connection.RetransmissionTimeouts} retransmission timeouts (RFC 6298) + {connection.GetRetransmissions(TcpRetransmitCause.Probe)} window probes."));

// What held the sender back (RFC 4898's send-limit times): a sender held back by a window
// moves at most one window per round trip, however fast the links are.
TcpSendLimits limits = connection.SendLimits;
double busy = limits.Busy.Picoseconds;
string Share(SimDuration part) => (part.Picoseconds / busy).ToString("P0", invariant);
Console.WriteLine(string.Create(invariant, $"What held the sender back while it was busy ({limits.Busy}): the receiver's window {Share(limits.ReceiveWindow)}, the congestion window {Share(limits.CongestionWindow)}, the send buffer {Share(limits.SendBuffer)}, the application {Share(limits.Application)}."));
int peerWindow = connection.SendWindow;
double windowCeiling = peerWindow * 8.0 / (connection.SmoothedRoundTripTime.Picoseconds / 1e12) / 1e6;
int mss = connection.MaximumSegmentSize;
int onTheWire = mss + (connection.Timestamps ? 12 : 0) + 20 + 20 + EthernetFrame.HeaderLength + EthernetFrame.FcsLength + CableDirection.PreambleLength + CableDirection.InterFrameGap;
double linkCeiling = lossy.Rate.BitsPerSecond / 1e6 * mss / onTheWire;
Console.WriteLine(string.Create(invariant, $"Windows: the receiver offered {peerWindow:N0} bytes (window scaling {(connection.WindowScaling ? $"on, its windows shifted by {connection.SendWindowShift}" : "off: at most 65,535")}; timestamps {(connection.Timestamps ? "on" : "off")}); the path holds {pathBytes:N0} bytes ({lossy.Rate} x {baseRtt} round trip)."));
if (limits.ReceiveWindow >= limits.CongestionWindow)
{
    Console.WriteLine(string.Create(invariant, $"So the window is the limit, not the {lossy.Rate} links: one {peerWindow:N0}-byte window per {connection.SmoothedRoundTripTime} round trip is at most {windowCeiling:F1} Mb/s{(connection.WindowScaling ? "" : " (a wider window needs window scaling, RFC 7323)")}; the congestion window was the smaller one {(connection.Retransmissions == 0 ? "only in slow start, at the start" : "in slow start and after losses")}."));
}
else if (connection.Retransmissions == 0)
{
    string after = fullRateFrom is SimTime from && done > from
        ? string.Create(invariant, $"from {from} on, a round trip after the congestion window covered the path, data arrived at {(file.Length - receivedAtFullRate) * 8.0 / ((done - from).Picoseconds / 1e12) / 1e6:F1} Mb/s: the path is full (the {lossy.Rate} links carry at most {linkCeiling:F1} Mb/s of data in {mss}-byte segments, the rest is headers)")
        : "the congestion window never covered the path";
    Console.WriteLine(string.Create(invariant, $"So slow start is the limit, not the window: the congestion window doubles every round trip from {TcpSettings.Default.InitialWindowSegments} segments, and 1 MB is gone in a few round trips; {after}."));
}
else
{
    Console.WriteLine(string.Create(invariant, $"So the losses are the limit: each one cuts the congestion window to 0.7 of what it was (CUBIC, RFC 9438, the default), which then grows back along CUBIC's curve, slowly near the window of the last loss (the receiver's window alone would allow {windowCeiling:F1} Mb/s over the {connection.SmoothedRoundTripTime} round trip)."));
}

Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"Congestion window over time (MSS = {mss} bytes):"));
Console.WriteLine("        time   cwnd (bytes)   ssthresh");
int rows = Math.Min(20, window.Count);
for (int i = 0; i < rows; i++)
{
    (SimTime time, int cwnd, int ssthresh) = window[i * (window.Count - 1) / Math.Max(1, rows - 1)];
    Console.WriteLine(string.Create(invariant, $"{time,12} {cwnd,14:N0} {(ssthresh == int.MaxValue ? "-" : ssthresh.ToString("N0", invariant)),10}"));
}

Console.WriteLine();
bool same = SHA256.HashData(received.ToArray()).AsSpan().SequenceEqual(SHA256.HashData(file));
Console.WriteLine(string.Create(invariant, $"Received {received.Length:N0} bytes; SHA-256 {(same ? "matches" : "DIFFERS from")} the file sent."));
if (pcapPath is not null)
{
    Console.WriteLine($"Capture of the sender's link written to {pcapPath}.");
}

report?.Write();
fingerprint.Print();
return 0;
