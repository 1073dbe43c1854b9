using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>
/// What the devices of one simulated network share: the simulation, the frame buffers, the
/// register of names and MAC addresses (so that duplicates are caught when the topology is
/// built), and the listeners of trace events.
/// </summary>
public sealed class Network
{
    private const ulong FirstAssignedMac = 0x02_00_00_00_00_01; // locally administered, unicast

    private readonly Dictionary<MacAddress, string> givenMacs = []; // addresses given by the user
    private readonly List<string?> assignedMacOwners = []; // who got 02:00:00:00:00:01 + i (null: skipped, it was given)
    private readonly HashSet<string> deviceNames = new(StringComparer.Ordinal);
    private readonly List<ITraceListener> traceListeners = [];
    private ulong nextMac = FirstAssignedMac;

    /// <summary>Creates an empty network on <paramref name="simulation"/>.</summary>
    public Network(Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        Simulation = simulation;
        Frames = new FramePool(simulation);
    }

    /// <summary>The simulation the network runs on.</summary>
    public Simulation Simulation { get; }

    /// <summary>The frame buffers every device of this network uses.</summary>
    public FramePool Frames { get; }

    /// <summary>True when someone listens to trace events; devices skip building them otherwise.</summary>
    public bool IsTracing { get; private set; }

    /// <summary>Adds a listener of every trace event from now on.</summary>
    public void AddTraceListener(ITraceListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        traceListeners.Add(listener);
        IsTracing = true;
    }

    /// <summary>Delivers a trace event to the listeners. Call only when <see cref="IsTracing"/>.</summary>
    internal void Trace(in TraceEvent traceEvent)
    {
        foreach (ITraceListener listener in traceListeners)
        {
            listener.OnTrace(traceEvent);
        }
    }

    /// <summary>Takes a device name; names are unique in a network.</summary>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    internal void RegisterDevice(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!deviceNames.Add(name))
        {
            throw new ArgumentException($"The network already has a device named '{name}'.", nameof(name));
        }
    }

    /// <summary>
    /// Registers <paramref name="mac"/> for <paramref name="device"/>, or, when null, assigns
    /// the next free locally administered address (02:00:00:00:00:01, 02:00:00:00:00:02, ...).
    /// </summary>
    /// <exception cref="ArgumentException">The address is taken, or is not a unicast address.</exception>
    internal MacAddress RegisterMac(MacAddress? mac, string device)
    {
        if (mac is MacAddress given)
        {
            if (!given.IsUnicast || given == MacAddress.Zero)
            {
                throw new ArgumentException($"{device}: {given} cannot be a station's address (it is {(given.IsMulticast ? "a group address" : "all zeros")}).", nameof(mac));
            }

            if (givenMacs.TryGetValue(given, out string? owner))
            {
                throw new ArgumentException($"{device}: MAC address {given} is already used by {owner}.", nameof(mac));
            }

            if (given.ToUInt64() is >= FirstAssignedMac and var value && value < nextMac)
            {
                throw new ArgumentException($"{device}: MAC address {given} is already used by {assignedMacOwners[checked((int)(value - FirstAssignedMac))]}.", nameof(mac));
            }

            givenMacs.Add(given, device);
            return given;
        }

        while (givenMacs.ContainsKey(MacAddress.FromUInt64(nextMac)))
        {
            assignedMacOwners.Add(null);
            nextMac++;
        }

        assignedMacOwners.Add(device);
        return MacAddress.FromUInt64(nextMac++);
    }
}
