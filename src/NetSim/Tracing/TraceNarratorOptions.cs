namespace NetSim.Tracing;

/// <summary>What a <see cref="TraceNarrator"/> tells: which layers, and which devices.</summary>
public sealed class TraceNarratorOptions
{
    /// <summary>The layers told (all unless set).</summary>
    public TraceLayers Layers { get; init; } = TraceLayers.All;

    /// <summary>
    /// The devices told, by name ("pc1" takes its interfaces "pc1/eth0" too); null (the
    /// default) for every device.
    /// </summary>
    public IReadOnlyCollection<string>? Devices { get; init; }
}
