using System.Globalization;
using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Labs;

public sealed partial class LabRun
{
    private const int TransferChunk = 65536; // a file transfer writes its bytes in blocks of this size

    private readonly Dictionary<(IpNode Node, ushort Port), UdpSocket> udpSinks = []; // one listening socket per receiver and port

    /// <summary>Makes an application ready to start; a target that cannot be reached by name is found here, at build.</summary>
    private RunningApplication PrepareApplication(LabApplication application)
    {
        var node = (IpNode)devices[application.Device];
        RunningApplication running = application switch
        {
            LabPing ping => new RunningPing(ping, new Ping(node, AddressOf(ping.Target, ping.Position, "ping")) { Count = ping.Count }),
            LabTraceroute trace => new RunningTraceroute(trace, new Traceroute(node, AddressOf(trace.Target, trace.Position, "traceroute"))),
            LabWebVisit visit => new RunningWebVisit(visit, new WebBrowser(node, new DnsResolver(node, visit.DnsServer is null ? Ipv4Address.Any : AddressOf(visit.DnsServer, visit.Position, "web-visit")))),
            LabDnsLookup lookup => new RunningDnsLookup(lookup, new DnsResolver(node, AddressOf(lookup.DnsServer, lookup.Position, "dns-lookup"))),
            LabFileTransfer transfer => StartTransfer(transfer, node),
            LabUdpConstantRate udp => StartUdp(udp, node),
            _ => throw new InvalidOperationException($"No runner for {application.GetType().Name}."),
        };
        return running;
    }

    /// <summary>Starts an application at its time: now when that is 0 s, as a program calling <c>Start</c> before the run would.</summary>
    private void StartApplication(RunningApplication running)
    {
        if (running.Application.Start == SimTime.Zero)
        {
            running.Start(Simulation);
        }
        else
        {
            _ = Simulation.ScheduleAt(running.Application.Start, () => running.Start(Simulation));
        }
    }

    private RunningFileTransfer StartTransfer(LabFileTransfer transfer, IpNode node)
    {
        Ipv4Address destination = AddressOf(transfer.Target, transfer.Position, "file-transfer");
        IpNode receiver = FindNodeAt(destination)
            ?? throw Error(transfer.Position, $"file-transfer: no device of the lab has the address {destination}, so none can receive the file");
        return new RunningFileTransfer(transfer, node, receiver, destination);
    }

    private RunningUdp StartUdp(LabUdpConstantRate udp, IpNode node)
    {
        SimTime? stop = udp.Stop ?? StopTime;
        if (stop is null)
        {
            throw Error(udp.Position, "udp-constant-rate: it would send for ever; give it a 'stop', or the lab a 'stop-time'");
        }

        Ipv4Address destination = AddressOf(udp.Target, udp.Position, "udp-constant-rate");
        IpNode? receiver = FindNodeAt(destination);
        if (receiver is not null && !udpSinks.ContainsKey((receiver, udp.Port)))
        {
            // The receiver listens, so its datagrams are delivered, not answered with port unreachable (RFC 1122 4.1.3.1).
            var sink = new UdpSocket(receiver);
            sink.Received += (_, _, _, _) => { };
            sink.Bind(udp.Port);
            udpSinks.Add((receiver, udp.Port), sink);
        }

        var source = new UdpTrafficSource(node, destination, udp.Port)
        {
            PayloadSize = udp.PayloadSize,
            Interval = udp.Rate.TransmissionTime(udp.PayloadSize + 28), // the IPv4 and UDP headers are part of the rate
            StartTime = udp.Start,
            StopTime = stop.Value,
        };
        return new RunningUdp(udp, source, destination);
    }

    /// <summary>The host or router with <paramref name="address"/> on one of its interfaces, or null.</summary>
    private IpNode? FindNodeAt(Ipv4Address address) =>
        devices.Values.OfType<IpNode>().FirstOrDefault(n => n.FindInterface(address) is not null);

    /// <summary>An application of the lab as it runs: started once, then asked how it went.</summary>
    private abstract class RunningApplication(LabApplication application)
    {
        public LabApplication Application { get; } = application;

        public abstract void Start(Simulation simulation);

        public abstract LabApplicationResult Result();

        protected LabApplicationResult Outcome(bool? succeeded, string summary) => new(Application, succeeded, summary.TrimEnd());
    }

    private sealed class RunningPing(LabPing lab, Ping ping) : RunningApplication(lab)
    {
        public Ping Ping { get; } = ping;

        public override void Start(Simulation simulation) => Ping.Start();

        public override LabApplicationResult Result()
        {
            var text = new StringBuilder().AppendLine(Ping.Banner);
            foreach (PingResult result in Ping.Results)
            {
                _ = text.AppendLine(result.ToString());
            }

            PingSummary summary = Ping.Summary;
            _ = text.AppendLine().Append(summary.ToString());
            return Outcome(summary.Sent > 0 && summary.Received == summary.Sent, text.ToString());
        }
    }

    private sealed class RunningTraceroute(LabTraceroute lab, Traceroute traceroute) : RunningApplication(lab)
    {
        public override void Start(Simulation simulation) => traceroute.Start();

