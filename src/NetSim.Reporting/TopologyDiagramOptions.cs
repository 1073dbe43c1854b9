namespace NetSim.Reporting;

/// <summary>What a <see cref="TopologyDiagram"/> shows.</summary>
public sealed record TopologyDiagramOptions
{
    /// <summary>Whether each interface shows its MAC address under its IPv4 address (true by default).</summary>
    public bool ShowMacs { get; init; } = true;
}
