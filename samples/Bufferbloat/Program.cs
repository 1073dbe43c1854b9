using System.CommandLine;
using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

// Bufferbloat: a bulk TCP upload and a ping share a 10 Mb/s uplink, as on a home connection.
//
//   host (10.0.1.10) --- r1 ==== 10 Mb/s, 10 ms ==== r2 --- server (10.0.2.10)
//        100 Mb/s, 2.5 ms   (r1's queue: the uplink's)    100 Mb/s, 2.5 ms
//
// The round trip without queueing is 30 ms. The host pings the server every 100 ms from the
// start; from 1 s on it also uploads to the server as fast as TCP (CUBIC, RFC 9438, a current
// Linux's default) lets it, into a 1 MiB receive buffer (--receive-buffer). The same run is made three times, with r1's queue onto the uplink a
// drop-tail queue of 1,000 frames (a common default: Linux's txqueuelen), CoDel (RFC 8289) and
// FQ-CoDel (RFC 8290), each with Linux's defaults. The sample prints, for each, the ping's round
// trip while the upload runs (minimum, median, 95th percentile, maximum; nearest rank over the
// replies to the requests sent from the upload's start on; the last request goes 2 s before the
// end), the requests without a reply (lost), and the
// upload's throughput (the bytes the server's application read, over the time from the upload's
// start to the end).
//
// Why 1 MiB and not the 6 MiB a Linux receiver's autotuning reaches: with the larger window the
// upload's slow start overshoots the 1,000-frame drop-tail queue by hundreds of segments in one
// window, and NetSim's TCP, without SACK yet, repairs them one per round trip (NewReno, RFC
// 6582), which stalls the upload for tens of seconds (see it with --receive-buffer 6291456).
// With 1 MiB the receiver's window is the limit: about 700 frames stand in the drop-tail queue,
// none is lost, which is the bufferbloat the experiments show.
//
// With --csv DIR it writes, for each queue, DIR/ping-droptail.csv, ping-codel.csv and
// ping-fqcodel.csv: the ping's round trip at each reply, time_s,value (value in milliseconds,
// time in seconds; TimeSeries.WriteCsv, the invariant culture). With --plots DIR it draws the three
// round trips over time in DIR/ping.png and ping.svg (NetSim.Reporting's RunPlot).
var timeOption = new Option<SimDuration>("--time")
{
    HelpName = "DURATION",
    Description = "How long each run lasts, in simulated time, such as 20s (from 5 s to 600 s).",
    DefaultValueFactory = _ => SimDuration.FromSeconds(20),
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (SimDuration.TryParse(text, out SimDuration duration) && duration >= SimDuration.FromSeconds(5) && duration <= SimDuration.FromSeconds(600))
        {
            return duration;
        }

        result.AddError($"--time takes a duration from 5 s to 600 s, such as 20s; '{text}' is not one.");
        return default;
    },
};
var receiveBufferOption = new Option<int>("--receive-buffer")
{
    HelpName = "BYTES",
    Description = "The server's TCP receive buffer, the most its window offers (default 1 MiB; see the sample's header for why not Linux's 6 MiB).",
    DefaultValueFactory = _ => 1 << 20,
};
receiveBufferOption.Validators.Add(result =>
{
    if (result.GetValueOrDefault<int>() is < 1 or > TcpSettings.MaxBufferSize)
    {
        result.AddError($"--receive-buffer takes a size from 1 byte to {TcpSettings.MaxBufferSize:N0}, not {result.GetValueOrDefault<int>()}.");
    }
});
var seedOption = new Option<ulong>("--seed")
{
    HelpName = "N",
    Description = "The seed of the runs (TCP's initial sequence numbers, FQ-CoDel's hash); the same seed, the same runs.",
    DefaultValueFactory = _ => 1,
};
Option<string> csvOption = SampleCommandLine.CsvOption("the ping's round trips over time, one file per queue (ping-droptail.csv, ping-codel.csv, ping-fqcodel.csv)", folder: true);
Option<string> plotsOption = SampleCommandLine.PlotsOption("ping (the ping's round trips over time, a line per queue)");
Option<string> reportOption = SampleReport.ReportOption("each queue's run, one file each with the queue's name added (report.html: report-droptail.html, report-codel.html, report-fqcodel.html)");
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
var command = new RootCommand("Bufferbloat: a ping beside a bulk TCP upload on a 10 Mb/s uplink, with a drop-tail queue of 1,000 frames, CoDel and FQ-CoDel: the ping's round trip and the upload's throughput for each.")
{
    timeOption, receiveBufferOption, seedOption, csvOption, plotsOption, reportOption, fingerprintOption,
};
ParseResult options = command.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

