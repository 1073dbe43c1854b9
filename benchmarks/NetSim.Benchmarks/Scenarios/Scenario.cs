using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Benchmarks.Scenarios;

/// <summary>What one run of a scenario did.</summary>
/// <param name="Name">The scenario.</param>
/// <param name="Offered">Datagrams the sources sent.</param>
/// <param name="Delivered">Datagrams the receivers' sockets got (1,000 bytes each, checked).</param>
/// <param name="Events">Events the simulation ran.</param>
/// <param name="RouterHops">Packets forwarded by the routers, all of them together.</param>
/// <param name="CollisionDrops">Frames dropped after 16 collisions (hub only).</param>
internal readonly record struct ScenarioResult(string Name, long Offered, long Delivered, long Events, long RouterHops, long CollisionDrops);

/// <summary>
/// The scenarios ns-3 was timed on (see benchmarks/README.md, "Scenarios"): UDP constant
/// bit rate flows of 1,000-byte payloads to port 9, ARP preset on every sender for every
/// peer it sends to, receivers that count in a <see cref="UdpSocket.Received"/> handler.
/// A scenario is built, then <see cref="Run"/> runs it to 11.1 s and checks what it did.
/// </summary>
internal sealed class Scenario
{
    public const int PayloadSize = 1000;
    public const ushort ReceiverPort = 9;

    /// <summary>Every source starts at 1 s (plus its stagger) and sends for 10 s.</summary>
    public static readonly SimTime FirstSend = SimTime.FromSeconds(1);
    public static readonly SimDuration SendingTime = SimDuration.FromSeconds(10);
    public static readonly SimTime End = SimTime.FromMilliseconds(11_100);

    private readonly List<UdpTrafficSource> sources = [];
    private readonly List<Router> routers = [];
    private readonly List<Port> stationPorts = [];
    private long delivered;
    private long wrongLength;

    private Scenario(string name, long expected, long minimum, ITraceListener? trace)
    {
        Name = name;
        Expected = expected;
        Minimum = minimum;
        Simulation = new Simulation(seed: 1);
        Network = new Network(Simulation);
        if (trace is not null)
        {
            _ = Network.Tracer.Subscribe(trace);
        }
    }

    public string Name { get; }

    public Simulation Simulation { get; }

    public Network Network { get; }

    /// <summary>The switch's ports (S2 only; empty otherwise): where the probe variants attach.</summary>
    public IReadOnlyList<Port> SwitchPorts { get; private set; } = [];

    /// <summary>Datagrams offered by the sources over the 10 s.</summary>
    public long Expected { get; }

    /// <summary>Fewer delivered than this, and the run throws.</summary>
    public long Minimum { get; }

    /// <summary>
    /// S2, switch star: 16 hosts in 10.1.0.0/16, each on its own 100 Mb/s cable (1 us) to
    /// one learning switch. Host i sends to host (i + 1) mod 16 at 40 Mb/s (a datagram every
    /// 200 us) from 1 s + 7i us for 10 s: 800,000 datagrams, all delivered.
    /// </summary>
    public static Scenario SwitchStar(ITraceListener? trace = null)
    {
        const int hostCount = 16;
        var scenario = new Scenario("S2 switch star", hostCount * 50_000L, hostCount * 50_000L, trace);
        var sw = new Switch(scenario.Network, "s1", hostCount);
        scenario.SwitchPorts = sw.Ports;
        Host[] hosts = scenario.MakeHosts(hostCount);
        for (int i = 0; i < hostCount; i++)
        {
            _ = new Cable(hosts[i].Port, sw.Ports[i], DataRate.FromMegabitsPerSecond(100), SimDuration.FromMicroseconds(1));
        }

        scenario.AddRing(hosts, SimDuration.FromMicroseconds(200));
        return scenario;
    }

    /// <summary>
    /// S3, router chain: host A - r1 - r2 - r3 - r4 - host B on 1 Gb/s cables with 1 us of
    /// delay, each link its own /24 (10.0.k.0/24, k = 1 to 5), static routes. One flow from A
    /// to B at 500 Mb/s (a datagram every 16 us) from 1 s for 10 s: 625,000 datagrams,
    /// 2.5 million router hops.
    /// </summary>
    public static Scenario RouterChain(ITraceListener? trace = null)
    {
        const int routerCount = 4;
        var scenario = new Scenario("S3 router chain", 625_000, 625_000, trace);
        Network network = scenario.Network;
        DataRate rate = DataRate.FromGigabitsPerSecond(1);
        SimDuration delay = SimDuration.FromMicroseconds(1);

        // Router k is .1 on network k and .2 on network k + 1 (.1 on the last network, B's gateway).
        var a = new Host(network, "a", "10.0.1.10/24", "10.0.1.1");
        Port left = a.Port;
        for (int k = 1; k <= routerCount; k++)
        {
            var router = new Router(network, $"r{k}");
            router.AddInterface($"10.0.{k}.1/24");
            router.AddInterface($"10.0.{k + 1}.{(k == routerCount ? 1 : 2)}/24");
            _ = new Cable(left, router.Interfaces[0].Port, rate, delay);
            left = router.Interfaces[1].Port;
            scenario.routers.Add(router);
        }

        var b = new Host(network, "b", $"10.0.{routerCount + 1}.10/24", $"10.0.{routerCount + 1}.1");
        _ = new Cable(left, b.Port, rate, delay);
        for (int k = 1; k <= routerCount; k++)
        {
            Router router = scenario.routers[k - 1];
            for (int n = 1; n < k; n++)
            {
                router.AddRoute($"10.0.{n}.0/24", $"10.0.{k}.2");
            }

            for (int n = k + 2; n <= routerCount + 1; n++)
            {
                router.AddRoute($"10.0.{n}.0/24", $"10.0.{k + 1}.1");
            }
        }

        // ARP preset both ways on every link.
        IpInterface[] ends = [a.Interfaces[0], .. scenario.routers.SelectMany(r => r.Interfaces), b.Interfaces[0]];
        for (int i = 0; i < ends.Length; i += 2)
        {
            ends[i].Arp.AddStatic(ends[i + 1].Address, ends[i + 1].Mac);
            ends[i + 1].Arp.AddStatic(ends[i].Address, ends[i].Mac);
        }

        scenario.AddReceiver(b);
        scenario.AddSource(a, b.Address, SimDuration.FromMicroseconds(16), FirstSend);
        return scenario;
    }

