using NetSim.Links;

namespace NetSim.Devices;

/// <summary>
/// A hub: a multiport repeater. Every frame that arrives at one port is repeated, bit for
/// bit as it comes in, out of every other port, so every station hears everything. Its
/// ports form one collision domain: the stations share the medium through IEEE 802.3
/// half-duplex CSMA/CD, deferring while another station is heard, and jamming and backing
/// off when two start at once. That is why a hub congests as stations are added.
/// </summary>
public sealed class Hub : IFrameReceiver
{
    private readonly Network network;
    private readonly Port[] ports;

    /// <summary>Creates a hub with <paramref name="portCount"/> ports, numbered from 0.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 ports.</exception>
    public Hub(Network network, string name, int portCount)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(portCount, 2);
        network.RegisterDevice(name);
        this.network = network;
        Name = name;
        var medium = new SharedMedium(name);
        ports = new Port[portCount];
        for (int i = 0; i < portCount; i++)
        {
            ports[i] = new Port(network, this, name, i) { Medium = medium };
        }
    }

    /// <summary>The hub's name.</summary>
    public string Name { get; }

    /// <summary>Its ports, numbered from 0.</summary>
    public IReadOnlyList<Port> Ports => ports;

    /// <summary>Frames repeated (each counted once, however many ports it went out of).</summary>
    public long FramesRepeated { get; private set; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <inheritdoc/>
    void IFrameReceiver.OnFrameArrived(Port port, FrameHandle frame)
    {
        FramePool pool = network.Frames;
        FramesRepeated++;
        if (network.IsTracing)
        {
            network.Trace(FrameTrace.Make(network, Name, port.Number, TraceKind.Repeated, pool.GetSpan(frame)));
        }

        Port? last = null;
        foreach (Port other in ports)
        {
            if (other == port || !other.IsLinkUp)
            {
                continue;
            }

            last?.Egress!.Repeat(pool.Copy(frame));
            last = other;
        }

        if (last is null)
        {
            pool.Return(frame);
        }
        else
        {
            last.Egress!.Repeat(frame);
        }
    }
}
