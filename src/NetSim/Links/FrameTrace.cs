using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>Builds trace events from frame bytes, for devices that found <see cref="Network.IsTracing"/> true.</summary>
internal static class FrameTrace
{
    public static TraceEvent Make(Network network, string device, int port, TraceKind kind, ReadOnlySpan<byte> frame, DropReason? reason = null)
    {
        MacAddress source = default;
        MacAddress destination = default;
        if (frame.Length >= EthernetFrame.HeaderLength)
        {
            destination = MacAddress.Read(frame);
            source = MacAddress.Read(frame[MacAddress.Length..]);
        }

        return new TraceEvent(network.Simulation.Now, device, port, kind, source, destination, frame.Length, reason);
    }
}
