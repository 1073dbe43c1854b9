using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>One learned address of a <see cref="MacTable"/>, as printed for a learner.</summary>
/// <param name="Address">The station's MAC address.</param>
/// <param name="Port">The port it was last seen on.</param>
/// <param name="Age">How long ago it was last seen.</param>
public readonly record struct MacTableEntry(MacAddress Address, int Port, SimDuration Age);

/// <summary>
/// A learning bridge's filtering database (IEEE 802.1D, 7.8 and 7.9): which port each MAC
/// address was last seen on. Bounded: when full, it learns nothing new (and the switch
/// floods unknown destinations). Entries older than <see cref="AgingTime"/> are forgotten
/// when they are looked at, so ageing needs no timer events.
/// </summary>
public sealed class MacTable
{
    private readonly Dictionary<MacAddress, (int Port, SimTime LastSeen)> entries;
    private SimTime? lastSweep;

    /// <summary>Creates an empty table.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is below 1 or the ageing time is not positive.</exception>
    public MacTable(int capacity = 8192, SimDuration? agingTime = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        SimDuration aging = agingTime ?? SimDuration.FromSeconds(300); // 802.1D-2004, Table 7-5
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(aging, SimDuration.Zero, nameof(agingTime));
        Capacity = capacity;
        AgingTime = aging;
        entries = []; // grows with what is learned: a 48-port switch rarely sees 8,192 stations
    }

    /// <summary>The most addresses the table holds.</summary>
    public int Capacity { get; }

    /// <summary>How long an address is remembered after it was last seen.</summary>
    public SimDuration AgingTime { get; }

    /// <summary>Addresses in the table, aged ones not yet forgotten included.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// Records that <paramref name="address"/> was seen on <paramref name="port"/> at
    /// <paramref name="now"/>. Returns what changed.
    /// </summary>
    public LearnResult Learn(MacAddress address, int port, SimTime now)
    {
        ref (int Port, SimTime LastSeen) entry = ref CollectionsMarshal.GetValueRefOrNullRef(entries, address);
        if (!Unsafe.IsNullRef(ref entry))
        {
            bool moved = entry.Port != port;
            bool wasAged = now - entry.LastSeen > AgingTime;
            entry = (port, now);
            return moved ? LearnResult.Moved : wasAged ? LearnResult.Learned : LearnResult.Refreshed;
        }

        if (entries.Count >= Capacity && !SweepAged(now))
        {
            return LearnResult.TableFull;
        }

        entries.Add(address, (port, now));
        return LearnResult.Learned;
    }

    /// <summary>
    /// Finds the port of <paramref name="address"/>. An entry older than the ageing time is
    /// forgotten and reported through <paramref name="agedOut"/>.
    /// </summary>
    public bool TryLookup(MacAddress address, SimTime now, out int port, out bool agedOut)
    {
        agedOut = false;
        if (!entries.TryGetValue(address, out (int Port, SimTime LastSeen) entry))
        {
            port = -1;
            return false;
        }

        if (now - entry.LastSeen > AgingTime)
        {
            entries.Remove(address);
            agedOut = true;
            port = -1;
            return false;
        }

        port = entry.Port;
        return true;
    }

    /// <summary>Forgets every address learned on <paramref name="port"/> (its link went down).</summary>
    public void ForgetPort(int port)
    {
        foreach (KeyValuePair<MacAddress, (int Port, SimTime LastSeen)> pair in entries)
        {
            if (pair.Value.Port == port)
            {
                entries.Remove(pair.Key);
            }
        }
    }

    /// <summary>The live entries at <paramref name="now"/>, ordered by port then address, for printing.</summary>
    public IReadOnlyList<MacTableEntry> GetEntries(SimTime now) =>
        [.. entries.Where(e => now - e.Value.LastSeen <= AgingTime)
            .Select(e => new MacTableEntry(e.Key, e.Value.Port, now - e.Value.LastSeen))
            .OrderBy(e => e.Port).ThenBy(e => e.Address)];

    /// <summary>
    /// The table at <paramref name="now"/> as a switch prints it (like Cisco's
    /// <c>show mac address-table</c>): a title, then address, port and age, one live entry a
    /// line in the order of <see cref="GetEntries"/>. <see cref="Switch.FormatMacTable"/>
    /// prints a switch's at the simulation's current time.
    /// </summary>
    public string Format(SimTime now) => Format("MAC address table", now);

    internal string Format(string title, SimTime now)
    {
        IReadOnlyList<MacTableEntry> live = GetEntries(now);
        var table = new TextTable(
            string.Create(CultureInfo.InvariantCulture, $"{title} ({live.Count} of {Capacity} addresses, ageing time {AgingTime})"),
            "MAC address", "Port", "Age");
        foreach (MacTableEntry entry in live)
        {
            table.Add(entry.Address.ToString(), entry.Port.ToString(CultureInfo.InvariantCulture), entry.Age.ToString());
        }

        return table.ToString();
    }

    // A full table drops entries that have aged out (a real bridge's ageing timer would have),
    // at most once a second so that a MAC flood does not make every frame scan the table.
    private bool SweepAged(SimTime now)
    {
        if (lastSweep is SimTime previous && now - previous < SimDuration.FromSeconds(1))
        {
            return false;
        }

        lastSweep = now;
        foreach (KeyValuePair<MacAddress, (int Port, SimTime LastSeen)> pair in entries)
        {
            if (now - pair.Value.LastSeen > AgingTime)
            {
                entries.Remove(pair.Key);
            }
        }

        return entries.Count < Capacity;
    }
}

/// <summary>What <see cref="MacTable.Learn"/> did.</summary>
public enum LearnResult
{
    /// <summary>The address was already known on that port; its age starts again.</summary>
    Refreshed,

    /// <summary>The address is new (or had aged out).</summary>
    Learned,

    /// <summary>The address was known on another port: the station moved.</summary>
    Moved,

    /// <summary>The table is full: the address was not learned.</summary>
    TableFull,
}
