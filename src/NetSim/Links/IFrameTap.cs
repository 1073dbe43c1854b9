namespace NetSim.Links;

/// <summary>Sees every frame that leaves or arrives at a port, as a capture does. It must not keep or change the frame.</summary>
public interface IFrameTap
{
    /// <summary>A frame starts to leave (<paramref name="outgoing"/>) or has arrived at <paramref name="port"/>.</summary>
    void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing);
}
