namespace NetSim.Links;

/// <summary>
/// A device that passes frames between its own ports at layer 2 (a switch, a hub): what
/// arrives at one port may leave by any other, so all its ports are on one broadcast domain.
/// A NIC is not one: it is where a domain ends.
/// </summary>
internal interface IFrameRelay
{
    /// <summary>The device's name.</summary>
    string Name { get; }

    /// <summary>Its ports.</summary>
    IReadOnlyList<Port> Ports { get; }
}
