namespace NetSim.Links;

/// <summary>
/// A check of a whole network's topology that a higher layer registers with
/// <see cref="Network.GetTopologyCheck{T}"/>: it runs before a run starts when the topology
/// changed since it last ran, and throws to refuse the run.
/// </summary>
internal interface ITopologyCheck
{
    /// <summary>Checks the topology as it is now.</summary>
    /// <exception cref="InvalidOperationException">The topology is wrong; the message says how.</exception>
    void Check();
}
