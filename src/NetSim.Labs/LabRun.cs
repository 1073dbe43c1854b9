using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Labs;

/// <summary>
/// A lab made real: <see cref="Build"/> makes the network a <see cref="LabDefinition"/> describes
/// (devices, cables, addresses, routes, servers, captures), <see cref="Run"/> starts its
/// applications, runs the simulation and evaluates its checks. Between the two, a caller may
/// listen to <see cref="Network"/>'s tracer (a narrator, a run recorder, a fingerprint).
/// </summary>
/// <remarks>
/// <para>
/// The network is built in the file's order, as a C# program written the same way would build
/// it: each device when it is declared (a host or server with its address, a router with its
/// interfaces, so MAC addresses are given in that order), then each link with
/// <see cref="TopologyBuilder.Connect"/> (a bare device name takes its next free port), then the
/// address plan (<see cref="TopologyBuilder.AssignAddresses(Ipv4Network, int)"/>), the routes
/// (<see cref="TopologyBuilder.ComputeRoutes"/>), the DNS and web servers, the captures.
/// </para>
/// <para>
/// An application starting at 0 s starts before the run, as a program calling <c>Start</c>
/// would; a later one starts from an event at its time. A check with a time is evaluated by a
/// background event at that time (it does not keep the run going); one without, or one whose
/// time the run never reached, after the run.
/// </para>
/// </remarks>
public sealed partial class LabRun : IDisposable
{
    private readonly Dictionary<string, object> devices = new(StringComparer.Ordinal); // name: Host, Router, Switch or Hub
    private readonly List<PcapWriter> pcaps = [];
    private readonly List<string> captureFiles = [];
    private readonly List<RunningApplication> applications = [];
    private readonly FlowMonitor flows;
    private readonly FramesReached framesReached;
    private bool ran;

    private LabRun(LabDefinition lab, LabRunOptions options)
    {
        Lab = lab;
        Options = options;
        Simulation = new Simulation(options.Seed ?? lab.Seed);
        Network = new Network(Simulation);
        StopTime = options.StopTime ?? lab.StopTime;
        flows = new FlowMonitor(Network.Tracer);
        framesReached = new FramesReached(this);
    }

    /// <summary>The lab it runs.</summary>
    public LabDefinition Lab { get; }

    /// <summary>The options it was built with.</summary>
    public LabRunOptions Options { get; }

    /// <summary>The simulation (its seed: the options' or the lab's).</summary>
    public Simulation Simulation { get; }

    /// <summary>The network the lab describes, built.</summary>
    public Network Network { get; }

    /// <summary>When the run stops: the options' stop time, else the lab's; null: when nothing is left to do.</summary>
    public SimTime? StopTime { get; }

    /// <summary>The pcap files the captures write, in the lab's order (empty without <see cref="LabRunOptions.CaptureDirectory"/>).</summary>
    public IReadOnlyList<string> CaptureFiles => captureFiles;