SimDuration runTime = options.GetValue(timeOption);
ulong seed = options.GetValue(seedOption);
int receiveBuffer = options.GetValue(receiveBufferOption);
string? csvFolder = options.GetValue(csvOption);
string? plotsFolder = options.GetValue(plotsOption);
bool printFingerprint = options.GetValue(fingerprintOption);
string? reportPath = options.GetValue(reportOption);
CultureInfo invariant = CultureInfo.InvariantCulture;

Experiment.Result[] results =
[
    Experiment.Run("droptail", "drop-tail, 1,000 frames", () => new DropTailDiscipline { FrameLimit = 1000 }, runTime, receiveBuffer, seed, printFingerprint, SampleReport.PathFor(reportPath, "droptail")),
    Experiment.Run("codel", "CoDel", () => new CoDelDiscipline(), runTime, receiveBuffer, seed, printFingerprint, SampleReport.PathFor(reportPath, "codel")),
    Experiment.Run("fqcodel", "FQ-CoDel", () => new FqCoDelDiscipline(), runTime, receiveBuffer, seed, printFingerprint, SampleReport.PathFor(reportPath, "fqcodel")),
];

Console.WriteLine(string.Create(invariant, $"A bulk TCP upload (CUBIC, a {receiveBuffer:N0}-byte receive window) and a ping every {Experiment.PingInterval} share a {Experiment.Uplink} uplink; base round trip {Experiment.BaseRoundTrip}; {runTime} simulated per queue; seed {seed}."));
Console.WriteLine(string.Create(invariant, $"The ping's round trip while the upload runs (from {Experiment.UploadStart} on), and the upload's throughput:"));
Console.WriteLine();
List<string[]> table = [["queue (r1 -> r2)", "min", "median", "p95", "max", "no reply", "upload"]];
foreach (Experiment.Result result in results)
{
    table.Add([result.Title, Ms(result.Minimum), Ms(result.Median), Ms(result.P95), Ms(result.Maximum), string.Create(invariant, $"{result.Unanswered} of {result.Sent}"), string.Create(invariant, $"{result.UploadBitsPerSecond / 1e6:F2} Mb/s")]);
}

int[] widths = [.. Enumerable.Range(0, table[0].Length).Select(column => table.Max(row => row[column].Length))];
foreach (string[] row in table)
{
    Console.WriteLine(string.Join("  ", row.Select((cell, column) => column == 0 ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]))).TrimEnd());
}

Console.WriteLine();
Experiment.Result dropTail = results[0], codel = results[1], fqCodel = results[2];
string bloat = dropTail.Median > 3 * Experiment.BaseRoundTrip
    ? $"{Ms(dropTail.Median)} at the median against a base of {Ms(dropTail.Minimum)}, which is bufferbloat"
    : $"{Ms(dropTail.P95)} at the 95th percentile, but only until the upload stalled: the median, {Ms(dropTail.Median)}, is the base round trip";
string rates = string.Create(invariant, $"{dropTail.UploadBitsPerSecond / 1e6:F2}, {codel.UploadBitsPerSecond / 1e6:F2} and {fqCodel.UploadBitsPerSecond / 1e6:F2} Mb/s");
string uploads = results.All(r => r.UploadBitsPerSecond > 0.8 * Experiment.Uplink.BitsPerSecond)
    ? $"the upload fills the link in all three\n({rates}): the big buffer bought delay, not throughput"
    : $"the upload's throughput\nis {rates}: below the link's where TCP stalled (see the sample's header on the receive window)";