        public override LabApplicationResult Result()
        {
            var text = new StringBuilder().AppendLine(traceroute.Banner);
            foreach (TracerouteHop hop in traceroute.Hops)
            {
                _ = text.AppendLine(hop.ToString());
            }

            if (traceroute.Failure is string failure)
            {
                _ = text.AppendLine(failure);
            }

            return Outcome(traceroute.IsComplete ? traceroute.ReachedDestination : null, text.ToString());
        }
    }

    private sealed class RunningWebVisit(LabWebVisit lab, WebBrowser browser) : RunningApplication(lab)
    {
        public WebVisit? Visit { get; private set; }

        public override void Start(Simulation simulation) =>
            _ = simulation.Start(async () => Visit = await browser.VisitAsync(((LabWebVisit)Application).Url.ToString()).ConfigureAwait(true));

        public override LabApplicationResult Result()
        {
            if (Visit is null)
            {
                return Outcome(null, $"Visit of {((LabWebVisit)Application).Url}: not finished when the run ended.");
            }

            var text = new StringBuilder();
            _ = text.AppendLine(CultureInfo.InvariantCulture, $"Visit of {Visit.Url}: {(Visit.Succeeded ? "done" : Visit.Error)} in {Visit.Duration} of simulated time.");
            foreach (WebVisitStep step in Visit.Steps)
            {
                _ = text.AppendLine(step.ToString());
            }

            return Outcome(Visit.Succeeded, text.ToString());
        }
    }

    private sealed class RunningDnsLookup(LabDnsLookup lab, DnsResolver resolver) : RunningApplication(lab)
    {
        public DnsResolution? Resolution { get; private set; }

        public override void Start(Simulation simulation) =>
            _ = simulation.Start(async () => Resolution = await resolver.ResolveAsync(lab.Name).ConfigureAwait(true));

        public override LabApplicationResult Result() => Resolution is null
            ? Outcome(null, $"Lookup of {lab.Name}: not finished when the run ended.")
            : Outcome(Resolution.Status == DnsResolutionStatus.Success, Resolution.ToString());
    }

    private sealed class RunningFileTransfer(LabFileTransfer lab, IpNode sender, IpNode receiver, Ipv4Address destination) : RunningApplication(lab)
    {
        private readonly TcpListener listener = new(receiver, lab.Port);
        private SimTime started;
        private SimTime? finished;
        private long received;
        private string? error;

        public override void Start(Simulation simulation)
        {
            listener.Start();
            _ = simulation.Start(async () =>
            {
                TcpConnection incoming = await listener.AcceptAsync().ConfigureAwait(true);
                byte[] buffer = new byte[16384];
                int n;
                while ((n = await incoming.ReadAsync(buffer).ConfigureAwait(true)) > 0)
                {
                    received += n;
                }

                finished = simulation.Now;
                await incoming.CloseAsync().ConfigureAwait(true);
            });
            _ = simulation.Start(async () =>
            {
                started = simulation.Now;
                try
                {
                    TcpConnection connection = await TcpConnection.ConnectAsync(sender, destination, lab.Port).ConfigureAwait(true);
                    byte[] block = new byte[TransferChunk];
                    for (long left = lab.Bytes; left > 0; left -= block.Length)
                    {
                        await connection.WriteAsync(block.AsMemory(0, (int)Math.Min(left, block.Length))).ConfigureAwait(true);
                    }

                    await connection.CloseAsync().ConfigureAwait(true);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
                {
                    error = e.Message;
                }
            });
        }

        public override LabApplicationResult Result()
        {
            string what = string.Create(CultureInfo.InvariantCulture, $"File transfer of {lab.Bytes:N0} bytes to {lab.Target} port {lab.Port}: ");
            if (finished is SimTime end && received == lab.Bytes)
            {
                SimDuration took = end - started;
                double megabits = lab.Bytes * 8.0 / (took.Picoseconds / 1e12) / 1e6;
                return Outcome(true, what + string.Create(CultureInfo.InvariantCulture, $"done in {took} of simulated time ({megabits:F2} Mb/s)."));
            }

            return Outcome(false, what + string.Create(CultureInfo.InvariantCulture, $"{received:N0} bytes received{(error is null ? " when the run ended" : "; " + error)}."));
        }
    }

    private sealed class RunningUdp(LabUdpConstantRate lab, UdpTrafficSource source, Ipv4Address destination) : RunningApplication(lab)
    {
        public UdpTrafficSource Source { get; } = source;

        public Ipv4Address Destination { get; } = destination;

        public override void Start(Simulation simulation) => Source.Start();

        public override LabApplicationResult Result() => Outcome(
            null,
            string.Create(CultureInfo.InvariantCulture, $"UDP at {lab.Rate} to {lab.Target} port {lab.Port}: {Source.DatagramsSent:N0} datagrams of {lab.PayloadSize} bytes sent{(Source.SendFailures > 0 ? $", {Source.SendFailures:N0} could not be sent" : "")}."));
    }
}