    /// <summary>
    /// Builds the network of <paramref name="lab"/>. Nothing runs yet.
    /// </summary>
    /// <param name="lab">The lab, as <see cref="LabFile"/> read it.</param>
    /// <param name="options">The seed, stop time and capture folder, when they differ from the lab's.</param>
    /// <returns>The built lab, ready to <see cref="Run"/>.</returns>
    /// <exception cref="LabFileException">
    /// The lab cannot be built: the address plan runs out, a name used as a target has no
    /// address, a device's gateway is on none of its networks once numbered, a capture file
    /// cannot be written. The message names the lab file and, where it can, the line.
    /// </exception>
    public static LabRun Build(LabDefinition lab, LabRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var run = new LabRun(lab, options ?? new LabRunOptions());
        try
        {
            run.BuildNetwork();
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>The host, router, DNS server or web server named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The device's name in the lab.</param>
    public IpNode? FindNode(string name) => devices.GetValueOrDefault(name) as IpNode;

    /// <summary>The switch named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The device's name in the lab.</param>
    public Switch? FindSwitch(string name) => devices.GetValueOrDefault(name) as Switch;

    /// <summary>The hub named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The device's name in the lab.</param>
    public Hub? FindHub(string name) => devices.GetValueOrDefault(name) as Hub;

    /// <summary>
    /// The tables of the device named <paramref name="name"/> as the console shows them: a
    /// switch's ports and MAC table, a host's or router's interfaces, ARP cache and routes, a
    /// hub's ports. Null when the lab has no such device.
    /// </summary>
    /// <param name="name">The device's name in the lab.</param>
    public string? FormatTables(string name) => devices.GetValueOrDefault(name) switch
    {
        Switch device => device.FormatTables(),
        IpNode node => node.FormatTables(),
        Hub hub => hub.FormatTables(),
        _ => null,
    };

    /// <summary>
    /// Starts the applications, runs the simulation to <see cref="StopTime"/> (or until nothing
    /// is left to do), evaluates the checks and returns what happened. Runs once.
    /// </summary>
    /// <param name="progress">Told how the run advances, about every <paramref name="reportInterval"/> of wall time (see <see cref="Simulation.Run(IProgress{SimulationProgress}, TimeSpan?, TimeProvider)"/>).</param>
    /// <param name="reportInterval">How often progress is told; 100 ms unless given.</param>
    /// <returns>The applications' outcomes, the checks' verdicts and the flows' statistics.</returns>
    /// <exception cref="InvalidOperationException">The lab already ran.</exception>
    public LabResult Run(IProgress<SimulationProgress>? progress = null, TimeSpan? reportInterval = null)
    {
        if (ran)
        {
            throw new InvalidOperationException("This lab already ran; build it again to run it again.");
        }

        ran = true;
        foreach (RunningApplication application in applications)
        {
            StartApplication(application);
        }

        var verdicts = new LabCheckResult?[Lab.Checks.Count];
        for (int i = 0; i < Lab.Checks.Count; i++)
        {
            if (Lab.Checks[i].At is SimTime at && (StopTime is null || at <= StopTime.Value))
            {
                int index = i;
                Simulation.ScheduleBackground(at, new CheckAt(() => verdicts[index] ??= Evaluate(Lab.Checks[index], applications, reachedTime: true)));
            }
        }

        if (StopTime is SimTime stop)
        {
            Simulation.RunUntil(stop, progress, reportInterval);
        }
        else
        {
            Simulation.Run(progress, reportInterval);
        }

        for (int i = 0; i < verdicts.Length; i++)
        {
            verdicts[i] ??= Evaluate(Lab.Checks[i], applications, reachedTime: Lab.Checks[i].At is null);
        }

        foreach (PcapWriter pcap in pcaps)
        {
            pcap.Flush();
        }

        return new LabResult(
            Lab,
            Simulation.Now,
            Simulation.EventsExecuted,
            [.. applications.Select(a => a.Result())],
            [.. verdicts.Select(v => v!)],
            flows.GetStatistics(),
            captureFiles);
    }

    /// <summary>Closes the capture files and stops listening to the network.</summary>
    public void Dispose()
    {
        foreach (PcapWriter pcap in pcaps)
        {
            pcap.Dispose();
        }

        pcaps.Clear();
        flows.Dispose();
        framesReached.Dispose();
    }

    private void BuildNetwork()
    {
        foreach (LabDevice device in Lab.Devices)
        {
            devices.Add(device.Name, MakeDevice(device));
        }

        var topology = new TopologyBuilder(Network);
        for (int number = 1; number <= Lab.Links.Count; number++)
        {
            LabLink link = Lab.Links[number - 1];
            Cable cable;
            try
            {
                cable = topology.Connect(End(link.A), End(link.B), link.Rate, link.Delay);
            }
            catch (ArgumentException e)
            {
                throw Error(link.Position, $"link {number}: {e.Message}", e);
            }

            foreach (CableDirection direction in new[] { cable.FromA, cable.FromB })
            {
                // Set only what the lab gives, so a link without impairments draws no random number.
                if (link.Loss > 0)
                {
                    direction.Impairments.LossProbability = link.Loss;
                }

                if (link.Corruption > 0)
                {
                    direction.Impairments.CorruptionProbability = link.Corruption;
                }

                if (link.Duplication > 0)
                {
                    direction.Impairments.DuplicationProbability = link.Duplication;
                }

                if (link.Jitter > SimDuration.Zero)
                {
                    direction.Impairments.MaxJitter = link.Jitter;
                }
            }

            if (link.Queue != LabQueueDiscipline.DropTail)
            {
                cable.FromA.From.QueueDiscipline = MakeQueue(link.Queue);
                cable.FromB.From.QueueDiscipline = MakeQueue(link.Queue);
            }
        }

        if (Lab.AddressPlan is LabAddressPlan plan)
        {
            try
            {
                _ = topology.AssignAddresses(plan.Pool, plan.SubnetPrefixLength);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                throw Error(plan.Position, $"address-plan {plan.Pool}: {e.Message}", e);
            }
        }

        if (Lab.ComputeRoutes)
        {
            try
            {
                topology.ComputeRoutes();
            }
            catch (InvalidOperationException e)
            {
                throw Error(default, $"compute-routes: {e.Message}", e);
            }
        }

        foreach (LabDevice device in Lab.Devices)
        {
            if (device.Routes.Count > 0 || (device.Gateway is not null && device.Interfaces.Count == 0))
            {
                ApplyRoutes(device);
            }
        }

        foreach (LabDevice device in Lab.Devices)
        {
            StartServer(device);
        }

        OpenCaptures();
        applications.AddRange(Lab.Applications.Select(PrepareApplication));
    }

    private object MakeDevice(LabDevice device)
    {
        switch (device.Kind)
        {
            case LabDeviceKind.Switch:
                return new Switch(Network, device.Name, device.PortCount);
            case LabDeviceKind.Hub:
                return new Hub(Network, device.Name, device.PortCount);
            case LabDeviceKind.Router:
                var router = new Router(Network, device.Name);
                foreach (LabInterface address in device.Interfaces)
                {
                    _ = router.AddInterface(address.Address, address.PrefixLength);
                }

                return router;
            default:
                // A host, DNS server or web server: one interface, its gateway given with it when it has an address.
                return device.Interfaces.Count == 0
                    ? new Host(Network, device.Name)
                    : new Host(Network, device.Name, device.Interfaces[0].ToString(), device.Gateway?.ToString());
        }
    }

    /// <summary>A link's end: a device's next free port, or the port it names (eth0 is a host's or router's first interface, a switch's first port).</summary>
    private CableEnd End(LabPortRef end) => (devices[end.Device], end.Port) switch
    {
        (IpNode node, null) => node,
        (Switch device, null) => device,
        (Hub hub, null) => hub,
        (IpNode node, int n) => node.Interfaces.Where(i => !i.IsLoopback).ElementAt(n),
        (Switch device, int n) => device.Ports[n],
        (Hub hub, int n) => hub.Ports[n],
        _ => throw new InvalidOperationException($"{end} is not a device of the lab."),
    };

    /// <summary>The port a capture or a check names: a device's first port (its first interface's), or the one given.</summary>
    private Port PortOf(LabPortRef end) => (devices[end.Device], end.Port ?? 0) switch
    {
        (IpNode node, int n) => node.Interfaces.Where(i => !i.IsLoopback).ElementAt(n).Port,
        (Switch device, int n) => device.Ports[n],
        (Hub hub, int n) => hub.Ports[n],
        _ => throw new InvalidOperationException($"{end} is not a device of the lab."),
    };

    private static IQueueDiscipline MakeQueue(LabQueueDiscipline queue) => queue switch
    {
        LabQueueDiscipline.Red => new RedDiscipline(),
        LabQueueDiscipline.CoDel => new CoDelDiscipline(),
        LabQueueDiscipline.FqCoDel => new FqCoDelDiscipline(),
        _ => new DropTailDiscipline(),
    };

    /// <summary>Static routes, and the gateway of a host the plan numbered (it has an address only now).</summary>
    private void ApplyRoutes(LabDevice device)
    {
        var node = (IpNode)devices[device.Name];
        try
        {
            if (device.Gateway is Ipv4Address gateway && device.Interfaces.Count == 0)
            {
                node.DefaultGateway = gateway;
            }

            foreach (LabRoute route in device.Routes)
            {
                if (route.Destination.PrefixLength == 0)
                {
                    node.SetDefaultRoute(route.Via);
                }
                else
                {
                    node.AddRoute(route.Destination, route.Via);
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw Error(device.Position, $"device {device.Name}: {e.Message}", e);
        }
    }

    private void StartServer(LabDevice device)
    {
        if (device.Kind == LabDeviceKind.DnsServer)
        {
            var dns = new DnsServer((IpNode)devices[device.Name]);
            foreach (LabDnsRecord record in device.DnsRecords)
            {
                if (record.Address is Ipv4Address address)
                {
                    dns.AddA(record.Name, address, record.TimeToLive);
                }
                else
                {
                    dns.AddCname(record.Name, record.CanonicalName!, record.TimeToLive);
                }
            }

            dns.Start();
        }
        else if (device.Kind == LabDeviceKind.WebServer)
        {
            var web = new WebServer((IpNode)devices[device.Name]);
            foreach (LabWebPage page in device.Pages)
            {
                web.AddPage(page.Path, page.Content);
            }

            web.Start();
        }
    }

    private void OpenCaptures()
    {
        if (Options.CaptureDirectory is not string folder)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (LabCapture capture in Lab.Captures)
        {
            string file = capture.FileName ?? (capture.Port.Port is int n ? string.Create(CultureInfo.InvariantCulture, $"{capture.Port.Device}-eth{n}.pcap") : capture.Port.Device + ".pcap");
            if (!names.Add(file))
            {
                throw Error(capture.Position, $"two captures write {file}; give one a 'file'");
            }

            string path = Path.Combine(folder, file);
            PcapWriter pcap;
            try
            {
                _ = Directory.CreateDirectory(folder);
                pcap = PcapWriter.Create(path, Simulation);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Error(capture.Position, $"cannot write the capture {path}: {e.Message}", e);
            }

            pcaps.Add(pcap);
            captureFiles.Add(path);
            pcap.Capture(PortOf(capture.Port));
        }
    }

    /// <summary>The address a target names: an IPv4 address as written, or a device's first address.</summary>
    private Ipv4Address AddressOf(string target, LabPosition position, string what)
    {
        if (Ipv4Address.TryParse(target, out Ipv4Address address))
        {
            return address;
        }

        IpInterface? first = FindNode(target)?.Interfaces.FirstOrDefault(i => !i.IsLoopback);
        return first?.Address ?? throw Error(position, $"{what}: {target} has no address to send to");
    }

    private LabFileException Error(LabPosition position, string problem, Exception? inner = null) =>
        new(Lab.FileName, position.Line, position.Column, problem, inner);

    /// <summary>Runs a check from a background event.</summary>
    private sealed class CheckAt(Action evaluate) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => evaluate();
    }
}