Console.WriteLine(string.Create(invariant, $"""
    Reading: the drop-tail queue holds whatever the upload's window puts beyond what the path carries (up to 1,000 frames, 1.2 s at 10 Mb/s): the ping waits
    behind it, {bloat}. CoDel drops at the head of the queue once frames have waited more than
    5 ms for 100 ms, so the upload keeps only a small standing queue and the ping's round trip stays near the base plus CoDel's target ({Ms(codel.Median)} median).
    FQ-CoDel gives the ping its own queue, served first as a sparse flow, so it barely waits at all ({Ms(fqCodel.Median)} median); {uploads}.
    """));

if (csvFolder is not null)
{
    Directory.CreateDirectory(csvFolder);
    foreach (Experiment.Result result in results)
    {
        using var writer = new StreamWriter(Path.Combine(csvFolder, $"ping-{result.Name}.csv"));
        result.RoundTrips.WriteCsv(writer);
    }

    Console.WriteLine();
    Console.WriteLine($"CSV files written to {csvFolder}: {string.Join(", ", results.Select(r => $"ping-{r.Name}.csv"))} (time_s,value: the ping's round trip in ms at each reply).");
}

if (plotsFolder is not null)
{
    Directory.CreateDirectory(plotsFolder);
    RunPlot plot = RunPlot.Lines("The ping's round trip beside a bulk upload, for each queue", "Round trip", results.Select(r => r.RoundTrips), steps: false);
    plot.SavePng(Path.Combine(plotsFolder, "ping.png"), 1000, 500);
    File.WriteAllText(Path.Combine(plotsFolder, "ping.svg"), plot.ToSvg(1000, 500));
    Console.WriteLine();
    Console.WriteLine($"Plots drawn in {plotsFolder}: ping.png and ping.svg.");
}

return 0;

static string Ms(SimDuration duration) => (duration.Picoseconds / 1e9).ToString("F1", CultureInfo.InvariantCulture) + " ms";

/// <summary>One run of the bufferbloat experiment with one queue discipline.</summary>
internal static class Experiment
{
    /// <summary>The uplink's rate.</summary>
    public static readonly DataRate Uplink = DataRate.FromMegabitsPerSecond(10);

    /// <summary>The time between two echo requests.</summary>
    public static readonly SimDuration PingInterval = SimDuration.FromMilliseconds(100);

    /// <summary>When the upload starts.</summary>
    public static readonly SimTime UploadStart = SimTime.FromMilliseconds(1000);

    private static readonly SimDuration AccessDelay = SimDuration.FromMicroseconds(2500);
    private static readonly SimDuration UplinkDelay = SimDuration.FromMilliseconds(10);

    /// <summary>The round trip of the propagation delays alone.</summary>
    public static SimDuration BaseRoundTrip => 2 * ((2 * AccessDelay) + UplinkDelay);

    /// <summary>What one run measured.</summary>
    /// <param name="Name">The queue's short name (for file names).</param>
    /// <param name="Title">The queue, as the table says it.</param>
    /// <param name="Sent">Echo requests sent from the upload's start on.</param>
    /// <param name="Unanswered">Of them, those without a reply by the end of the run.</param>
    /// <param name="Minimum">The shortest round trip of those replies.</param>
    /// <param name="Median">Their median (nearest rank).</param>
    /// <param name="P95">Their 95th percentile (nearest rank).</param>
    /// <param name="Maximum">The longest.</param>
    /// <param name="UploadBitsPerSecond">The upload's throughput: what the server's application read, from the upload's start to the end.</param>
    /// <param name="RoundTrips">Every reply's round trip (ms) at the time it came, the whole run.</param>
    public sealed record Result(string Name, string Title, int Sent, int Unanswered, SimDuration Minimum, SimDuration Median, SimDuration P95, SimDuration Maximum, double UploadBitsPerSecond, TimeSeries RoundTrips);

