using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Tests.Topology;

/// <summary>
/// The device tables as a learner prints them, for one small network: pc1 and r1 on a
/// switch (10.0.1.0/24), pc2 behind r1 (10.0.2.0/24), one ping from pc1 to pc2.
/// </summary>
public class DeviceTablesTests
{
    private readonly Simulation sim = new(1);
    private readonly Network network;
    private readonly Switch sw;
    private readonly Host pc1;
    private readonly Router r1;
    private readonly Host pc2;

    public DeviceTablesTests()
    {
        network = new Network(sim);
        sw = new Switch(network, "sw", 3);
        pc1 = new Host(network, "pc1", "10.0.1.10/24", "10.0.1.1");
        r1 = new Router(network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        pc2 = new Host(network, "pc2", "10.0.2.10/24", "10.0.2.1");
        DataRate rate = DataRate.FromMegabitsPerSecond(100);
        SimDuration delay = SimDuration.FromMicroseconds(1);
        _ = new Cable(pc1.Port, sw.Ports[0], rate, delay);
        _ = new Cable(r1.Interfaces[0].Port, sw.Ports[1], rate, delay);
        _ = new Cable(r1.Interfaces[1].Port, pc2.Port, rate, delay);
        new Ping(pc1, pc2.Address) { Count = 1 }.Start();
    }

    // Each table printed at t = 2 s, as a user schedules it: the ping is long over, the
    // ARP entries (60 s) and MAC entries (300 s) still live.
    private string At2Seconds(Func<string> print)
    {
        string? text = null;
        sim.ScheduleAt(SimTime.FromSeconds(2), () => text = print());
        sim.Run();
        return text!;
    }

    [Fact]
    public void The_switch_prints_its_mac_table_with_port_and_age()
    {
        At2Seconds(sw.FormatMacTable).Should().Be(
            """
            MAC address table of sw (2 of 8192 addresses, ageing time 300 s)
            MAC address        Port  Age
            02:00:00:00:00:01  0     2.000 s
            02:00:00:00:00:02  1     2.000 s

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_router_prints_the_arp_caches_of_all_its_interfaces_in_one_table()
    {
        At2Seconds(r1.FormatArp).Should().Be(
            """
            ARP cache of r1
            Address    MAC address        Interface  State     Expires in
            10.0.1.10  02:00:00:00:00:01  r1/eth0    resolved  58.000 s
            10.0.2.10  02:00:00:00:00:04  r1/eth1    resolved  58.000 s

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_router_prints_its_routes_with_interface_names_and_origin()
    {
        At2Seconds(r1.FormatRoutes).Should().Be(
            """
            Routing table of r1
            Destination  Gateway  Interface  Origin
            10.0.1.0/24  on-link  r1/eth0    connected
            10.0.2.0/24  on-link  r1/eth1    connected

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_host_prints_its_default_route()
    {
        At2Seconds(pc1.FormatRoutes).Should().Be(
            """
            Routing table of pc1
            Destination  Gateway   Interface  Origin
            10.0.1.0/24  on-link   pc1/eth0   connected
            0.0.0.0/0    10.0.1.1  pc1/eth0   static

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Port_and_interface_counters_print_as_a_table()
    {
        string switchPorts = "";
        string routerInterfaces = At2Seconds(() =>
        {
            switchPorts = sw.FormatPorts();
            return r1.FormatInterfaces();
        });

        switchPorts.Should().Be(
            """
            Ports of sw
            Port  RX frames  RX bytes  TX frames  TX bytes  Dropped  Queue peak
            0     2          158       2          158       0        1
            1     2          158       2          158       0        1
            2     0          0         0          0         0        0

            """.ReplaceLineEndings("\n"));
        routerInterfaces.Should().Be(
            """
            Interfaces of r1
            Interface  RX frames  RX bytes  TX frames  TX bytes  Dropped  Queue peak
            r1/eth0    2          158       2          158       0        1
            r1/eth1    2          158       2          158       0        1

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Port_counters_print_their_values_not_their_type_name()
    {
        // pc1 sent the ARP request (padded to 60 bytes) and the echo request (98), and got
        // the ARP reply (60) and the echo reply (98).
        At2Seconds(() => pc1.Port.Counters.ToString()).Should().Be(
            "received 2 frames (158 bytes), sent 2 frames (158 bytes), dropped 0, queue peak 1");
    }

    [Fact]
    public void One_interface_s_arp_cache_and_a_bare_routing_table_print_in_the_same_layout()
    {
        string routes = "";
        At2Seconds(() =>
        {
            routes = r1.Routes.ToString();
            return r1.Interfaces[0].Arp.ToString();
        }).Should().Be(
            """
            ARP cache of r1/eth0 (10.0.1.1 at 02:00:00:00:00:02)
            Address    MAC address        State     Expires in
            10.0.1.10  02:00:00:00:00:01  resolved  58.000 s

            """.ReplaceLineEndings("\n"));
        routes.Should().Be(
            """
            Routing table (2 routes)
            Destination  Gateway  Interface  Origin
            10.0.1.0/24  on-link  0          connected
            10.0.2.0/24  on-link  1          connected

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Every_device_prints_all_its_tables_the_same_way()
    {
        IDeviceTables[] devices = [sw, pc2];

        At2Seconds(() => string.Concat(devices.Select(d => d.FormatTables() + "\n"))).Should().Be(
            """
            MAC address table of sw (2 of 8192 addresses, ageing time 300 s)
            MAC address        Port  Age
            02:00:00:00:00:01  0     2.000 s
            02:00:00:00:00:02  1     2.000 s

            Ports of sw
            Port  RX frames  RX bytes  TX frames  TX bytes  Dropped  Queue peak
            0     2          158       2          158       0        1
            1     2          158       2          158       0        1
            2     0          0         0          0         0        0

            Interfaces of pc2
            Interface  RX frames  RX bytes  TX frames  TX bytes  Dropped  Queue peak
            pc2/eth0   2          158       2          158       0        1

            ARP cache of pc2
            Address   MAC address        Interface  State     Expires in
            10.0.2.1  02:00:00:00:00:03  pc2/eth0   resolved  58.000 s

            Routing table of pc2
            Destination  Gateway   Interface  Origin
            10.0.2.0/24  on-link   pc2/eth0   connected
            0.0.0.0/0    10.0.2.1  pc2/eth0   static


            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_hub_has_no_mac_table_to_print_and_prints_its_ports()
    {
        var hubSim = new Simulation(1);
        var hubNetwork = new Network(hubSim);
        var hub = new Hub(hubNetwork, "hub", 3);
        var a = new Host(hubNetwork, "a", "10.0.0.1/24");
        var b = new Host(hubNetwork, "b", "10.0.0.2/24");
        _ = new Cable(a.Port, hub.Ports[0], DataRate.FromMegabitsPerSecond(10), SimDuration.FromMicroseconds(1));
        _ = new Cable(b.Port, hub.Ports[1], DataRate.FromMegabitsPerSecond(10), SimDuration.FromMicroseconds(1));
        _ = new Cable(new Host(hubNetwork, "c", "10.0.0.3/24").Port, hub.Ports[2], DataRate.FromMegabitsPerSecond(10), SimDuration.FromMicroseconds(1));
        new Ping(a, b.Address) { Count = 1 }.Start();
        string? text = null;
        hubSim.ScheduleAt(SimTime.FromSeconds(2), () => text = ((IDeviceTables)hub).FormatTables());
        hubSim.Run();

        // ARP request, ARP reply, echo request, echo reply: each repeated out of the two other ports, so c hears all four.
        text.Should().Be(
            """
            hub is a hub: it keeps no MAC table and repeats every frame to every other port (4 frames so far).

            Ports of hub
            Port  RX frames  RX bytes  TX frames  TX bytes  Dropped  Queue peak
            0     2          158       2          158       0        0
            1     2          158       2          158       0        0
            2     0          0         4          316       0        0

            """.ReplaceLineEndings("\n"), "a hub repeats bit by bit as the frame comes in: nothing queues at its ports");
    }

    [Fact]
    public void The_arp_cache_printed_after_its_entries_expired_is_empty()
    {
        string text = "";
        sim.ScheduleAt(SimTime.FromSeconds(61), () => text = r1.FormatArp());
        sim.Run();

        text.Should().Be(
            """
            ARP cache of r1
            Address  MAC address  Interface  State  Expires in

            """.ReplaceLineEndings("\n"), "learned entries live 60 s, and a run that goes on longer finds them gone");
    }
}
