using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Tests.Ethernet;

/// <summary>Builds small topologies for the device tests: 100 Mb/s cables with 1 us of delay.</summary>
internal sealed class TestNetwork
{
    public static readonly DataRate Rate = DataRate.FromMegabitsPerSecond(100);
    public static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);

    public TestNetwork(ulong seed = 1)
    {
        Simulation = new Simulation(seed);
        Network = new Network(Simulation);
    }

    public Simulation Simulation { get; }

    public Network Network { get; }

    public Nic[] Computers(int count) => [.. Enumerable.Range(1, count).Select(i => new Nic(Network, $"pc{i}"))];

    public Cable Connect(Port a, Port b)
    {
        a.Network.Should().BeSameAs(Network);
        return new(a, b, Rate, Delay);
    }

    /// <summary>Sends one frame of <paramref name="length"/> bytes from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool SendFrame(Nic from, MacAddress to, int length = 60) =>
        from.Send(from.CreateFrame(to, FrameSource.TestEtherType, length - EthernetFrame.HeaderLength));

    /// <summary>The time one frame of <paramref name="length"/> bytes takes on a test cable: preamble, frame, FCS.</summary>
    public static SimDuration OnWire(int length) => Rate.TransmissionTime(8 + length + 4);
}