    /// <summary>Runs the experiment with r1's uplink queue made by <paramref name="makeQueue"/>.</summary>
    public static Result Run(string name, string title, Func<IQueueDiscipline> makeQueue, SimDuration runTime, int receiveBuffer, ulong seed, bool printFingerprint, string? reportPath)
    {
        var sim = new Simulation(seed);
        var network = new Network(sim);
        using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(printFingerprint, network);
        using SampleReport.Recording? report = SampleReport.Start(reportPath, network, $"Bufferbloat: a ping beside a bulk upload, {title}");
        var host = new Host(network, "host", "10.0.1.10/24", defaultGateway: "10.0.1.1");
        var server = new Host(network, "server", "10.0.2.10/24", defaultGateway: "10.0.2.1");
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.0.1/30");
        r2.AddInterface("10.0.0.2/30");
        r2.AddInterface("10.0.2.1/24");
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.FromMegabitsPerSecond(100) };
        topology.Connect(host, r1, delay: AccessDelay);
        Cable uplink = topology.Connect(r1, r2, Uplink, UplinkDelay);
        topology.Connect(r2, server, delay: AccessDelay);
        topology.ComputeRoutes();
        uplink.FromA.From.QueueDiscipline = makeQueue();

        SimTime end = SimTime.Zero + runTime;
        var roundTrips = new TimeSeries($"ping {name}", "ms");
        int requests = (int)((runTime - SimDuration.FromSeconds(2)) / PingInterval); // the last 2 s before the end, so each has time for its reply
        var ping = new Ping(host, server.Address) { Count = requests, Interval = PingInterval };
        ping.ResultReceived += (_, result) =>
        {
            if (result.Status == PingStatus.Reply)
            {
                roundTrips.Record(sim.Now, result.RoundTripTime.Picoseconds / 1e9);
            }
        };
        ping.Start();

        long uploaded = 0;
        var listener = new TcpListener(server, 5001, new TcpSettings { ReceiveBufferSize = receiveBuffer });
        listener.Start();
        _ = sim.Start(async () =>
        {
            TcpConnection incoming = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = await incoming.ReadAsync(buffer)) > 0)
            {
                uploaded += n;
            }
        });
        var settings = new TcpSettings { CongestionControl = () => new CubicCongestionControl() };
        sim.ScheduleAt(UploadStart, () => _ = sim.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(host, server.Address, 5001, settings);
            byte[] chunk = new byte[65536];
            while (true)
            {
                await connection.WriteAsync(chunk); // bulk: as fast as the window lets it, until the run ends
            }
        }));

        SampleProgress.RunUntil(sim, end, $"upload and ping, {title}");
        report?.Write(RunPlot.Lines($"The ping's round trip beside a bulk upload ({title})", "Round trip", [roundTrips], steps: false).ToFigure());

        // The requests sent from the upload's start on: request i (from 1) left at (i - 1) x the interval.
        int first = (int)((UploadStart - SimTime.Zero) / PingInterval) + 1;
        SimDuration[] answered = [.. ping.Results.Where(r => r.Status == PingStatus.Reply && r.Sequence >= first).Select(r => r.RoundTripTime).Order()];
        int sent = requests - first + 1;
        if (fingerprint is not null)
        {
            Console.WriteLine($"{title}:");
            fingerprint.Print();
        }

        return new Result(
            name, title, sent, sent - answered.Length,
            answered.Length == 0 ? SimDuration.Zero : answered[0],
            Percentile(answered, 50), Percentile(answered, 95),
            answered.Length == 0 ? SimDuration.Zero : answered[^1],
            uploaded * 8.0 / (end - UploadStart).TotalSeconds,
            roundTrips);
    }

    // Nearest rank: the ceil(p / 100 x N)-th smallest of the sorted values (zero when there are none).
    private static SimDuration Percentile(SimDuration[] sorted, int percentile) =>
        sorted.Length == 0 ? SimDuration.Zero : sorted[Math.Max(1, (int)Math.Ceiling(percentile * sorted.Length / 100.0)) - 1];
}
