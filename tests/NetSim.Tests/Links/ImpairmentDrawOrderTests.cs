using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Links;

// Runs with every impairment on draw the same random numbers in the same order as before the
// error models were split out of CableDirection (issue 13): the fingerprints were taken on
// the code before the split. A change to the order of the draws changes them.
public class ImpairmentDrawOrderTests
{
    // FNV-1a over what arrived (time, bytes) and what was dropped, in order.
    private static ulong Fingerprint(TestNetwork net, IEnumerable<Nic> receivers)
    {
        ulong hash = 14695981039346656037;
        void Mix(long value)
        {
            for (int i = 0; i < 8; i++)
            {
                hash = unchecked((hash ^ (byte)(value >> (8 * i))) * 1099511628211);
            }
        }

        foreach (Nic nic in receivers)
        {
            nic.Received += (n, frame) =>
            {
                Mix(net.Simulation.Now.Picoseconds);
                foreach (byte b in frame)
                {
                    Mix(b);
                }
            };
        }

        net.Simulation.Run();
        foreach (Nic nic in receivers)
        {
            foreach (DropReason reason in Enum.GetValues<DropReason>().Where(r => r <= DropReason.ExcessiveCollisions)) // the reasons there were
            {
                Mix(nic.Port.Counters.Dropped(reason));
            }
        }

        return hash;
    }

    private static void AllImpairments(Impairments impairments)
    {
        impairments.LossProbability = 0.1;
        impairments.CorruptionProbability = 0.1;
        impairments.DuplicationProbability = 0.1;
        impairments.MaxJitter = SimDuration.FromMicroseconds(20);
        impairments.DropFrameNumbers.Add(5);
    }

    [Fact]
    public void A_cable_with_every_impairment_repeats_the_recorded_run()
    {
        var net = new TestNetwork(seed: 3);
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        AllImpairments(cable.FromA.Impairments);
        new FrameSource(pcs[0], pcs[1].Mac, 100, count: 2_000).Start();

        Fingerprint(net, [pcs[1]]).Should().Be(9622178576694548975UL);
    }

    [Fact]
    public void Stations_on_a_hub_with_impairments_repeat_the_recorded_run()
    {
        // Backoff and impairments draw from one source per direction, in turn.
        var net = new TestNetwork(seed: 4);
        var hub = new Hub(net.Network, "h1", 3);
        Nic[] pcs = net.Computers(3);
        for (int i = 0; i < 3; i++)
        {
            Cable cable = net.Connect(pcs[i].Port, hub.Ports[i]);
            AllImpairments(cable.FromA.Impairments);
        }

        for (int i = 0; i < 3; i++)
        {
            new FrameSource(pcs[i], pcs[(i + 1) % 3].Mac, 100, count: 500).Start();
        }

        Fingerprint(net, pcs).Should().Be(7066015461313208712UL);
    }
}
