using System.Globalization;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>
/// An Ethernet switch: an IEEE 802.1D transparent learning bridge. It learns which port
/// each source address sits behind; it sends a frame for a known address out of that one
/// port, floods broadcasts, multicasts and unknown destinations out of every other port,
/// and filters a frame whose destination sits on the port it came in on. Store-and-forward:
/// a frame is forwarded once it has arrived whole, and waits in the egress port's queue.
/// </summary>
public sealed class Switch : IFrameReceiver, IFrameRelay, IDeviceTables
{
    private const ulong ReservedGroupAddresses = 0x01_80_C2_00_00_00;

    private readonly Network network;
    private readonly Port[] ports;

    /// <summary>Creates a switch with <paramref name="portCount"/> ports, numbered from 0.</summary>
    /// <param name="network">The network it belongs to.</param>
    /// <param name="name">Its name, unique in the network.</param>
    /// <param name="portCount">How many ports it has.</param>
    /// <param name="macTableCapacity">The most addresses its MAC table holds (default 8,192).</param>
    /// <param name="agingTime">How long an address is remembered (default 300 s).</param>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 ports, or a bad table size or ageing time.</exception>
    public Switch(Network network, string name, int portCount, int macTableCapacity = 8192, Engine.SimDuration? agingTime = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(portCount, 2);
        network.RegisterDevice(name);
        this.network = network;
        Name = name;
        MacTable = new MacTable(macTableCapacity, agingTime);
        ports = new Port[portCount];
        for (int i = 0; i < portCount; i++)
        {
            ports[i] = new Port(network, this, name, i);
        }

        network.AddDevice(this);
    }

    /// <summary>The switch's name.</summary>
    public string Name { get; }

    /// <summary>Its ports, numbered from 0.</summary>
    public IReadOnlyList<Port> Ports => ports;

    /// <summary>Which address sits behind which port.</summary>
    public MacTable MacTable { get; }

    /// <summary>Frames sent out of one port because their destination was known.</summary>
    public long FramesForwarded { get; private set; }

    /// <summary>Frames sent out of every other port (broadcast, multicast or unknown destination).</summary>
    public long FramesFlooded { get; private set; }

    /// <summary>Frames dropped because their destination sits on the port they came in on.</summary>
    public long FramesFiltered { get; private set; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// The MAC table now (at the simulation's current time), like Cisco's
    /// <c>show mac address-table</c>: address, port and age of each live entry. The data is
    /// <see cref="MacTable"/>'s <see cref="MacTable.GetEntries"/>.
    /// </summary>
    public string FormatMacTable() => MacTable.Format($"MAC address table of {Name}", network.Simulation.Now);

    /// <summary>
    /// The counters of every port now, one port a line, like <c>ip -s link</c>: frames and
    /// bytes received and sent, frames dropped, the queue's peak. The data is each port's
    /// <see cref="Port.Counters"/>.
    /// </summary>
    public string FormatPorts() => PortCounters.Format($"Ports of {Name}", "Port", ports.Select(p => (p.Number.ToString(CultureInfo.InvariantCulture), p.Counters)));

    /// <summary>The MAC table, then the port counters (<see cref="FormatMacTable"/>, <see cref="FormatPorts"/>).</summary>
    public string FormatTables() => FormatMacTable() + "\n" + FormatPorts();

    /// <inheritdoc/>
    void IFrameReceiver.OnFrameArrived(Port port, FrameHandle frame)
    {
        FramePool pool = network.Frames;
        ReadOnlySpan<byte> bytes = pool.GetSpan(frame);
        if (bytes.Length < EthernetFrame.MinLength || EthernetFrame.Validate(bytes) != WireError.None)
        {
            port.Drop(frame, DropReason.Malformed); // runts and broken headers are not relayed
            return;
        }

        Engine.SimTime now = network.Simulation.Now;
        MacAddress destination = MacAddress.Read(bytes);
        MacAddress source = MacAddress.Read(bytes[MacAddress.Length..]);
        if (source.IsUnicast)
        {
            LearnResult learned = MacTable.Learn(source, port.Number, now);
            if (network.Tracer.IsOn && learned is LearnResult.Learned or LearnResult.Moved)
            {
                network.Tracer.Raise(new FrameEvent(now, Name, port.Number, FrameEventKind.Learned, source, default, 0), []);
            }
        }

        if ((destination.ToUInt64() & ~0xFUL) == ReservedGroupAddresses)
        {
            Filter(port, frame, bytes); // 802.1D, 7.12.6: frames to 01-80-C2-00-00-00..0F are never relayed
            return;
        }

        if (destination.IsMulticast)
        {
            Flood(port, frame);
            return;
        }

        if (!MacTable.TryLookup(destination, now, out int egress, out bool agedOut))
        {
            if (agedOut && network.Tracer.IsOn)
            {
                network.Tracer.Raise(new FrameEvent(now, Name, -1, FrameEventKind.AgedOut, destination, default, 0), []);
            }

            Flood(port, frame);
            return;
        }

        if (egress == port.Number)
        {
            Filter(port, frame, bytes);
            return;
        }

        FramesForwarded++;
        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, egress, FrameEventKind.Forwarded, bytes);
        }

        ports[egress].Send(frame);
    }

    /// <summary>Forgets the addresses learned on a port whose link went down (802.1D, 7.9.2), so frames for them are flooded, not lost.</summary>
    void IFrameReceiver.OnLinkChanged(Port port)
    {
        if (!port.IsLinkUp)
        {
            MacTable.ForgetPort(port.Number);
        }
    }

    private void Filter(Port port, FrameHandle frame, ReadOnlySpan<byte> bytes)
    {
        FramesFiltered++;
        port.Counters.CountDrop(DropReason.Filtered);
        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, port.Number, FrameEventKind.Filtered, bytes);
        }

        network.Frames.Return(frame);
    }

    // Every other port with a link gets a copy; the last one gets the original.
    private void Flood(Port ingress, FrameHandle frame)
    {
        FramesFlooded++;
        FramePool pool = network.Frames;
        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, ingress.Number, FrameEventKind.Flooded, pool.GetSpan(frame), outPorts: Port.OthersUp(ports, ingress));
        }

        Port? last = null;
        foreach (Port port in ports)
        {
            if (port == ingress || !port.IsLinkUp)
            {
                continue;
            }

            if (last is not null)
            {
                last.Send(pool.Copy(frame));
            }

            last = port;
        }

        if (last is null)
        {
            pool.Return(frame);
        }
        else
        {
            last.Send(frame);
        }
    }
}
