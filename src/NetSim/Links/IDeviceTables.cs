namespace NetSim.Links;

/// <summary>
/// A device that prints its tables as the real device does: a switch its MAC table and
/// port counters, a host or router its interface counters, ARP cache and routes. Each table
/// is also a method of its own (<c>FormatMacTable</c>, <c>FormatArp</c>, <c>FormatRoutes</c>,
/// ...) and its data a typed list (<c>GetEntries</c>, <c>GetRoutes</c>, <c>Counters</c>).
/// The text is of the current simulated time: print from an event
/// (<c>sim.ScheduleAt(SimTime.FromSeconds(2), () => Console.Write(sw.FormatTables()))</c>)
/// or when an application's task completes, not after <c>Run</c> has returned, by when
/// entries may have expired.
/// </summary>
public interface IDeviceTables
{
    /// <summary>The device's name, which titles its tables.</summary>
    string Name { get; }

    /// <summary>Every table of the device now, each with its title, separated by an empty line.</summary>
    string FormatTables();
}
