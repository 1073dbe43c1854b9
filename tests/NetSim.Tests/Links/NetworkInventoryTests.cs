using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using Switch = NetSim.Ethernet.Switch;

namespace NetSim.Tests.Links;

public class NetworkInventoryTests
{
    [Fact]
    public void A_network_lists_its_devices_in_the_order_made_and_its_cables_in_the_order_plugged()
    {
        var network = new Network(new Simulation(seed: 1));
        var pc = new Host(network, "pc", "10.0.0.1/24");
        var sw = new Switch(network, "sw", 4);
        var hub = new Hub(network, "hub", 4);
        var r1 = new Router(network, "r1");
        _ = new Nic(network, "spare"); // a NIC alone is no device with tables
        var topology = new TopologyBuilder(network);
        Cable first = topology.Connect(pc, sw);
        Cable second = topology.Connect(r1, sw);
        Cable third = new(hub.Ports[0], sw.Ports[2], DataRate.Parse("10Mbps"), SimDuration.Zero);

        network.Devices.Should().Equal(pc, sw, hub, r1);
        network.Cables.Should().Equal(first, second, third);
    }

    [Fact]
    public void A_device_whose_making_failed_is_not_listed()
    {
        var network = new Network(new Simulation(seed: 1));
        Action tooFew = () => _ = new Switch(network, "sw", 1);
        Action badTable = () => _ = new Switch(network, "sw2", 4, macTableCapacity: 0);
        tooFew.Should().Throw<ArgumentOutOfRangeException>();
        badTable.Should().Throw<ArgumentOutOfRangeException>();

        network.Devices.Should().BeEmpty();
    }
}
