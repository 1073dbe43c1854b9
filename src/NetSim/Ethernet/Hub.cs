using System.Globalization;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>
/// A hub: a multiport repeater. Every frame that arrives at one port is repeated, bit for
/// bit as it comes in, out of every other port, so every station hears everything. Its
/// ports form one collision domain: the stations share the medium through IEEE 802.3
/// half-duplex CSMA/CD, deferring while another station is heard, and jamming and backing
/// off when two start at once. That is why a hub congests as stations are added.
/// </summary>
/// <remarks>
/// <para>
/// Most stations drop what they hear as not for them, so the hub does not send them a copy
/// of the frame. When the station on a port would drop the frame (<see cref="IFrameReceiver.Ignores"/>)
/// as not for it (not promiscuous, the destination neither its address nor broadcast),
/// nothing watches the frame (no tracing, no tap at the station or at the hub's port) and
/// its cable has no impairments, the hub counts at once what the frame's arrival would count: sent at the
/// hub's port, received and dropped as <see cref="DropReason.NotForMe"/> at the station's.
/// Every other frame (to its station, broadcast, to anything but a NIC, watched, or on an
/// impaired cable) travels to the station as an event, as sent.
/// </para>
/// <para>
/// The counts are the same at the end of a run (unless it ends, or the station's link goes
/// down, within that cable delay: see below); what differs is when they change: the
/// station's counters change when the hub repeats the frame, one cable delay before its last
/// bit would have reached the station, and the station's settings at that moment decide.
/// A cable that goes down in that time would have lost a frame that travels (counted as a
/// <see cref="DropReason.LinkDown"/> drop); a counted frame stays counted as received and
/// dropped as not for the station. A port whose link is down gets nothing, either way.
/// </para>
/// </remarks>
public sealed class Hub : IFrameReceiver, IFrameRelay, IDeviceTables
{
    private readonly Network network;
    private readonly Port[] ports;
    private readonly SharedMedium medium;
    private EventHandler? collided;

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
        medium = new SharedMedium(name);
        ports = new Port[portCount];
        for (int i = 0; i < portCount; i++)
        {
            ports[i] = new Port(network, this, name, i) { Medium = medium };
        }

        network.AddDevice(this);
    }

    /// <summary>The hub's name.</summary>
    public string Name { get; }

    /// <summary>Its ports, numbered from 0.</summary>
    public IReadOnlyList<Port> Ports => ports;

    /// <summary>Frames repeated (each counted once, however many ports it went out of).</summary>
    public long FramesRepeated { get; private set; }

    /// <summary>
    /// Collisions on the hub's medium so far: every attempt of a station that collided and
    /// was cut short by a jam counts once (two stations that start together make two), as the
    /// <see cref="FrameEventKind.Collided"/> trace events count them. A late collision, heard
    /// after the frame's last bit left, garbles the frame and is not counted here.
    /// </summary>
    public long Collisions => medium.Collisions;

    /// <summary>Raised after each collision is counted in <see cref="Collisions"/>. It runs inside the simulation's processing: read, do not send.</summary>
    public event EventHandler? Collided
    {
        add
        {
            collided += value;
            medium.Collided = collided is null ? null : RaiseCollided;
        }

        remove
        {
            collided -= value;
            medium.Collided = collided is null ? null : RaiseCollided;
        }
    }

    /// <summary>Records <see cref="Collisions"/> over time: the count now, then a point at every collision.</summary>
    public TimeSeries ProbeCollisions(int capacity = TimeSeries.DefaultCapacity)
    {
        var series = new TimeSeries($"{Name} collisions", "collisions", capacity);
        series.Record(network.Simulation.Now, Collisions);
        EventHandler handler = (_, _) => series.Record(network.Simulation.Now, Collisions);
        Collided += handler;
        series.Attach(() => Collided -= handler);
        return series;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// The counters of every port now, one port a line, like <c>ip -s link</c>, in the layout of
    /// <see cref="Switch.FormatPorts"/>. The data is each port's <see cref="Port.Counters"/>.
    /// </summary>
    public string FormatPorts() => PortCounters.Format($"Ports of {Name}", "Port", ports.Select(p => (p.Number.ToString(CultureInfo.InvariantCulture), p.Counters)));

    /// <summary>A hub keeps no MAC table: what it repeated, then the port counters (<see cref="FormatPorts"/>).</summary>
    public string FormatTables() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} is a hub: it keeps no MAC table and repeats every frame to every other port ({FramesRepeated} frames so far).\n\n") + FormatPorts();

    private void RaiseCollided() => collided?.Invoke(this, EventArgs.Empty);

    /// <inheritdoc/>
    void IFrameReceiver.OnFrameArrived(Port port, FrameHandle frame)
    {
        FramePool pool = network.Frames;
        FramesRepeated++;
        ReadOnlySpan<byte> bytes = pool.GetSpan(frame);
        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, port.Number, FrameEventKind.Repeated, bytes, outPorts: Port.OthersUp(ports, port));
        }

        // Stations that would drop the frame as not for them are counted, not sent a copy (see remarks).
        bool countIgnored = !network.Tracer.IsOn && EthernetFrame.Validate(bytes) == WireError.None;
        MacAddress destination = countIgnored ? MacAddress.Read(bytes) : default;
        int length = bytes.Length;
        Port? last = null;
        foreach (Port other in ports)
        {
            if (other == port || !other.IsLinkUp)
            {
                continue;
            }

            CableDirection egress = other.Egress!;
            // No tap at the hub's port either: its capture keeps the frames in port order.
            if (countIgnored && !other.HasTaps && egress.IsPerfect && !egress.To.HasTaps && egress.To.Owner.Ignores(destination))
            {
                egress.RepeatIgnored(frame, length);
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
