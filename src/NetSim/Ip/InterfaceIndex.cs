using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>What an address is to a node: one of its interfaces' addresses, the broadcast address of one of their networks, or neither.</summary>
internal enum AddressRole
{
    /// <summary>Neither.</summary>
    None,

    /// <summary>An interface's own address.</summary>
    Interface,

    /// <summary>The directed broadcast address of an interface's network.</summary>
    SubnetBroadcast,
}

/// <summary>
/// Finds a node's interfaces by address and by network in time independent of how many it
/// has, for nodes with many (a core router): which interface has an address, whether an
/// address is one of their networks' broadcast addresses (both asked for every packet), and
/// which interface's network holds an address (asked per added interface and route).
/// </summary>
/// <remarks>
/// One dictionary maps every interface address and every directed broadcast address to its
/// interface (they cannot collide: the networks do not overlap). An array of the interfaces
/// sorted by network answers "which network holds this address" by binary search: the
/// networks do not overlap, so only the last one starting at or below the address can hold
/// it. Inserting moves the array's tail (none when networks are added in ascending order).
/// </remarks>
internal sealed class InterfaceIndex
{
    private readonly Dictionary<Ipv4Address, (IpInterface Interface, AddressRole Role)> addresses = [];
    private IpInterface[] bySubnet = new IpInterface[16];
    private int count;

    /// <summary>Indexes <paramref name="interfaces"/>, which have networks that do not overlap.</summary>
    public InterfaceIndex(IEnumerable<IpInterface> interfaces)
    {
        foreach (IpInterface added in interfaces)
        {
            Add(added);
        }
    }

    /// <summary>Adds an interface whose network overlaps none of those indexed.</summary>
    public void Add(IpInterface added)
    {
        addresses.Add(added.Address, (added, AddressRole.Interface));
        if (added.Subnet.PrefixLength < 31)
        {
            addresses.Add(added.Subnet.BroadcastAddress, (added, AddressRole.SubnetBroadcast));
        }

        int position = LastStartingAtOrBelow(Start(added)) + 1; // networks are apart: no two start at one address
        if (count == bySubnet.Length)
        {
            Array.Resize(ref bySubnet, count * 2);
        }

        Array.Copy(bySubnet, position, bySubnet, position + 1, count - position);
        bySubnet[position] = added;
        count++;
    }

    /// <summary>The interface with <paramref name="address"/>, or null.</summary>
    public IpInterface? FindByAddress(Ipv4Address address) =>
        addresses.TryGetValue(address, out var found) && found.Role == AddressRole.Interface ? found.Interface : null;

    /// <summary>What <paramref name="address"/> is to the node.</summary>
    public AddressRole RoleOf(Ipv4Address address) =>
        addresses.TryGetValue(address, out var found) ? found.Role : AddressRole.None;

    /// <summary>The interface whose network holds <paramref name="address"/>, or null.</summary>
    public IpInterface? FindOnLink(Ipv4Address address)
    {
        int position = LastStartingAtOrBelow(address.Value);
        return position >= 0 && bySubnet[position].IsOnLink(address) ? bySubnet[position] : null;
    }

    /// <summary>An interface whose network overlaps <paramref name="subnet"/> (one holds the other), or null.</summary>
    public IpInterface? FindOverlapping(Ipv4Network subnet)
    {
        // Networks either nest or are apart. One that holds the new network's first address
        // starts at or below it; one inside the new network is the last starting at or below its last address.
        if (FindOnLink(subnet.BaseAddress) is { } holding)
        {
            return holding;
        }

        int position = LastStartingAtOrBelow(subnet.BroadcastAddress.Value);
        return position >= 0 && subnet.Contains(bySubnet[position].Address) ? bySubnet[position] : null;
    }

    private static uint Start(IpInterface candidate) => candidate.Subnet.BaseAddress.Value;

    // The position of the last interface whose network starts at or below value; -1 when none does.
    private int LastStartingAtOrBelow(uint value)
    {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (Start(bySubnet[middle]) <= value)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }
}