    /// <summary>
    /// S4, hub: 16 hosts in 10.1.0.0/16 on one 100 Mb/s hub (1 us cables), half-duplex
    /// CSMA/CD. Host i sends to host (i + 1) mod 16 at 5 Mb/s (a datagram every 1.6 ms) from
    /// 1 s + 7i us for 10 s: 100,000 datagrams offered; frames dropped after 16 collisions
    /// are lost, so at least 95% must arrive.
    /// </summary>
    public static Scenario HubShared(ITraceListener? trace = null)
    {
        const int hostCount = 16;
        var scenario = new Scenario("S4 hub", hostCount * 6_250L, hostCount * 6_250L * 95 / 100, trace);
        var hub = new Hub(scenario.Network, "hub", hostCount);
        Host[] hosts = scenario.MakeHosts(hostCount);
        for (int i = 0; i < hostCount; i++)
        {
            _ = new Cable(hosts[i].Port, hub.Ports[i], DataRate.FromMegabitsPerSecond(100), SimDuration.FromMicroseconds(1));
            scenario.stationPorts.Add(hosts[i].Port);
        }

        scenario.AddRing(hosts, SimDuration.FromMicroseconds(1600));
        return scenario;
    }

    /// <summary>Runs to 11.1 s and checks that the datagrams were all sent and (enough of them) delivered; throws otherwise.</summary>
    public ScenarioResult Run(IProgress<SimulationProgress>? progress = null)
    {
        long eventsBefore = Simulation.EventsExecuted;
        Simulation.RunUntil(End, progress);
        var result = new ScenarioResult(
            Name,
            sources.Sum(s => s.DatagramsSent),
            delivered,
            Simulation.EventsExecuted - eventsBefore,
            routers.Sum(r => r.Counters.PacketsForwarded),
            stationPorts.Sum(p => p.Counters.Dropped(DropReason.ExcessiveCollisions)));
        if (result.Offered != Expected || result.Delivered < Minimum || result.Delivered > Expected || wrongLength != 0
            || (routers.Count > 0 && result.RouterHops != result.Delivered * routers.Count))
        {
            throw new InvalidOperationException(
                $"{Name}: {result.Offered} datagrams sent (expected {Expected}), {result.Delivered} delivered (expected {Minimum} to {Expected}), {wrongLength} of the wrong length, {result.RouterHops} router hops.");
        }

        return result;
    }

    private Host[] MakeHosts(int count)
    {
        var hosts = new Host[count];
        for (int i = 0; i < count; i++)
        {
            hosts[i] = new Host(Network, $"h{i}", $"10.1.0.{i + 1}/16");
        }

        return hosts;
    }

    // Host i sends to host (i + 1) mod n every interval, from 1 s + 7i us; every host receives.
    private void AddRing(Host[] hosts, SimDuration interval)
    {
        for (int i = 0; i < hosts.Length; i++)
        {
            Host peer = hosts[(i + 1) % hosts.Length];
            hosts[i].Interfaces[0].Arp.AddStatic(peer.Address, peer.Interfaces[0].Mac);
            AddReceiver(hosts[i]);
            AddSource(hosts[i], peer.Address, interval, FirstSend + SimDuration.FromMicroseconds(7 * i));
        }
    }

    private void AddReceiver(Host host)
    {
        var socket = new UdpSocket(host);
        socket.Received += OnReceived;
        socket.Bind(ReceiverPort);
    }

    private void AddSource(Host host, Ipv4Address destination, SimDuration interval, SimTime start)
    {
        var source = new UdpTrafficSource(host, destination, ReceiverPort)
        {
            PayloadSize = PayloadSize,
            Interval = interval,
            StartTime = start,
            StopTime = start + SendingTime,
        };
        source.Start();
        sources.Add(source);
    }

    private void OnReceived(UdpSocket socket, Ipv4Address from, ushort fromPort, ReadOnlySpan<byte> data)
    {
        delivered++;
        if (data.Length != PayloadSize)
        {
            wrongLength++;
        }
    }
}

/// <summary>Counts the collisions on a hub (each station that collides counts once per collision) and the backoffs, from trace events.</summary>
internal sealed class CollisionCounter : ITraceListener
{
    public long Collided { get; private set; }

    public long BackedOff { get; private set; }

    public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        if (traceEvent.Kind == FrameEventKind.Collided)
        {
            Collided++;
        }
        else if (traceEvent.Kind == FrameEventKind.BackedOff)
        {
            BackedOff++;
        }
    }
}
